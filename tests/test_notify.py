"""calendar-gen notify against real SMTP servers on loopback: aiosmtpd, and a few raw
sockets that misbehave, each message read back with the standard email parser."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import email
import email.policy
import email.utils
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from helpers import run_cli, write_schedules

NOTE = Path("feeds") / ".calendar-gen-notify.json"
LIST = "release-calendar@lists.example.ac.uk"
SENDER = "statistics@example.gov.uk"
LEAVE = "mailto:listserv@lists.example.ac.uk?body=SIGNOFF%20RELEASE-CALENDAR"
# The fourth Thursday of April 2015 is the 23rd (Thursdays 2, 9, 16, 23, 30); of May, the
# 28th (7, 14, 21, 28). Four weeks before 23 April is Thursday 26 March.
FOURTH_THURSDAY = """\
topic = "Migration statistics"

[[publication]]
id = "monthly-bulletin"
title = {title}
designation = "Official Statistics"
frequency = "monthly"
day = "fourth thursday"
"""
PROGRAMME = 'organisation = "Test Office"\nperiod = "2015/16"\n'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """An aiosmtpd handler keeping what it was given; `rcpt` or `data` a refusal to give."""

    def __init__(self, rcpt: str | None = None, data: str | None = None) -> None:
        self.rcpt, self.data = rcpt, data
        self.messages: list = []  # the envelopes of what it accepted
        self.victim: int | None = None  # a pid to SIGKILL at `kill_at`
        self.kill_at = "DATA"  # once it has the data, before its 250; or at the QUIT after

    async def handle_RCPT(self, server, session, envelope, address, options):
        if self.rcpt:
            return self.rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data:
            return self.data
        self.messages.append(envelope)
        if self.victim is not None and self.kill_at == "DATA":
            os.kill(self.victim, signal.SIGKILL)
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope):
        # The client has had its 250 and says goodbye before it notes the digest as sent.
        if self.victim is not None and self.kill_at == "QUIT":
            os.kill(self.victim, signal.SIGKILL)
        return "221 Bye"


@contextlib.contextmanager
def smtp_server(handler: Recorder, **kwargs):
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def notify_args(port: int, *extra: str, tls: str = "none") -> tuple[str, ...]:
    return ("notify", "--smtp", f"127.0.0.1:{port}", "--tls", tls, "--to", LIST,
            "--from", SENDER, "--unsubscribe", LEAVE, "--timeout", "5", *extra)  # fmt: skip


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, (result.stdout, result.stderr)
    return result


def programme(root: Path, title: str = '"Monthly bulletin"') -> Path:
    """Built on 26 March 2015, confirming 23 April; a first notify taking that as told."""
    write_schedules(root / "schedules", {"migration": FOURTH_THURSDAY.format(title=title)},
                    PROGRAMME)  # fmt: skip
    ok(run_cli("build", "--as-of", "2015-03-26", cwd=root))
    return root


def moved(root: Path) -> None:
    ok(run_cli("move", "monthly-bulletin", "2015-04-23", "2015-04-30", "--reason",
               "late data from the police forces", "--as-of", "2015-03-27", cwd=root))  # fmt: skip
    ok(run_cli("build", "--as-of", "2015-03-27", cwd=root))


class Parsed:
    """A message as the standard parser reads it. A header too long for one line may be
    folded right after its colon (RFC 5322, 2.2.3), and the parser keeps the space that
    unfolding leaves, which is no part of the value: headers are read without it."""

    def __init__(self, envelope) -> None:
        raw = envelope.original_content
        self.message = email.message_from_bytes(raw, policy=email.policy.default)

    def __getitem__(self, name: str) -> str | None:
        value = self.message[name]
        return None if value is None else str(value).strip()

    def text(self, kind: str) -> str:
        """A part's text, its lines ended as Python's are (SMTP sends CRLF)."""
        return self.message.get_body((kind,)).get_content().replace("\r\n", "\n")


def parsed(envelope) -> Parsed:
    return Parsed(envelope)


def note(root: Path) -> dict:
    return json.loads((root / NOTE).read_text())["lists"][LIST]


def _start(root: Path) -> None:
    programme(root)
    with smtp_server(handler := Recorder()) as port:
        first = ok(run_cli(*notify_args(port), cwd=root))
    assert handler.messages == []
    assert first.stdout == (
        f"first digest to {LIST}: what the builds published up to Thursday 26 March 2015 is "
        "taken as told; nothing was sent. From now on each run sends what is new (--since "
        "DATE on a first run sends what is new since DATE)\n"
    )
    moved(root)


@pytest.fixture
def started(made_once, tmp_path: Path) -> Path:
    """The programme, its first notify run done (nothing sent), then the April move built."""
    return made_once("notify-started", _start, tmp_path)


PLAIN = """\
Test Office statistics release calendar: what has changed.

Changes of plan:

* Monthly bulletin (Migration statistics)
  Reason: late data from the police forces
  Moved on Friday 27 March 2015 from Thursday 23 April 2015 to Thursday 30 April 2015.

To leave this list: mailto:listserv@lists.example.ac.uk?body=SIGNOFF%20RELEASE-CALENDAR
"""


def test_a_move_goes_out_as_one_digest_with_the_list_headers_and_both_parts(started):
    with smtp_server(handler := Recorder()) as port:
        before = time.time()
        sent = ok(run_cli(*notify_args(port), cwd=started))
    (envelope,) = handler.messages
    assert (envelope.mail_from, envelope.rcpt_tos) == (SENDER, [LIST])
    message = parsed(envelope)
    assert message["From"] == f"Test Office statistics <{SENDER}>"
    assert message["To"] == LIST
    assert message["Subject"] == "Test Office statistics release calendar: Moved: Monthly bulletin"
    # RFC 2919: the list's address as a dotted identifier; RFC 2369: the address in <>.
    assert (
        message["List-Id"]
        == "Test Office statistics release calendar <release-calendar.lists.example.ac.uk>"
    )
    # Too long for one 78-character line, so folded before it (RFC 5322, 2.2.3): unfolding
    # leaves a space, which is no part of the value.
    assert f"List-Unsubscribe:\r\n <{LEAVE}>\r\n".encode() in envelope.original_content
    assert message["List-Unsubscribe"].strip() == f"<{LEAVE}>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert abs(email.utils.parsedate_to_datetime(message["Date"]).timestamp() - before) < 60
    message_id = message["Message-ID"]
    assert message_id.startswith("<digest.") and message_id.endswith("@test-office>")
    assert message.message.get_content_type() == "multipart/alternative"
    plain, html = message.message.iter_parts()
    assert (plain.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    assert message["MIME-Version"] == "1.0"
    # Quoted-printable, so the message is 7-bit whatever the server offers (no 8BITMIME).
    assert {part["Content-Transfer-Encoding"] for part in (plain, html)} == {"quoted-printable"}
    assert {part.get_content_charset() for part in (plain, html)} == {"utf-8"}
    assert max(envelope.original_content) < 0x80
    assert message.text("plain") == PLAIN
    page = message.text("html")
    assert "<h2>Changes of plan</h2>" in page
    assert ("<li><strong><bdi>Monthly bulletin</bdi></strong> (<bdi>Migration statistics</bdi>)"
            "<br>\nReason: <bdi>late data from the police forces</bdi><br>\nMoved on Friday 27 "
            "March 2015 from Thursday 23 April 2015 to Thursday 30 April 2015.</li>"
            ) in page  # fmt: skip
    assert f'<a href="{LEAVE}">Leave this list</a>' in page
    assert sent.stdout == (
        f"sent the digest to {LIST} through 127.0.0.1:{port} (changes of plan: 1), "
        f"Message-ID {message_id}\n"
    )
    told = note(started)
    assert told["last"]["delivery"] == "sent" and told["last"]["message_id"] == message_id
    assert told["told"] == {"monthly-bulletin 2015-04 1": "2015-03-27"}


def test_a_second_run_and_a_quiet_day_send_nothing_again(started):
    with smtp_server(handler := Recorder()) as port:
        ok(run_cli(*notify_args(port), cwd=started))
        again = ok(run_cli(*notify_args(port), cwd=started))
        ok(run_cli("build", "--as-of", "2015-03-30", cwd=started))  # nothing new to confirm
        quiet = ok(run_cli(*notify_args(port), cwd=started))
    assert len(handler.messages) == 1
    assert again.stdout == (f"nothing new since the last digest to {LIST} (published up to "
                            "Friday 27 March 2015); nothing was sent\n")  # fmt: skip
    assert "published up to Monday 30 March 2015); nothing was sent" in quiet.stdout


def test_a_change_not_yet_built_waits_for_the_build_that_publishes_it(started):
    with smtp_server(handler := Recorder()) as port:
        ok(run_cli(*notify_args(port), cwd=started))
        ok(run_cli("cancel", "monthly-bulletin", "2015-04-30", "--reason", "series stopped",
                   "--as-of", "2015-03-30", cwd=started))  # fmt: skip
        waiting = ok(run_cli(*notify_args(port), cwd=started))
        ok(run_cli("build", "--as-of", "2015-03-30", cwd=started))
        ok(run_cli(*notify_args(port), cwd=started))
    assert "nothing was sent" in waiting.stdout
    first, second = (parsed(m) for m in handler.messages)
    assert (
        second["Subject"] == "Test Office statistics release calendar: Cancelled: Monthly bulletin"
    )
    assert second["Message-ID"] != first["Message-ID"]
    # 30 March 2015 is a Monday; the release had moved to Thursday the 30th of April.
    assert ("  Reason: series stopped\n  Cancelled on Monday 30 March 2015 (it was due on "
            "Thursday 30 April 2015).\n") in second.text("plain")  # fmt: skip


def test_a_confirmation_and_changes_together_are_counted_in_the_subject(started):
    with smtp_server(handler := Recorder()) as port:
        ok(run_cli(*notify_args(port), cwd=started))
        # On 30 April the May release (Thursday 28 May, four weeks on) is confirmed.
        retimed = ("retime", "monthly-bulletin", "2015-04-30", "10:00", "--reason",
                   "same time as the ONS figures", "--as-of", "2015-04-01")  # fmt: skip
        ok(run_cli(*retimed, cwd=started))
        # And again, on Thursday 2 April: from the 10:00 just set, to 10:30.
        ok(run_cli(*retimed[:3], "10:30", *retimed[4:7], "2015-04-02", cwd=started))
        ok(run_cli("build", "--as-of", "2015-04-30", cwd=started))
        ok(run_cli(*notify_args(port), cwd=started))
    message = parsed(handler.messages[-1])
    assert message["Subject"] == (
        "Test Office statistics release calendar: 2 changes of plan, 1 newly confirmed"
    )
    text = message.text("plain")
    # Changes of plan first, each with its reason first; then the confirmations.
    assert text.index("Changes of plan:") < text.index("Newly confirmed:")
    # The time it had before each retime, worked out from the one before: 09:30, the
    # standard time, then 10:00.
    assert ("  Reason: same time as the ONS figures\n  Retimed on Wednesday 1 April 2015 from "
            "09:30 to 10:00 UK time, on Thursday 30 April 2015.\n") in text  # fmt: skip
    assert ("  Retimed on Thursday 2 April 2015 from 10:00 to 10:30 UK time, on Thursday 30 "
            "April 2015.\n") in text  # fmt: skip
    assert "  Confirmed for Thursday 28 May 2015 at 09:30 UK time.\n" in text


def test_the_first_run_with_since_sends_what_was_published_from_that_day(tmp_path):
    root = programme(tmp_path)
    with smtp_server(handler := Recorder()) as port:
        ok(run_cli(*notify_args(port, "--since", "2015-03-26"), cwd=root))
        again = run_cli(*notify_args(port, "--since", "2015-03-26"), cwd=root)
    (envelope,) = handler.messages
    assert parsed(envelope)["Subject"] == (
        "Test Office statistics release calendar: Confirmed: Monthly bulletin"
    )
    assert again.returncode == 2 and "--since is for the first digest" in again.stderr


@pytest.mark.parametrize(
    ("refusal", "said"),
    [
        ({"rcpt": "550 5.1.1 no such list"},
         "the server refused the list address: 550 5.1.1 no such list"),
        ({"data": "554 5.7.1 message rejected"},
         "the server refused the message: 554 5.7.1 message rejected"),
    ],
)  # fmt: skip
def test_a_server_that_refuses_leaves_the_digest_to_the_next_run(started, refusal, said):
    before = (started / NOTE).read_bytes()
    with smtp_server(refusing := Recorder(**refusal)) as port:
        failed = run_cli(*notify_args(port), cwd=started)
    assert failed.returncode == 1 and failed.stdout == ""
    assert failed.stderr == f"127.0.0.1:{port}: {said}; nothing was sent; the next run sends it\n"
    assert refusing.messages == [] and (started / NOTE).read_bytes() == before
    with smtp_server(handler := Recorder()) as port:
        ok(run_cli(*notify_args(port), cwd=started))
    assert parsed(handler.messages[0])["Subject"].endswith("Moved: Monthly bulletin")


@contextlib.contextmanager
def raw_server(talk):
    """A server speaking SMTP by hand on one connection: `talk(connection)` does the rest."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve():
        with contextlib.suppress(OSError):
            connection, _ = listener.accept()
            with connection:
                talk(connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        listener.close()
        thread.join(10)


def drop_mid_message(connection: socket.socket) -> None:
    """Greet, take the envelope, start the data, read a little of it, hang up."""
    reader = connection.makefile("rb")
    connection.sendall(b"220 test ESMTP\r\n")
    for reply in (b"250 test\r\n", b"250 OK\r\n", b"250 OK\r\n", b"354 go on\r\n"):
        reader.readline()
        connection.sendall(reply)
    reader.read(40)
    connection.shutdown(socket.SHUT_RDWR)


def test_a_connection_dropped_mid_message_leaves_the_digest_to_the_next_run(started):
    before = (started / NOTE).read_bytes()
    with raw_server(drop_mid_message) as port:
        failed = run_cli(*notify_args(port), cwd=started)
    assert failed.returncode == 1
    assert failed.stderr.endswith("nothing was sent; the next run sends it\n"), failed.stderr
    assert (started / NOTE).read_bytes() == before


@pytest.mark.slow  # waits out its time limits on purpose
def test_a_server_that_never_answers_is_given_up_on_in_time(started):
    def silent(connection: socket.socket) -> None:
        # Says nothing until the client hangs up, or for 4 s should it never.
        connection.settimeout(4)
        connection.recv(1)

    with raw_server(silent) as port:
        start = time.monotonic()
        failed = run_cli(*notify_args(port)[:-2], "--timeout", "1", cwd=started)
        assert time.monotonic() - start < 3.5  # its greeting waited for 1 s, not the 4
    assert failed.returncode == 1
    assert failed.stderr == (f"127.0.0.1:{port}: the server did not answer in time; nothing "
                             "was sent; the next run sends it\n")  # fmt: skip


# --- TLS ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with openssl for this test run."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True,
                   capture_output=True)  # fmt: skip
    return cert, key


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, certificate))
    return context


def login_checked(server, session, envelope, mechanism, data):
    good = isinstance(data, LoginPassword) and (data.login, data.password) == (b"stats", b"s3cret")
    return AuthResult(success=good, handled=False)  # not handled: aiosmtpd answers 535


def test_starttls_verifies_the_certificate_and_logs_in_from_the_environment(
    started, certificate, monkeypatch
):
    monkeypatch.setenv("CALENDAR_GEN_SMTP_USER", "stats")
    monkeypatch.setenv("CALENDAR_GEN_SMTP_PASSWORD", "s3cret")
    tls = {"tls_context": server_context(certificate), "require_starttls": True,
           "authenticator": login_checked, "auth_require_tls": True}  # fmt: skip
    with smtp_server(handler := Recorder(), **tls) as port:
        untrusted = run_cli(*notify_args(port, tls="starttls"), cwd=started)
        assert untrusted.returncode == 1 and handler.messages == []
        assert "the server's certificate cannot be trusted (self-signed certificate)" in (
            untrusted.stderr
        )
        assert "give its certificate with --cafile" in untrusted.stderr
        ok(run_cli(*notify_args(port, "--cafile", str(certificate[0]), tls="starttls"),
                   cwd=started))  # fmt: skip
    (envelope,) = handler.messages
    assert parsed(envelope)["Subject"].endswith("Moved: Monthly bulletin")


def test_a_wrong_password_is_a_refusal_and_nothing_is_sent(started, certificate, monkeypatch):
    monkeypatch.setenv("CALENDAR_GEN_SMTP_USER", "stats")
    monkeypatch.setenv("CALENDAR_GEN_SMTP_PASSWORD", "wrong")
    tls = {"tls_context": server_context(certificate), "require_starttls": True,
           "authenticator": login_checked, "auth_require_tls": True}  # fmt: skip
    with smtp_server(handler := Recorder(), **tls) as port:
        failed = run_cli(*notify_args(port, "--cafile", str(certificate[0]), tls="starttls"),
                         cwd=started)  # fmt: skip
    assert failed.returncode == 1 and handler.messages == []
    assert "the server refused the login (CALENDAR_GEN_SMTP_USER and _PASSWORD): 535" in (
        failed.stderr
    )


def test_implicit_tls(started, certificate):
    with smtp_server(handler := Recorder(), ssl_context=server_context(certificate)) as port:
        ok(run_cli(*notify_args(port, "--cafile", str(certificate[0]), tls="tls"), cwd=started))
    assert len(handler.messages) == 1


def test_starttls_not_offered_is_not_fallen_back_from(started):
    with smtp_server(handler := Recorder()) as port:
        failed = run_cli(*notify_args(port, tls="starttls"), cwd=started)
    assert failed.returncode == 1 and handler.messages == []
    assert "does not offer STARTTLS; nothing was sent" in failed.stderr


# --- killed between handing it over and noting it ------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("kill_at", ["DATA", "QUIT"])
def test_a_run_killed_after_handing_the_digest_over_never_sends_it_again(started, kill_at):
    handler = Recorder()
    handler.kill_at = kill_at  # awaiting the server's answer, or just after it
    with smtp_server(handler) as port:
        process = subprocess.Popen([sys.executable, "-m", "calendar_gen", *notify_args(port)],
                                   cwd=started, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)  # fmt: skip
        handler.victim = process.pid  # killed by the server once it has the whole message
        out, err = process.communicate(timeout=60)
        assert process.returncode == -signal.SIGKILL, (out, err)
        # It got there: the server has the digest, and the note says it was being sent.
        (envelope,) = handler.messages
        told = note(started)
        assert told["last"]["delivery"] == "sending"
        assert told["last"]["message_id"] == parsed(envelope)["Message-ID"]
        handler.victim = None
        again = run_cli(*notify_args(port), cwd=started)
        assert again.returncode == 1 and again.stdout == ""
        assert len(handler.messages) == 1  # not sent again
        assert (
            f"the last digest to {LIST} ({told['last']['message_id']}, of 1 event" in again.stderr
        )
        assert "may or may not have gone out" in again.stderr
        assert "--resend-last" in again.stderr and "--mark-last-sent" in again.stderr
        # Found in the list's archive: noted as sent, and the next run has nothing new.
        marked = ok(run_cli(*notify_args(port, "--mark-last-sent"), cwd=started))
        assert "is noted as sent" in marked.stdout
        assert "nothing was sent" in ok(run_cli(*notify_args(port), cwd=started)).stdout
    assert len(handler.messages) == 1


@pytest.mark.slow
def test_resend_last_sends_the_same_message_again_when_asked(started):
    handler = Recorder()
    with smtp_server(handler) as port:
        process = subprocess.Popen(
            [sys.executable, "-m", "calendar_gen", *notify_args(port)],
            cwd=started,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        handler.victim = process.pid
        process.communicate(timeout=60)
        handler.victim = None
        # Not in the archive: sent again, byte for byte, so its Message-ID is the same.
        ok(run_cli(*notify_args(port, "--resend-last"), cwd=started))
    first, second = handler.messages
    assert first.original_content == second.original_content
    assert note(started)["last"]["delivery"] == "sent"


# --- hostile text ---------------------------------------------------------------------------

# A schedule's title holds no CR or LF (the loader refuses them), but other line ends it
# may: NEL and the Unicode separators, which some readers take for a new line.
HOSTILE = (
    '"Bulletin\\u2028Bcc: victim@example.org\\u0085<script>x</script> \\u202eYstadegau ŵyn '
    + "a" * 120
    + '"'
)


def test_hostile_titles_cannot_add_headers_or_markup(tmp_path):
    root = programme(tmp_path, title=HOSTILE)
    with smtp_server(handler := Recorder()) as port:
        ok(run_cli(*notify_args(port, "--since", "2015-03-26"), cwd=root))
    (envelope,) = handler.messages
    raw = envelope.original_content
    message = parsed(envelope)
    assert message["Bcc"] is None and b"\nBcc:" not in raw
    # One line, the breaks made spaces, the override dropped, cut at 200 characters.
    title = "Bulletin Bcc: victim@example.org <script>x</script> Ystadegau ŵyn " + "a" * 120
    full = f"Test Office statistics release calendar: Confirmed: {title}"
    assert message["Subject"] == full[:199] + "…"
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    html = message.text("html")
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    text = message.text("plain")
    assert not {"\u202e", "\u2028", "\x85"} & set(html + text + message["Subject"])
    assert f"* {title} (Migration statistics)\n" in text


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (("--to", "list@example.org\r\nBcc: x@example.org"),
         '--to "list@example.org\\r\\nBcc: x@example.org" is not an email address'),
        (("--from", "Stats <s@example.org>"),
         '--from "Stats <s@example.org>" is not an email address'),
        (("--unsubscribe", "javascript:alert(1)"),
         '--unsubscribe "javascript:alert(1)" is not a mailto: or https: address'),
        (("--smtp", "smtp.example.org:25"),
         "--tls none sends in plain text, so only to a server on this machine"),
        (("--smtp", "smtp.example.org"), "is not HOST:PORT"),
    ],
)  # fmt: skip
def test_bad_settings_are_refused_before_anything_is_sent(started, change, said):
    args = list(notify_args(1))
    args[args.index(change[0]) + 1] = change[1]
    refused = run_cli(*args, cwd=started)
    assert refused.returncode == 2 and said in refused.stderr, refused.stderr


def test_half_a_login_is_refused(started, monkeypatch):
    monkeypatch.setenv("CALENDAR_GEN_SMTP_USER", "stats")
    monkeypatch.delenv("CALENDAR_GEN_SMTP_PASSWORD", raising=False)
    refused = run_cli(*notify_args(1), cwd=started)
    assert refused.returncode == 2 and "CALENDAR_GEN_SMTP_PASSWORD" in refused.stderr


def test_a_record_no_build_has_published_from_has_nothing_to_tell(tmp_path):
    write_schedules(tmp_path / "schedules", {"migration": FOURTH_THURSDAY.format(
        title='"Monthly bulletin"')}, PROGRAMME)  # fmt: skip
    refused = run_cli(*notify_args(1), cwd=tmp_path)
    assert refused.returncode == 2 and "Run calendar-gen build first" in refused.stderr
    assert not (tmp_path / "feeds").exists()


def test_a_header_never_takes_a_line_break_whatever_the_text():
    from calendar_gen.publishing.digest import header_text

    # CR and LF cannot come from a schedule, but nothing reaches a header without this.
    assert header_text("Bulletin\r\nBcc: victim@example.org\r\n\r\nbody") == (
        "Bulletin Bcc: victim@example.org body"
    )
    assert header_text("\x1b]0;x\x07Title\u2066") == "]0;x Title"
    assert header_text("x" * 300) == "x" * 199 + "…"


# --- in two steps, for a job whose disk does not outlast it ---------------------------------


def test_prepared_then_sent_in_two_steps(started):
    with smtp_server(handler := Recorder()) as port:
        prepared = ok(run_cli(*notify_args(port, "--prepare"), cwd=started))
        assert handler.messages == [] and note(started)["last"]["delivery"] == "prepared"
        assert prepared.stdout.startswith(
            f"prepared the digest to {LIST} (changes of plan: 1), Message-ID <digest."
        )
        assert prepared.stdout.endswith(
            ": nothing was sent. Commit and push the note, then "
            "send it with calendar-gen notify --send-prepared\n"
        )
        sent = ok(run_cli(*notify_args(port, "--send-prepared"), cwd=started))
        assert sent.stdout.startswith(f"sent the digest to {LIST} through 127.0.0.1:{port}, ")
        none = ok(run_cli(*notify_args(port, "--send-prepared"), cwd=started))
        assert none.stdout == f"no digest to {LIST} was prepared; nothing was sent\n"
    assert len(handler.messages) == 1 and note(started)["last"]["delivery"] == "sent"


def test_a_prepared_digest_found_by_the_next_job_is_not_sent(started):
    with smtp_server(handler := Recorder()) as port:
        ok(run_cli(*notify_args(port, "--prepare"), cwd=started))
        # The job stopped after pushing the note: the next job's clone has it as prepared.
        for args in (("--prepare",), ()):
            again = run_cli(*notify_args(port, *args), cwd=started)
            assert again.returncode == 1 and "may or may not have gone out: it was prepared" in (
                again.stderr
            )
    assert handler.messages == []


def test_a_prepared_digest_refused_is_worked_out_again_by_the_next_job(started):
    with smtp_server(Recorder(data="451 4.3.0 try again later")) as port:
        ok(run_cli(*notify_args(port, "--prepare"), cwd=started))
        failed = run_cli(*notify_args(port, "--send-prepared"), cwd=started)
    assert failed.returncode == 1 and "451 4.3.0 try again later" in failed.stderr
    assert note(started)["last"] is None
    with smtp_server(handler := Recorder()) as port:
        ok(run_cli(*notify_args(port, "--prepare"), cwd=started))
        ok(run_cli(*notify_args(port, "--send-prepared"), cwd=started))
    assert parsed(handler.messages[0])["Subject"].endswith("Moved: Monthly bulletin")


def test_a_cafile_with_no_certificate_is_refused_before_anything_is_noted(started):
    before = (started / NOTE).read_bytes()
    (started / "not-a-ca.pem").write_text("nothing here\n")
    refused = run_cli(*notify_args(1, "--cafile", "not-a-ca.pem", tls="starttls"), cwd=started)
    assert refused.returncode == 2
    assert "--cafile not-a-ca.pem: cannot be read as PEM certificates" in refused.stderr
    assert (started / NOTE).read_bytes() == before


def test_a_cafile_for_plain_text_is_refused_before_anything_is_noted(started):
    before = (started / NOTE).read_bytes()
    refused = run_cli(*notify_args(1, "--cafile", "ca.pem"), cwd=started)  # --tls none
    assert (refused.returncode, refused.stdout) == (2, "")
    assert (
        "--cafile ca.pem: --tls none sends in plain text, with no certificate to check; "
        "leave --cafile (and CALENDAR_GEN_SMTP_CAFILE) out, or use --tls starttls or tls"
    ) in " ".join(refused.stderr.split())
    assert (started / NOTE).read_bytes() == before


def test_resend_and_mark_need_a_last_digest(tmp_path):
    root = programme(tmp_path)
    for step in ("--resend-last", "--mark-last-sent"):
        refused = run_cli(*notify_args(1, step), cwd=root)
        assert refused.returncode == 2
        assert f"notes no digest to {LIST}: there is no last digest" in refused.stderr


def test_through_the_python_api(started):
    import datetime as dt

    import calendar_gen as cg

    with smtp_server(handler := Recorder(data="554 no")) as port:
        server = cg.Server("127.0.0.1", port, cg.Security.NONE, timeout=5)
        addresses = cg.Addresses(LIST, SENDER, LEAVE)
        now = dt.datetime(2015, 3, 27, 7, 0, tzinfo=dt.UTC)
        report = cg.notify(started / "schedules", started / "feeds", server=server,
                           addresses=addresses, now=now, step=cg.NotifyStep.PREPARE)  # fmt: skip
        assert report.outcome == "prepared" and handler.messages == []
        with pytest.raises(cg.NotSent, match="554 no; nothing was sent; the next run sends it"):
            cg.notify(started / "schedules", started / "feeds", server=server,
                      addresses=addresses, now=now, step=cg.NotifyStep.SEND_PREPARED)  # fmt: skip
    assert note(started)["last"] is None


def test_with_feed_url_each_release_links_to_the_page_and_a_reason_stays_text(tmp_path):
    root = tmp_path
    programme_toml = PROGRAMME + 'feed_url = "https://example.gov.uk/statistics/feeds"\n'
    write_schedules(root / "schedules", {"migration": FOURTH_THURSDAY.format(
        title='"Monthly bulletin"')}, programme_toml)  # fmt: skip
    ok(run_cli("build", "--as-of", "2015-03-26", cwd=root))
    with smtp_server(handler := Recorder()) as port:
        ok(run_cli(*notify_args(port), cwd=root))
        ok(run_cli("postpone", "monthly-bulletin", "2015-04-23", "--reason",
                   '<img src=x onerror="alert(1)"> \u202ekcab', "--as-of", "2015-03-27",
                   cwd=root))  # fmt: skip
        ok(run_cli("build", "--as-of", "2015-03-27", cwd=root))
        ok(run_cli(*notify_args(port), cwd=root))
    message = parsed(handler.messages[0])
    page = "https://example.gov.uk/statistics/feeds/index.html"
    text, html = message.text("plain"), message.text("html")
    assert (
        '  Reason: <img src=x onerror="alert(1)"> kcab\n'
        "  Postponed on Friday 27 March 2015 (it was due on Thursday 23 April 2015), new date "
        "to be announced.\n"
        f"  {page}#monthly-bulletin-2015-04\n"
    ) in text
    assert text.endswith(f"Every release, and the feeds: {page}\nTo leave this list: {LEAVE}\n")
    assert "<img" not in html and "\u202e" not in html
    assert "Reason: <bdi>&lt;img src=x onerror=&quot;alert(1)&quot;&gt; kcab</bdi>" in html
    assert f'<a href="{page}#monthly-bulletin-2015-04">On the release calendar</a>' in html


@pytest.mark.parametrize("planted", ["not json", '{"format": 1, "lists": {"x": 3}}', "link"])
def test_a_note_calendar_gen_did_not_write_is_refused(started, planted):
    path = started / NOTE
    path.unlink(missing_ok=True)
    if planted == "link":
        path.symlink_to(started / "schedules" / "programme.toml")
    else:
        path.write_text(planted)
    refused = run_cli(*notify_args(1), cwd=started)
    assert refused.returncode == 2 and refused.stderr.startswith(f"{NOTE}: ")
    assert "or remove it: the next run then starts afresh" in refused.stderr
    assert (started / "schedules" / "programme.toml").read_text() == PROGRAMME


def test_changes_to_one_release_are_told_in_the_order_they_were_made(started):
    # The April release moved from Thursday 23 to Thursday 30 April on Friday 27 March
    # (`started`); on Monday 30 March it moves back to Thursday 16 April (2, 9, 16, 23, 30).
    # Told by the day each move left, the second would come first, and the subscriber
    # would read 30 April as where it ended.
    ok(run_cli("move", "monthly-bulletin", "2015-04-30", "2015-04-16", "--reason",
               "the police data came early", "--as-of", "2015-03-30", cwd=started))  # fmt: skip
    ok(run_cli("build", "--as-of", "2015-03-30", cwd=started))
    with smtp_server(handler := Recorder()) as port:
        ok(run_cli(*notify_args(port), cwd=started))
    text = parsed(handler.messages[0]).text("plain")
    first = "Moved on Friday 27 March 2015 from Thursday 23 April 2015 to Thursday 30 April 2015."
    second = "Moved on Monday 30 March 2015 from Thursday 30 April 2015 to Thursday 16 April 2015."
    assert text.index(first) < text.index(second)


# An RFC 2047 encoded word is decoded when the header is set: one carrying CR LF would come
# out as a header of its own, and one carrying U+202E as a direction override.
ENCODED = "=?utf-8?q?Bulletin=0D=0AReply-To:_thief@example.org?= =?utf-8?b?4oCuZXhl?="


def test_encoded_words_in_titles_and_the_organisation_stay_text(tmp_path):
    root = programme(tmp_path, title=f'"{ENCODED}"')
    settings = root / "schedules" / "programme.toml"
    settings.write_text(settings.read_text().replace("Test Office", ENCODED))
    with smtp_server(handler := Recorder()) as port:
        ok(run_cli(*notify_args(port, "--since", "2015-03-26"), cwd=root))
    (envelope,) = handler.messages
    raw, message = envelope.original_content, parsed(envelope)
    assert b"\nReply-To:" not in raw and message["Reply-To"] is None
    assert "\u202e" not in str(message["Subject"]) + str(message["From"]) + str(message["List-Id"])
    # The subscriber reads the text as written (a zero-width space keeps "=" from "?").
    shown = message["Subject"].replace("\u200b", "")
    assert shown.endswith(f": Confirmed: {ENCODED}"), shown
    assert message.message["From"].addresses[0].addr_spec == SENDER


def test_a_digest_too_big_for_one_message_leaves_the_rest_to_the_next(started, monkeypatch):
    import calendar_gen.publishing.digest

    # Retimed on Monday 30 March: two changes of plan, the move (`started`) and this.
    ok(run_cli("retime", "monthly-bulletin", "2015-04-30", "07:00", "--reason",
               "market sensitive", "--as-of", "2015-03-30", cwd=started))  # fmt: skip
    ok(run_cli("build", "--as-of", "2015-03-30", cwd=started))
    monkeypatch.setattr(calendar_gen.publishing.digest, "MAX_MESSAGE", 1)  # room for one event each
    with smtp_server(handler := Recorder()) as port:
        first = ok(run_cli(*notify_args(port), cwd=started))
        second = ok(run_cli(*notify_args(port), cwd=started))
        third = ok(run_cli(*notify_args(port), cwd=started))
    one, two = (parsed(m).text("plain") for m in handler.messages)
    assert "Moved on Friday 27 March 2015" in one and "Retimed" not in one
    assert "1 more to tell, too many for one message: the next digest tells them." in one
    assert "Retimed on Monday 30 March 2015" in two and "Moved" not in two
    assert "more to tell" not in two
    assert "(changes of plan: 1; 1 more left to the next digest)" in first.stdout
    assert "(changes of plan: 1), Message-ID" in second.stdout
    assert "nothing new since the last digest" in third.stdout


@pytest.mark.slow
def test_ten_thousand_events_stay_within_the_message_bound(started):
    from calendar_gen.domain.releases import calendar
    from calendar_gen.programme.schedule import load_programme
    from calendar_gen.publishing.digest import MAX_MESSAGE, Addresses, fitted, published

    programme = load_programme(started / "schedules")
    (event,) = [e for e in published(programme, calendar(programme, programme.builds.last))
                if e.item.change is not None]  # fmt: skip
    many = [dataclasses.replace(event, id=f"monthly-bulletin 2015-04 {n}") for n in range(10_000)]
    to = Addresses(LIST, SENDER, LEAVE)
    message, rest = fitted(programme, many, to, dt.datetime(2015, 3, 30, tzinfo=dt.UTC))
    size = len(message.as_bytes())
    told = message.get_body(("plain",)).get_content().count("  Reason: late data")
    # About 600 bytes an event: some 3,000 fit, and all 10,000 are told or left, none twice.
    assert MAX_MESSAGE * 0.8 < size <= MAX_MESSAGE
    assert told + len(rest) == 10_000 and 2_000 < told < 5_000


@pytest.mark.parametrize("edit", ["Moved: Relé", 12])
def test_a_hand_edited_last_digest_is_refused_not_sent_or_crashed_on(started, edit):
    with smtp_server(handler := Recorder()) as port:
        ok(run_cli(*notify_args(port), cwd=started))
        data = json.loads((started / NOTE).read_text())
        last = data["lists"][LIST]["last"]
        # Sent as it is by --resend-last, it must be the ASCII message notify wrote.
        last["message"] = last["message"].replace("Moved:", edit) if isinstance(edit, str) else edit
        (started / NOTE).write_text(json.dumps(data))
        refused = run_cli(*notify_args(port, "--resend-last"), cwd=started)
    assert refused.returncode == 2, refused.stderr
    assert refused.stderr.startswith(f"{NOTE}: is not a note calendar-gen wrote; put back")
    assert len(handler.messages) == 1


def test_a_confirmation_told_with_its_later_move_says_it_has_changed_since(tmp_path):
    # Confirmed on 26 March for Thursday 23 April, moved on the 27th to Thursday 30 April:
    # a digest from the 26th tells both, and the confirmation must not read as its day.
    root = programme(tmp_path)
    moved(root)
    with smtp_server(handler := Recorder()) as port:
        ok(run_cli(*notify_args(port, "--since", "2015-03-26"), cwd=root))
    message = parsed(handler.messages[0])
    said = ("Confirmed for Thursday 23 April 2015 at 09:30 UK time. It has changed since: see "
            "Changes of plan above.")  # fmt: skip
    assert f"  {said}\n" in message.text("plain") and said in message.text("html")
    assert message.text("plain").count("It has changed since") == 1


@pytest.mark.slow  # waits out its time limits on purpose
def test_a_server_dripping_its_answer_is_given_up_on_within_ten_timeouts(started):
    def dripping(connection: socket.socket) -> None:
        # A byte every 0.2 s: no single read waits its 0.5 s, and the greeting never ends.
        connection.sendall(b"220-")
        while True:
            connection.sendall(b"x")
            time.sleep(0.2)

    before = (started / NOTE).read_bytes()
    with raw_server(dripping) as port:
        start = time.monotonic()
        failed = run_cli(*notify_args(port)[:-2], "--timeout", "0.5", cwd=started)
        took = time.monotonic() - start
    assert 5 <= took < 8, took  # 10 times the 0.5 s --timeout, then given up on
    assert failed.returncode == 1
    assert failed.stderr == (
        f"127.0.0.1:{port}: the server did not finish in 5 seconds (10 times --timeout); "
        "nothing was sent; the next run sends it\n"
    )
    assert (started / NOTE).read_bytes() == before


def test_a_first_run_with_since_and_nothing_to_send_still_starts_the_list(tmp_path):
    # Confirmed on Thursday 26 March, before --since 27 March, and the build on the 27th
    # publishes nothing new: nothing to send. The move built later on the 27th is then new
    # to a run without --since, not taken as told.
    root = programme(tmp_path)
    ok(run_cli("build", "--as-of", "2015-03-27", cwd=root))
    with smtp_server(handler := Recorder()) as port:
        quiet = ok(run_cli(*notify_args(port, "--since", "2015-03-27"), cwd=root))
        moved(root)
        ok(run_cli(*notify_args(port), cwd=root))
    assert "nothing was sent" in quiet.stdout
    (envelope,) = handler.messages
    assert "Moved on Friday 27 March 2015" in parsed(envelope).text("plain")


def test_a_change_built_only_into_a_preview_folder_is_not_told(started):
    # The move of `started` is in feeds/; a cancellation built into preview/ alone is
    # sealed in the record, but the feeds subscribers read do not show it.
    with smtp_server(handler := Recorder()) as port:
        ok(run_cli(*notify_args(port), cwd=started))
        ok(run_cli("cancel", "monthly-bulletin", "2015-04-30", "--reason", "series stopped",
                   "--as-of", "2015-03-30", cwd=started))  # fmt: skip
        ok(run_cli("build", "--as-of", "2015-03-30", "--out", "preview", cwd=started))
        refused = run_cli(*notify_args(port), cwd=started)
        ok(run_cli("build", "--as-of", "2015-03-30", "--published", "preview/releases.json",
                   cwd=started))  # fmt: skip
        ok(run_cli(*notify_args(port), cwd=started))
    assert refused.returncode == 2
    assert refused.stderr.startswith(
        "feeds/releases.json is not what the last build (as of 2015-03-30) wrote"
    ), refused.stderr
    assert refused.stderr.endswith("(calendar-gen build --out feeds --published FILE, naming "
                                   "the releases.json it wrote)\n")  # fmt: skip
    first, second = (parsed(m).text("plain") for m in handler.messages)
    assert "Moved on Friday 27 March 2015" in first and "Cancelled" not in first
    assert "Cancelled on Monday 30 March 2015" in second


def test_a_note_told_past_the_last_build_is_refused_not_obeyed(started):
    # Hand-edited (or from another record) to say the list was told up to 30 April, when
    # the last build was on 27 March: obeyed, it would hold back every change until May.
    data = json.loads((started / NOTE).read_text())
    data["lists"][LIST]["since"] = "2015-04-30"
    (started / NOTE).write_text(json.dumps(data))
    with smtp_server(handler := Recorder()) as port:
        refused = run_cli(*notify_args(port), cwd=started)
    assert refused.returncode == 2 and handler.messages == []
    assert refused.stderr.startswith(
        f"{NOTE}: says {LIST} was told of what was published up to 2015-04-30, after this "
        "record's last build (2015-03-27)"
    ), refused.stderr


def test_since_after_the_last_build_is_refused(tmp_path):
    # Built on Thursday 26 March 2015: a start on the 27th has nothing published to give.
    root = programme(tmp_path)
    refused = run_cli(*notify_args(1, "--since", "2015-03-27"), cwd=root)
    assert refused.returncode == 2
    assert refused.stderr == ("--since 2015-03-27 is after the last build (2015-03-26): give a "
                              "day it or a build before it published\n")  # fmt: skip
    assert not (root / NOTE).exists()
