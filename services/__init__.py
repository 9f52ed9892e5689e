"""Domain logic: keyword-only functions that take a session."""
