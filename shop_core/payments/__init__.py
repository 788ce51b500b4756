"""Payments: Stripe Checkout (or the built-in test gateway) and the signed webhook."""
