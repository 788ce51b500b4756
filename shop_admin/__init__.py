"""The back office under /admin: Reflex pages whose every handler checks a permission."""
