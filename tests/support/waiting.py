"""Helpers for tests that start real servers: a free loopback port, and polling until ready."""

import socket
import time


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, seconds: float = 15.0, what: str = "", every: float = 0.05):
    """condition()'s first truthy value within seconds, polled every `every` s; else fail."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"{what or 'condition'}: not within {seconds} s")
