"""Accounts: one users table for customers and staff, sessions, tokens, password reset."""
