"""Customer support: tickets with a conversation, a technician queue and automatic emails."""
