"""Shops: credentials, policy versions and return logistics."""
