"""Checkout: turn a cart into an order with reserved stock and a payment session."""
