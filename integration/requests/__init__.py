"""Requests: decided by the policy with their actions in one transaction; evidence, review."""
