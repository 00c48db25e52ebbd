"""The HTTP API: decisions, requests and their evidence uploads."""
