"""Catalog: products with options and variants, images, the category tree, collections, search."""
