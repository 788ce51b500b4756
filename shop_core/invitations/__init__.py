"""Invitation codes: registration is invite-only; owners generate and disable codes."""
