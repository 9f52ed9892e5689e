"""How a send can fail: certainly not delivered (SendFailed, safe to retry) or perhaps
delivered (SendUnknown, never resent automatically)."""


class SendFailed(Exception):
    """The message was certainly not delivered (refused, unreachable, error reply).

    down=True: the channel itself is unreachable, so the rest of the batch need not try it.
    """

    def __init__(self, message: str, *, down: bool = False):
        super().__init__(message)
        self.down = down


class SendUnknown(Exception):
    """The outcome is unknown: the message may have been delivered."""
