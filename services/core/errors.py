"""Errors with a Chinese message for the user: BadInput (fix the input; exit 2) and Unavailable
(a service is down; exit 1)."""


class BadInput(Exception):
    """Input that cannot be accepted; nothing has been written."""


class Unavailable(Exception):
    """A service the command needs (Prefect server, mail server) does not answer; exit 1."""
