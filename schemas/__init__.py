"""JSON Schema message contracts (data files; loaded by workers.contracts)."""
