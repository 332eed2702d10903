"""Marsad workers: poll -> items topic -> extract -> dedup -> events sink topic."""

__version__ = "0.1.0"
