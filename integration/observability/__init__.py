"""Observability: health checks, Prometheus metrics and structured JSON logs."""
