"""Orders: immutable snapshots of what was bought, their lifecycle, shipments and refunds."""
