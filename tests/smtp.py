"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, collecting what it receives.

    server = SMTPServer().start()
    ...                          # send to 127.0.0.1:server.port
    [message] = server.messages  # email.message.EmailMessage objects
    server.stop()

`stall_first=n` makes the first n deliveries hang (up to `stall_seconds`, or
until `release()`) and then be refused with a temporary error, as a server
that died mid-transfer: `stalled` is set when one is hanging, and
`stalled_peer` is the client's (address, port).

The server's socket is bound when the object is made (port 0: the kernel picks
a free port, which no other process can take before the server listens);
until `start()` it refuses connections, as a server that is down.
"""

import asyncio
import logging
import socket
import threading
from email import message_from_bytes
from email.policy import default

from aiosmtpd.controller import Controller

# aiosmtpd logs every SMTP command at INFO level.
logging.getLogger("mail.log").setLevel(logging.WARNING)


# Generous: a loaded machine may take seconds to schedule the server's thread.
READY_TIMEOUT = 60


class CollectingHandler:
    def __init__(self, stall_first=0, stall_seconds=30, delay=0):
        self.messages = []
        self.stall_first = stall_first
        self.stall_seconds = stall_seconds
        self.delay = delay
        self.stalled = threading.Event()
        self.released = threading.Event()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            stall = self.stall_first > 0
            self.stall_first -= 1 if stall else 0
        if stall:
            self.stalled_peer = session.peer  # (address, port) of the stalled client
            self.stalled.set()
            for _ in range(int(self.stall_seconds * 20)):
                if self.released.is_set():
                    break
                await asyncio.sleep(0.05)
            return "451 Requested action aborted: local error in processing"
        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.original_content or envelope.content, policy=default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"


class BoundController(Controller):
    """aiosmtpd's controller, serving on a socket bound beforehand."""

    def __init__(self, handler, sock, **kwargs):
        self.sock = sock
        super().__init__(handler, hostname="127.0.0.1", port=sock.getsockname()[1], **kwargs)

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self.sock)


class SMTPServer:
    def __init__(self, **handler_options):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.handler = CollectingHandler(**handler_options)
        self.controller = None

    def release(self):
        """The stalled deliveries end now (refused)."""
        self.handler.released.set()

    @property
    def messages(self):
        return self.handler.messages

    def start(self):
        self.controller = BoundController(self.handler, self.sock, ready_timeout=READY_TIMEOUT)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.handler.released.set()
            self.controller.stop()
            self.controller = None
        self.sock.close()

    def settings(self):
        """Django settings that send through this server."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_TIMEOUT": 30,
        }
