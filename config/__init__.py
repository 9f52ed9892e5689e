"""Configuration: one Settings class and the typed TOML files beside it."""
