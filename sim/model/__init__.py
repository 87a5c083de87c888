"""What a world is: the scenario schema (TOML), its parameters and the typed batch."""
