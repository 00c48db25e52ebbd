"""Inbound HTTP edge: one generic receiver for every platform in adapters.registry."""
