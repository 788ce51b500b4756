"""Storefront components shared by several pages."""
