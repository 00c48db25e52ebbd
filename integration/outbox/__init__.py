"""The outbox: what a decision does on the platform, run once per action through a gateway."""
