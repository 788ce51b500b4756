"""Customers for the back office: list, profile, tags and rule-based segments."""
