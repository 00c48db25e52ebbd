"""The conditions of a rule's `when`: one module each, listed in `registry.CONDITIONS`."""
