"""A real SMTP server on 127.0.0.1 for the alert tests: aiosmtpd, with STARTTLS (or TLS from
the first byte) on a certificate of a test CA (trustme) and AUTH, that keeps every message it
accepted. Hooks let a test refuse one recipient, fail at the n-th message or kill the sender
there, as a real server or a kill -9 would."""

from __future__ import annotations

import ssl
import threading
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "alerts@pers.example.org", "s3cret-Pässword-42"


@dataclass
class Accepted:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    def message(self):
        """The message as a mail program reads it (the email package, modern policy)."""
        import email
        from email import policy

        return email.message_from_bytes(self.content, policy=policy.default)


@dataclass
class Handler:
    """What the server does with each message; `before_accept(number, envelope)` (number: how
    many were accepted before) may return a reply such as "451 ..." to not accept it."""

    accepted: list[Accepted] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)   # recipient -> reply (e.g. "550 no such user")
    before_rcpt = None
    before_accept = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.before_rcpt is not None:
            reply = self.before_rcpt(len(self.accepted), address)
            if reply:
                return reply
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.before_accept is not None:
            reply = self.before_accept(len(self.accepted), envelope)
            if reply:
                return reply
        with self.lock:
            self.accepted.append(Accepted(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content)))
        return "250 Message accepted for delivery"


class _Controller(Controller):
    """aiosmtpd's Controller on a port the system picks (port 0): the readiness check that
    `start` makes connects to the port actually bound."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False)   # not handled: aiosmtpd answers 535 itself


class SmtpServer:
    """Started and ready when made (Controller.start waits until the server answers);
    `security` is starttls (STARTTLS required before AUTH and MAIL), tls or none (no AUTH)."""

    def __init__(self, cert, security: str = "starttls"):
        self.handler = Handler()
        self.security = security
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        kwargs = {"enable_SMTPUTF8": True, "ready_timeout": 20}
        if security == "starttls":
            kwargs.update(tls_context=context, require_starttls=True, authenticator=authenticate,
                          auth_required=True)
        elif security == "tls":
            kwargs.update(ssl_context=context, authenticator=authenticate, auth_required=True,
                          auth_require_tls=False)   # it is TLS, from the first byte: aiosmtpd knows only STARTTLS
        self.controller = _Controller(self.handler, hostname="127.0.0.1", port=0, **kwargs)
        self.controller.start()
        self.port = self.controller.port

    @property
    def accepted(self) -> list[Accepted]:
        return self.handler.accepted

    def stop(self) -> None:
        self.controller.stop()
