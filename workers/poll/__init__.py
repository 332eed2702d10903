"""Poll stage: fetch feeds, parse entries into news items, publish new ones to the items topic."""
