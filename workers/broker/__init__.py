"""Broker access: the embedded tansu broker for local runs, topic admin and client settings."""
