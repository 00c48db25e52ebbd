"""Per-platform adapters: one folder per platform with the same file names (verify, parse, client)."""
