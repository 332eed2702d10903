"""Process stage: the stream processor (aiokafka) that runs extract and dedup between the items and events topics."""
