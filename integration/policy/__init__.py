"""The policy engine: a declarative policy document in, one decision per case out."""
