"""Errors the user can fix: the CLI prints their Chinese message and exits 2."""


class BadInput(Exception):
    """Input that cannot be accepted; nothing has been written."""
