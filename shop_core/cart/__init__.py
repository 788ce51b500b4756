"""Server-side carts: guests by an unguessable id, customers by account."""
