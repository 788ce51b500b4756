"""Transactional email: Jinja2 templates, a durable queue table, SMTP or outbox delivery."""
