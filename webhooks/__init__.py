"""Inbound HTTP edge: platform webhook receivers (built on the policy engine; see issue 3)."""
