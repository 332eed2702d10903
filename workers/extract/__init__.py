"""Extract stage: a news item's Arabic text -> single-report events with evidence."""
