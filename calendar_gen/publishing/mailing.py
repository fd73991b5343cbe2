"""Handing one message to an SMTP server (RFC 5321): over STARTTLS or implicit TLS, the
server's certificate always verified, every socket operation under a time limit.

A server takes responsibility for a message only when it answers 250 to the end of its data
(https://www.rfc-editor.org/rfc/rfc5321#section-6.1): any failure before that answer means
it was not taken, and a client treats a dropped connection as a 451, to try again (3.8).
"""

from __future__ import annotations

import contextlib
import ipaddress
import smtplib
import socket
import ssl
import threading
from dataclasses import dataclass
from enum import StrEnum
from typing import assert_never

from calendar_gen.errors import CalendarGenError

LOOPBACK_NAMES = ("localhost",)
# The whole conversation is given this many times --timeout: a server dripping a byte at a
# time never lets one read wait that long, and notify holds the schedules' lock meanwhile.
DEADLINE_STEPS = 10


class NotSent(CalendarGenError):
    """The digest did not go out, or may not have: the message says what to do."""


class Security(StrEnum):
    """How the connection is protected."""

    STARTTLS = "starttls"  # submission, port 587 (RFC 6409), upgraded by STARTTLS (RFC 3207)
    TLS = "tls"  # implicit TLS from the first byte, port 465 (RFC 8314)
    NONE = "none"  # plain text: only to a server on this machine


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    security: Security = Security.STARTTLS
    cafile: str | None = None  # the certificate authorities to trust instead of the system's
    timeout: float = 30.0  # seconds, for each connect, read and write

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


def loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def context(server: Server) -> ssl.SSLContext | None:
    """Verification on, always: with --cafile, against those authorities only; an error
    naming the file when it holds none. None for plain text, which never upgrades."""
    if server.security is Security.NONE:  # not the system's authorities loaded: 50 ms
        return None
    try:
        return ssl.create_default_context(cafile=server.cafile)
    except (OSError, ssl.SSLError) as error:
        raise CalendarGenError(
            f"--cafile {server.cafile}: cannot be read as PEM certificates ({error}); give the "
            "file holding the certificate of the authority that signed the server's"
        ) from None


def _client(server: Server, tls: ssl.SSLContext | None) -> smtplib.SMTP:
    """Not yet connected, so that the deadline covers the greeting too."""
    if server.security is Security.TLS:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(timeout=server.timeout, context=tls)
    else:
        smtp = smtplib.SMTP(timeout=server.timeout)
    # The name TLS checks the certificate against (and sends as SNI): smtplib keeps it from
    # its constructor only, and connect() does not set it.
    setattr(smtp, "_host", server.host)  # noqa: B010
    return smtp


class Deadline:
    """Cuts the connection once the conversation has taken DEADLINE_STEPS timeouts: the
    read under way then fails, as a dropped connection does, before the server's 250."""

    def __init__(self, smtp: smtplib.SMTP, seconds: float) -> None:
        self.smtp, self.seconds, self.passed = smtp, seconds, False
        self.timer = threading.Timer(seconds, self.cut)
        self.timer.daemon = True

    def cut(self) -> None:
        self.passed = True
        if (sock := self.smtp.sock) is not None:
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def why(self, error: OSError | smtplib.SMTPException) -> str:
        if self.passed:
            return (f"the server did not finish in {self.seconds:g} seconds ({DEADLINE_STEPS} "
                    "times --timeout)")  # fmt: skip
        return _why(error)


def _upgrade(smtp: smtplib.SMTP, server: Server, tls: ssl.SSLContext | None) -> None:
    """STARTTLS where asked for (RFC 3207), never a fall back to plain text."""
    match server.security:
        case Security.STARTTLS:
            smtp.ehlo()
            if not smtp.has_extn("starttls"):
                raise NotSent(f"{server} does not offer STARTTLS; nothing was sent. Use its "
                              "submission port (587) or --tls tls on port 465")  # fmt: skip
            smtp.starttls(context=tls)
            smtp.ehlo()
        case Security.TLS | Security.NONE:
            pass
        case _:
            assert_never(server.security)


def deliver(server: Server, sender: str, to: str, message: bytes,
            login: tuple[str, str] | None) -> None:  # fmt: skip
    """Hand `message` to the server for `to`; NotSent saying why if it was not taken."""
    tls = context(server)
    smtp = _client(server, tls)
    deadline = Deadline(smtp, server.timeout * DEADLINE_STEPS)
    deadline.timer.start()
    try:
        smtp.connect(server.host, server.port)
        _upgrade(smtp, server, tls)
        if login is not None:
            _log_in(smtp, server, login)
        smtp.sendmail(sender, [to], message)
    except (OSError, smtplib.SMTPException) as error:
        raise NotSent(f"{server}: {deadline.why(error)}; nothing was sent") from None
    finally:
        try:
            smtp.quit()  # the message is taken or not by now: a failure here changes nothing
        except (OSError, smtplib.SMTPException):
            smtp.close()
        deadline.timer.cancel()  # only now: a QUIT answered a byte at a time is cut too


def _log_in(smtp: smtplib.SMTP, server: Server, login: tuple[str, str]) -> None:
    try:
        smtp.login(*login)
    except smtplib.SMTPAuthenticationError as error:
        raise NotSent(f"{server}: the server refused the login (CALENDAR_GEN_SMTP_USER and "
                      f"_PASSWORD): {error.smtp_code} {_said(error.smtp_error)}; nothing was "
                      "sent") from None  # fmt: skip


def _why(error: OSError | smtplib.SMTPException) -> str:
    """The server's answer, or what happened to the connection, in words."""
    match error:
        case smtplib.SMTPSenderRefused():
            answer = _said(error.smtp_error)
            return f"the server refused the --from address: {error.smtp_code} {answer}"
        case smtplib.SMTPRecipientsRefused():
            code, said = next(iter(error.recipients.values()))
            return f"the server refused the list address: {code} {_said(said)}"
        case smtplib.SMTPResponseException():
            return f"the server refused the message: {error.smtp_code} {_said(error.smtp_error)}"
        case smtplib.SMTPServerDisconnected() if isinstance(error.__context__, TimeoutError):
            return "the server did not answer in time"  # a read timed out, smtplib says so
        case smtplib.SMTPServerDisconnected():
            return "the server closed the connection before it took the message"
        case ssl.SSLCertVerificationError():
            return (
                f"the server's certificate cannot be trusted ({error.verify_message}); "
                "if it is signed by your own authority, give its certificate with --cafile"
            )
        case TimeoutError():
            return "the server did not answer in time"
        case ConnectionRefusedError():
            return "nothing is listening there (connection refused)"
        case OSError():
            return f"cannot reach it: {error.strerror or error}"
        case _:
            return str(error)


def _said(text: bytes | str) -> str:
    from calendar_gen.terminal import terminal_safe

    said = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return terminal_safe(" ".join(said.split()))[:300]
