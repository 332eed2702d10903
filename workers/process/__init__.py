"""Process stage: the Faust worker that runs extract and dedup between the items and events topics."""
