"""The storefront (and the Reflex app module that also serves the admin and the API)."""
