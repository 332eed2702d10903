"""Dedup stage: merge single-report events of the same real-world event into one, with all sources."""
