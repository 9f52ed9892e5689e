"""Errors the user can fix: the CLI prints their Chinese message and exits 2."""


class BadInput(Exception):
    """Input that cannot be accepted; nothing has been written."""


class Unavailable(Exception):
    """A service the command needs (Prefect server, mail server) does not answer; exit 1."""
