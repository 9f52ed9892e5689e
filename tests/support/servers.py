"""Real servers on loopback for the delivery tests: SMTP (aiosmtpd) and an HTTP server standing
in for the WeCom / DingTalk robot webhooks."""

import email
import email.policy
import json
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

from tests.support.waiting import free_port


# ---------------------------------------------------------------- SMTP
class MailHandler:
    """Records every message; can refuse recipients or hold a message before replying."""

    def __init__(self):
        self.messages: list = []
        self.refuse: set[str] = set()
        self.refusal = "550 5.1.1 用户不存在 mailbox unavailable"
        self.hold: threading.Event | None = None
        self.received = threading.Event()
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        self.received.set()
        if self.hold is not None:
            import asyncio

            await asyncio.get_running_loop().run_in_executor(None, self.hold.wait, 30)
        return "250 OK queued"


class MailServer:
    def __init__(self, port: int | None = None, **tls):
        self.port = port or free_port()
        self.handler = MailHandler()
        self.controller = None
        self.tls = tls  # tls_context=…, require_starttls=True | ssl_context=…

    def start(self) -> "MailServer":
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **self.tls)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return self.handler.messages

    def to(self, address: str) -> list:
        return [m for rcpt, m in self.messages if address in rcpt]


def text_part(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_part(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


# ---------------------------------------------------------------- robots
class RobotServer:
    """A local HTTP server standing in for a robot webhook.

    replies: a list consumed one per request, each ("json", dict) | ("status", code) |
    ("sleep", seconds) | ("close", None); when empty, {"errcode": 0, "errmsg": "ok"}.
    """

    def __init__(self):
        self.requests: list[dict] = []
        self.replies: list[tuple] = []
        self.received = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                url = urllib.parse.urlsplit(self.path)
                outer.requests.append(
                    {
                        "path": url.path,
                        "query": dict(urllib.parse.parse_qsl(url.query)),
                        "json": json.loads(body),
                        "at": time.time(),
                    }
                )
                outer.received.set()
                kind, value = outer.replies.pop(0) if outer.replies else ("json", None)
                if kind == "close":
                    self.close_connection = True
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if kind == "sleep":
                    time.sleep(value)
                    kind, value = "json", None
                status = value if kind == "status" else 200
                payload = json.dumps(
                    value
                    if kind == "json" and value is not None
                    else {"errcode": 0, "errmsg": "ok"}
                ).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "RobotServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
