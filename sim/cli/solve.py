"""Commands of the `ceasefire` CLI: solve (filled in by its issue)."""
