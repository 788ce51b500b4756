"""The framework-free heart of the shop: models, services, jobs, email and the REST API.

Nothing in this package may import reflex; the storefront and admin call in here.
"""
