"""`marsad alert`: rule-based alerts on the events sink, sent to Alertmanager and/or a webhook."""
