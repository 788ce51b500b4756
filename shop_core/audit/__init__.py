"""Audit log: who did what to whom, with before and after, for sensitive actions."""
