"""State shared by several storefront and admin pages."""
