"""The REST API v1: FastAPI routers that parse, call a service and shape the response."""
