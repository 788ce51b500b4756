"""Inventory: an append-only ledger of stock movements and a current-stock read model."""
