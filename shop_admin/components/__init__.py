"""Admin layout and table helpers."""
