"""E-mail alerts (smr alerts, smr publish --alerts) against a real SMTP server on 127.0.0.1
(aiosmtpd with STARTTLS on a test CA's certificate, and AUTH), the messages read back with
the email package. A kill -9 in the middle of a run, and a server that fails, are real."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import NEWSROOM_YAML, REPO, Newsroom
from tests.outreach.smtpserver import PASSWORD, USER, SmtpServer
from tests.outreach.support import smr

NOW = "2026-11-25T10:00+01:00"
AFTER_EMBARGO = "2026-11-26T10:00+01:00"
WINKEL, WINKEL_EN = "2026-11-24-winkel", "2026-11-24-winkel-en"
GEHEIM, CONCEPT = "2026-11-26-geheim", "2026-11-27-concept"
FAST = "100000"   # --rate: messages a minute, so that CLI tests hardly wait

RELEASES = {
    WINKEL: """\
        title: "Testbedrijf opent een winkel <in> Delft & Den Haag"
        language: nl
        date: 2026-11-24T09:00:00+01:00
        summary: Vandaag opent Testbedrijf een winkel.
        tags: [Winkels, Brood]
        translations: [../2026-11-24-winkel-en]
        """,
    WINKEL_EN: """\
        title: "Testbedrijf opens a shop"
        language: en
        date: 2026-11-24T09:00:00+01:00
        summary: Today Testbedrijf opens a shop.
        tags: [Shops]
        translations: [../2026-11-24-winkel]
        """,
    GEHEIM: """\
        title: "Testbedrijf koopt een concurrent"
        date: 2026-11-26T09:00:00+01:00
        embargo: 2026-11-26T09:00:00+01:00
        summary: Geheim nieuws over de overname.
        """,
    CONCEPT: """\
        title: "Testbedrijf denkt na"
        draft: true
        date: 2026-11-27T09:00:00+01:00
        summary: Nog niet af.
        """,
}
SUBSCRIBERS = """\
email,name,language,tags,consent,source
jan@example.nl,Jan de Vries,,,"Alle nieuws, webformulier 2026-11-01",website
anna@example.com,Anna Smith,en,,"All news, press day 2026-10-10",press day
emma@example.co.uk,Emma Brown,en-GB,,All news 2026-10-10,press day
hans@example.de,Hans Müller,de,,Alles 2026-10-10,press day
piet@example.nl,Piet,nl,sport;economie,Sport 2026-10-10,website
lisa@example.nl,Lisa,,brood,Brood 2026-10-10,website
nobody@example.nl,Zonder Toestemming,,,,website
kees@example.nl,"Kees <script>alert(1)</script>",,,Alles 2026-10-10,website
"""
WANTED = {"jan@example.nl", "anna@example.com", "emma@example.co.uk", "hans@example.de", "lisa@example.nl",
          "kees@example.nl"}   # piet wants other tags, nobody gave no consent


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A test CA (trustme) and a certificate for 127.0.0.1 it signed; (cert, CA file)."""
    import trustme

    ca = trustme.CA()
    pem = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    return ca.issue_cert("127.0.0.1"), pem


@pytest.fixture
def server(certificate):
    """A real SMTP server of this test's own, ready when given (STARTTLS required, then AUTH)."""
    smtp = SmtpServer(certificate[0])
    yield smtp
    smtp.stop()


@pytest.fixture
def trusted(monkeypatch, certificate):
    """This computer trusts the test CA (OpenSSL reads SSL_CERT_FILE), and the password is set."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[1]))
    monkeypatch.setenv("SMR_SMTP_PASSWORD", PASSWORD)
    return monkeypatch


def alerts_yaml(port: int, security: str = "starttls", user: str | None = USER, rate: str = "") -> str:
    return textwrap.dedent(f"""\
        alerts:
          smtp_host: 127.0.0.1
          smtp_port: {port}
          smtp_security: {security}
          {f"smtp_user: {user}" if user else ""}
          from_email: pers@example.org
          from_name: Persdienst Testbedrijf
          {f"rate: {rate}" if rate else ""}
        """)


@pytest.fixture
def room(tmp_path, server, trusted) -> Newsroom:
    room = Newsroom(tmp_path / "newsroom")
    room.write("newsroom.yaml", NEWSROOM_YAML + alerts_yaml(server.port))
    for slug, text in RELEASES.items():
        room.release(slug, text)
    room.write("outreach/subscribers.csv", SUBSCRIBERS)
    return room


def alerts(room, *args: str):
    return smr("alerts", args[0], "--root", str(room.root), *args[1:])


def by_recipient(server) -> dict[str, list]:
    got: dict[str, list] = {}
    for accepted in server.accepted:
        for rcpt in accepted.rcpt_tos:
            got.setdefault(rcpt, []).append(accepted.message())
    return got


# ---------------------------------------------------------------- sending

def test_each_matched_subscriber_gets_exactly_one_message_in_their_language(room, server):
    result = alerts(room, "send", WINKEL, "--now", NOW, "--rate", FAST)
    assert result.exit_code == 0, result.output
    got = by_recipient(server)
    assert set(got) == WANTED
    assert all(len(messages) == 1 for messages in got.values()), {k: len(v) for k, v in got.items()}
    assert all(a.mail_from == "pers@example.org" for a in server.accepted)
    english = {"anna@example.com", "emma@example.co.uk"}   # en, and en-GB: the English version
    for address, (msg,) in got.items():
        assert msg["Subject"] == ("Testbedrijf opens a shop" if address in english
                                  else "Testbedrijf opent een winkel <in> Delft & Den Haag")
        assert msg["Content-Language"] == ("en" if address in english else "nl")   # hans (de): the newsroom's
    assert "warning: outreach/subscribers.csv:8: consent: field required" in result.stderr, "no consent: said, skipped"
    assert "Sent 6 alerts for 2026-11-24-winkel; 1 want other tags." in result.stdout


def test_a_message_has_text_and_html_parts_unsubscribe_headers_and_nothing_that_tracks(room, server):
    alerts(room, "send", WINKEL, "--now", NOW, "--rate", FAST)
    msg = by_recipient(server)["kees@example.nl"][0]
    assert msg["From"].addresses[0].display_name == "Persdienst Testbedrijf"
    assert msg["To"].addresses[0].addr_spec == "kees@example.nl"
    assert msg["To"].addresses[0].display_name == "Kees <script>alert(1)</script>", "a name is text, never syntax"
    assert msg["List-Unsubscribe"] == "<mailto:pers@example.org?subject=unsubscribe>"
    assert msg["List-Unsubscribe-Post"] is None, "RFC 8058 one-click needs an https URL, which a static site has not"
    assert msg["Message-ID"].endswith("@example.org>")
    assert msg["List-Id"] == "Persberichten Testbedrijf <alerts.example.org>"
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    url = f"https://pers.example.org/{WINKEL}/"
    assert "Beste Kees <script>alert(1)</script>," in text
    assert "Testbedrijf opent een winkel <in> Delft & Den Haag" in text and url in text
    assert "Vandaag opent Testbedrijf een winkel." in text
    assert "Sanne Jansen, woordvoerder, pers@example.org" in text
    assert "<script>" not in html and "Beste Kees &lt;script&gt;alert(1)&lt;/script&gt;," in html
    assert "Testbedrijf opent een winkel &lt;in&gt; Delft &amp; Den Haag" in html
    assert f'href="{url}"' in html and 'href="mailto:pers@example.org?subject=unsubscribe"' in html
    assert "<img" not in html and "src=" not in html and "url(" not in html, "nothing loads from elsewhere"

    links = set(re.findall(r'href="([^"]+)"', html))
    assert links == {url, "mailto:pers@example.org", "mailto:pers@example.org?subject=unsubscribe"}, \
        "the release's own link, no redirect that counts clicks"


def test_a_second_run_sends_nothing_and_a_translation_counts_as_the_story(room, server):
    assert alerts(room, "send", WINKEL, "--now", NOW, "--rate", FAST).exit_code == 0
    first = len(server.accepted)
    again = alerts(room, "send", WINKEL, "--now", NOW, "--rate", FAST)
    assert again.exit_code == 0, again.output
    assert "Sent 0 alerts for 2026-11-24-winkel; 6 had it already; 1 want other tags." in again.stdout
    other = alerts(room, "send", WINKEL_EN, "--now", NOW, "--rate", FAST)
    assert other.exit_code == 0 and "6 had it already" in other.stdout, other.output
    assert len(server.accepted) == first


def test_a_new_subscriber_gets_only_the_story_they_have_not_had(room, server):
    alerts(room, "send", WINKEL, "--now", NOW, "--rate", FAST)
    added = alerts(room, "add", "new@example.org", "--consent", "Signed up", "--language", "en", "--now", NOW)
    assert added.exit_code == 0, added.output
    server.accepted.clear()
    assert alerts(room, "send", WINKEL, "--now", NOW, "--rate", FAST).exit_code == 0
    assert [a.rcpt_tos for a in server.accepted] == [["new@example.org"]]
    assert server.accepted[0].message()["Subject"] == "Testbedrijf opens a shop"


def test_embargoed_and_draft_releases_are_refused_in_one_line_and_nothing_goes_out(room, server):
    held = alerts(room, "send", GEHEIM, "--now", NOW, "--rate", FAST)
    assert held.exit_code == 1
    assert held.stderr.strip() == (
        f"error: releases/{GEHEIM}/release.yaml:3: embargo: {GEHEIM} is under embargo until 2026-11-26 09:00: "
        "no alert goes out before; run this again after that, or let `smr publish --alerts` send it when the "
        "embargo lifts")
    draft = alerts(room, "send", CONCEPT, "--now", NOW, "--dry-run")
    assert draft.exit_code == 1
    assert draft.stderr.startswith(f"error: releases/{CONCEPT}/release.yaml:2: draft: {CONCEPT} is a draft")
    assert server.accepted == []
    lifted = alerts(room, "send", GEHEIM, "--now", AFTER_EMBARGO, "--rate", FAST)
    assert lifted.exit_code == 0, lifted.output
    assert {r for a in server.accepted for r in a.rcpt_tos} == WANTED - {"lisa@example.nl"}   # lisa: brood only


def test_dry_run_lists_who_would_get_what_and_sends_nothing(room, server):
    result = alerts(room, "send", WINKEL, "--now", NOW, "--dry-run")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert f"would send  Anna Smith <anna@example.com>  {WINKEL_EN} (en)" in lines
    assert f"would send  Hans Müller <hans@example.de>  {WINKEL} (nl)" in lines
    assert sum(line.startswith("would send") for line in lines) == 6
    assert lines[-1] == "Would send 6 alerts for 2026-11-24-winkel; 1 want other tags."
    assert server.accepted == []
    assert alerts(room, "send", WINKEL, "--now", NOW, "--rate", FAST).exit_code == 0
    assert len(server.accepted) == 6, "a dry run records nothing"


def test_a_refused_recipient_is_said_and_the_others_go_on(room, server):
    server.handler.refuse["hans@example.de"] = "550 5.1.1 No such user"
    result = alerts(room, "send", WINKEL, "--now", NOW, "--rate", FAST)
    assert result.exit_code == 0, result.output
    assert "refused: hans@example.de: 550 5.1.1 No such user" in result.stderr
    assert set(by_recipient(server)) == WANTED - {"hans@example.de"}
    del server.handler.refuse["hans@example.de"]
    again = alerts(room, "send", WINKEL, "--now", NOW, "--rate", FAST)
    assert "Sent 0 alerts" in again.stdout, "a refusal for good is not tried again"


def test_a_failing_server_stops_the_run_and_the_next_run_sends_the_rest_once(room, server):
    server.handler.before_accept = lambda accepted, envelope: "451 4.3.0 Try again later" if accepted == 2 else None
    result = alerts(room, "send", WINKEL, "--now", NOW, "--rate", FAST)
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"error: newsroom.yaml: alerts: the SMTP server 127.0.0.1:{server.port} answered 451 4.3.0 Try again later; "
        "2 alerts went out before it stopped (kept: run the same command again to send the rest, never twice)")
    assert len(server.accepted) == 2
    server.handler.before_accept = None
    again = alerts(room, "send", WINKEL, "--now", NOW, "--rate", FAST)
    assert again.exit_code == 0, again.output
    assert "Sent 4 alerts for 2026-11-24-winkel; 2 had it already" in again.stdout
    got = by_recipient(server)
    assert set(got) == WANTED and all(len(m) == 1 for m in got.values())


@pytest.mark.parametrize("where", ["data", "rcpt"])
def test_a_kill_in_the_middle_leaves_no_duplicate_and_no_gap(room, server, where):
    """smr killed (SIGKILL) while the server takes the third message: the two it accepted
    are recorded, the third was not accepted; the next run sends exactly the other four."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "generator", "alerts", "send", "--root", str(room.root), WINKEL,
               "--now", NOW, "--rate", FAST]
    proc = subprocess.Popen(command, cwd=room.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def kill(accepted, _):
        if accepted == 2:
            os.kill(proc.pid, signal.SIGKILL)
            return "421 4.3.2 Shutting down"
        return None

    if where == "data":
        server.handler.before_accept = kill
    else:
        server.handler.before_rcpt = kill
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL, (out, err)
    assert len(server.accepted) == 2
    server.handler.before_accept = server.handler.before_rcpt = None
    again = alerts(room, "send", WINKEL, "--now", NOW, "--rate", FAST)
    assert again.exit_code == 0, again.output
    got = by_recipient(server)
    assert set(got) == WANTED, "no gap"
    assert all(len(messages) == 1 for messages in got.values()), "no duplicate"


def test_rate_limits_the_pace_without_sleeping(room, server):
    from generator import clock
    from generator.outreach.alerts import Pace, send

    class Clock:
        def __init__(self):
            self.now, self.slept = 1000.0, []

        def __call__(self):
            return self.now

        def sleep(self, seconds):
            self.slept.append(round(seconds, 6))
            self.now += seconds

    fake = Clock()
    pace = Pace(30, clock=fake, sleep=fake.sleep)   # 30 a minute: one every 2 s
    report, _ = send(room.root, WINKEL, now=clock.now(NOW), pace=pace)
    assert report.sent == 6 and len(server.accepted) == 6
    assert fake.slept == [2.0] * 5, "the first goes at once, each next one 2 s after the one before"

    fake = Clock()
    pace = Pace(60, clock=fake, sleep=fake.sleep)
    pace.wait()
    fake.now += 0.25   # the work between two messages counts towards the gap
    pace.wait()
    fake.now += 5      # a slow message: the next goes at once
    pace.wait()
    assert fake.slept == [0.75]


# ---------------------------------------------------------------- settings and secrets

def test_the_password_is_never_printed_or_kept(room, server, monkeypatch):
    wrong = "Wr0ng-Pässword-99"
    monkeypatch.setenv("SMR_SMTP_PASSWORD", wrong)
    result = alerts(room, "send", WINKEL, "--now", NOW, "--rate", FAST)
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"error: newsroom.yaml: alerts: the SMTP server 127.0.0.1:{server.port} "
                                     f"refused the user name '{USER}' or the password in $SMR_SMTP_PASSWORD (535)")
    assert wrong not in result.output and "Wr0ng" not in result.output
    monkeypatch.setenv("SMR_SMTP_PASSWORD", PASSWORD)
    ok = alerts(room, "send", WINKEL, "--now", NOW, "--rate", FAST)
    assert ok.exit_code == 0 and PASSWORD not in ok.output
    kept = b"".join(p.read_bytes() for p in (room.root / ".smr-cache").rglob("*") if p.is_file())
    assert PASSWORD.encode() not in kept and "Pässword".encode() not in kept
    assert b"jan@example.nl" not in kept, "the store keeps a digest of each address, not the address"


def test_settings_problems_are_said_in_words(room, server, monkeypatch, certificate):
    monkeypatch.delenv("SMR_SMTP_PASSWORD")
    result = alerts(room, "send", WINKEL, "--now", NOW)
    assert result.stderr.strip() == ("error: newsroom.yaml: alerts.smtp_user: is set, but $SMR_SMTP_PASSWORD is "
                                     "empty: give the SMTP password in that environment variable (never in a file)")
    monkeypatch.setenv("SMR_SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("SSL_CERT_FILE", os.devnull)   # trusts nothing: the test CA is unknown
    result = alerts(room, "send", WINKEL, "--now", NOW)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: newsroom.yaml: alerts: the SMTP server 127.0.0.1:{server.port} has a "
                                    "certificate this computer does not trust")
    room.write("newsroom.yaml", NEWSROOM_YAML + alerts_yaml(server.port, "none"))
    result = alerts(room, "send", WINKEL, "--now", NOW)
    assert result.stderr.strip() == ("error: newsroom.yaml: alerts.smtp_security: none would send the SMTP password "
                                     "unencrypted over the network; use starttls (port 587) or tls (port 465)")
    room.write("newsroom.yaml", NEWSROOM_YAML + alerts_yaml(server.port, "ssl"))
    result = alerts(room, "send", WINKEL, "--now", NOW)
    assert result.exit_code == 1
    assert re.fullmatch(r"error: newsroom.yaml:\d+: alerts.smtp_security: input should be 'starttls', 'tls' or "
                        r"'none'\n", result.stderr), result.stderr
    room.write("newsroom.yaml", NEWSROOM_YAML)
    result = alerts(room, "send", WINKEL, "--now", NOW)
    assert result.stderr.strip() == ("error: newsroom.yaml: alerts: no alerts: settings, so smr cannot send e-mail; "
                                     "add alerts: with smtp_host and from_email (docs/press-item.md, alerts)")
    assert server.accepted == []


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")   # aiosmtpd: TLS from the first byte
def test_tls_from_the_first_byte_and_a_server_without_tls(room, certificate, monkeypatch):
    tls = SmtpServer(certificate[0], "tls")
    plain = SmtpServer(certificate[0], "none")
    try:
        room.write("newsroom.yaml", NEWSROOM_YAML + alerts_yaml(tls.port, "tls"))
        assert alerts(room, "send", WINKEL, "--now", NOW, "--rate", FAST).exit_code == 0
        assert len(tls.accepted) == 6
        monkeypatch.delenv("SMR_SMTP_PASSWORD")
        room.write("newsroom.yaml", NEWSROOM_YAML + alerts_yaml(plain.port, "starttls", user=None))
        result = alerts(room, "send", GEHEIM, "--now", AFTER_EMBARGO)
        assert result.stderr.strip() == (f"error: newsroom.yaml: alerts: the SMTP server 127.0.0.1:{plain.port} "
                                         "offers no STARTTLS; set alerts.smtp_security to tls (port 465)")
        room.write("newsroom.yaml", NEWSROOM_YAML + alerts_yaml(plain.port, "none", user=None))
        assert alerts(room, "send", GEHEIM, "--now", AFTER_EMBARGO, "--rate", FAST).exit_code == 0
        assert len(plain.accepted) == 5
    finally:
        tls.stop()
        plain.stop()


def test_no_server_is_said_in_words(room):
    import socket

    with socket.socket() as probe:   # a port nothing listens on: bound, then let go
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    room.write("newsroom.yaml", NEWSROOM_YAML + alerts_yaml(port))
    result = alerts(room, "send", WINKEL, "--now", NOW)
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"error: newsroom.yaml: alerts: cannot reach the SMTP server 127.0.0.1:{port}: "
                                     "Connection refused")


# ---------------------------------------------------------------- the list

def test_add_list_remove(room):
    path = room.root / "outreach" / "subscribers.csv"
    before = path.read_text("utf-8")
    result = alerts(room, "add", "Nieuw@Example.org", "--consent", "Alerts over brood, telefoon", "--name",
                    "=HYPERLINK(\"x\")", "--language", "en-GB", "--tags", "brood, winkels", "--now", NOW)
    assert result.exit_code == 0, result.output
    assert result.stdout == "Added Nieuw@Example.org to outreach/subscribers.csv.\n"
    after = path.read_text("utf-8")
    assert after.startswith(before), "the rows already there stay as they were"
    assert after[len(before):] == ("Nieuw@Example.org,\"'=HYPERLINK(\"\"x\"\")\",en-GB,brood;winkels,"
                                   "\"Alerts over brood, telefoon (2026-11-25T10:00+01:00)\",smr alerts add\n")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    listed = alerts(room, "list")
    assert listed.exit_code == 0
    rows = listed.stdout.splitlines()
    assert rows[0] == "jan@example.nl\tJan de Vries\t\t\tAlle nieuws, webformulier 2026-11-01\twebsite"
    assert rows[-1] == ("Nieuw@Example.org\t'=HYPERLINK(\"x\")\ten-GB\tbrood,winkels\t"
                        "Alerts over brood, telefoon (2026-11-25T10:00+01:00)\tsmr alerts add")
    assert "8 subscribers in outreach/subscribers.csv." in listed.stderr
    twice = alerts(room, "add", "nieuw@example.ORG", "--consent", "again")
    assert twice.exit_code == 1
    assert twice.stderr.strip() == ("error: outreach/subscribers.csv:10: email: Nieuw@Example.org is already "
                                    "subscribed (line 10); to change the row, edit it, or run `smr alerts remove "
                                    "Nieuw@Example.org` first")
    removed = alerts(room, "remove", "NIEUW@example.org")
    assert removed.exit_code == 0 and removed.stdout == "Removed Nieuw@Example.org from outreach/subscribers.csv.\n"
    assert path.read_text("utf-8") == before
    gone = alerts(room, "remove", "jan@example.nl")
    assert gone.exit_code == 0
    assert path.read_text("utf-8") == before.replace(
        'jan@example.nl,Jan de Vries,,,"Alle nieuws, webformulier 2026-11-01",website\n', "")
    missing = alerts(room, "remove", "jan@example.nl")
    assert missing.exit_code == 1
    assert missing.stderr.strip() == ("error: outreach/subscribers.csv: jan@example.nl is not on the list "
                                      "(nothing was changed)")


def test_add_refuses_bad_values_in_words(room, tmp_path):
    bad = alerts(room, "add", "not-an-address", "--consent", "x", "--language", "Nederlands")
    assert bad.exit_code == 1
    lines = bad.stderr.strip().splitlines()
    assert lines[0].startswith("error: --language: must be a language tag such as 'nl', 'en' or 'en-GB'")
    assert lines[1].startswith("error: EMAIL: not a valid e-mail address")
    blank = alerts(room, "add", "ok@example.org", "--consent", "  ")
    assert blank.exit_code == 1 and blank.stderr.startswith("error: --consent: field required: what they agreed to")
    usage = alerts(room, "add", "ok@example.org")
    assert usage.exit_code == 2 and "Missing option '--consent'" in usage.stderr
    fresh = Newsroom(tmp_path / "fresh")
    first = alerts(fresh, "add", "eerste@example.org", "--consent", "Ja", "--now", NOW)
    assert first.exit_code == 0, first.output
    assert (fresh.root / "outreach" / "subscribers.csv").read_text("utf-8") == (
        "email,name,language,tags,consent,source\neerste@example.org,,,,Ja (2026-11-25T10:00+01:00),smr alerts add\n")


def test_bad_rows_are_said_with_their_line_and_skipped(room):
    room.write("outreach/subscribers.csv", SUBSCRIBERS + "wrong,Iemand,,,Ja,x\nanna@EXAMPLE.com,Dubbel,,,Ja,x\n"
               "x@example.org,Iemand,xx-yy-zz-qq-rr-ss-tt-uu,,Ja,x,extra\n")
    listed = alerts(room, "list")
    assert listed.exit_code == 0
    warnings = [line for line in listed.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        ("warning: outreach/subscribers.csv:8: consent: field required: what they agreed to, and when (e.g. 'alerts "
         "about all news, web form 2026-11-20'); no alert goes to a row without it; this row is skipped"),
        ("warning: outreach/subscribers.csv:10: email: not a valid e-mail address: An email address must have an "
         "@-sign.; this row is skipped"),
        ("warning: outreach/subscribers.csv:11: email: duplicate of line 3 (e-mail addresses are compared without "
         "case); this row is skipped"),
        "warning: outreach/subscribers.csv:12: 7 values but the header has 6 columns; this row is skipped"]
    assert len(listed.stdout.splitlines()) == 7


def test_a_dutch_excel_list_with_semicolons_is_read_and_added_to_alike(room):
    room.write("outreach/subscribers.csv", "email;name;language;tags;consent;source\r\n"
                                           "jan@example.nl;Jan;nl;brood;Ja, via de website;web\r\n")
    assert alerts(room, "add", "anna@example.com", "--consent", "Yes", "--now", NOW).exit_code == 0
    assert (room.root / "outreach" / "subscribers.csv").read_bytes().endswith(
        b"\r\nanna@example.com;;;;Yes (2026-11-25T10:00+01:00);smr alerts add\r\n"), "in the file's own line ends"
    listed = alerts(room, "list")
    assert listed.stdout.splitlines() == ["jan@example.nl\tJan\tnl\tbrood\tJa, via de website\tweb",
                                          "anna@example.com\t\t\t\tYes (2026-11-25T10:00+01:00)\tsmr alerts add"]


def test_the_list_is_never_built_or_published(room):
    result = room.run("build", "--now", AFTER_EMBARGO)
    assert result.exit_code == 0, result.output
    for path in room.site.rglob("*"):
        assert "subscribers" not in path.name
        if path.is_file():
            data = path.read_bytes()
            for address in ("jan@example.nl", "anna@example.com", "hans@example.de", "kees@example.nl"):
                assert address.encode() not in data, (path, address)


# ---------------------------------------------------------------- who gets what (pure)

def test_plan_matches_tags_and_languages_and_counts_any_version_sent(room):
    from generator import clock
    from generator.newsroom.model import Subscriber
    from generator.newsroom.site import load_site
    from generator.outreach.alerts import plan, sent_key, story_of

    site = load_site(room.root, clock.now(NOW))
    story = story_of(site, site.by_slug(WINKEL))

    def people(*rows):
        return [Subscriber.model_validate({"consent": "ja", **row}) for row in rows]

    subscribers = people({"email": "a@x.nl", "tags": "WINKELS"}, {"email": "b@x.nl", "tags": "shops"},
                         {"email": "c@x.nl", "tags": "sport"}, {"email": "d@x.nl", "language": "en-US"},
                         {"email": "e@x.nl", "language": "fr"}, {"email": "f@x.nl"})
    result = plan(site, story, subscribers, {sent_key(WINKEL_EN, "F@X.NL")})
    assert [(t.subscriber.email, t.item.slug) for t in result.todo] == [
        ("a@x.nl", WINKEL), ("b@x.nl", WINKEL), ("d@x.nl", WINKEL_EN), ("e@x.nl", WINKEL)]
    assert (result.not_wanted, result.already) == (1, 1)


def test_records_outlive_a_new_smr(tmp_path):
    """The record of what was sent is a fact, not a cache: a new smr or library version
    (which makes every cached table stale) keeps it."""
    from generator.store import Store

    store = Store.of(tmp_path)
    store.record("alerts-sent", "x\nabc", {"sent": "x"})
    table = store.table("photos", "one key")
    table.put("a", "sig", 1)
    table.save()
    assert store.table("photos", "another key").get("a", "sig") is None, "a table of other inputs is stale"
    store.close()
    assert Store.of(tmp_path).records("alerts-sent") == {"x\nabc": {"sent": "x"}}


# ---------------------------------------------------------------- smr publish --alerts

@pytest.fixture
def published(room, server, s3server, aws_env, certificate):
    """The room publishing to a fresh bucket of the real S3 server (SeaweedFS)."""
    aws_env.setenv("SSL_CERT_FILE", str(certificate[1]))   # aws_env clears nothing of these, but be sure
    aws_env.setenv("SMR_SMTP_PASSWORD", PASSWORD)
    room.bucket = s3server.bucket("site")
    room.write("newsroom.yaml", NEWSROOM_YAML + alerts_yaml(server.port, rate=FAST) + textwrap.dedent(f"""\
        publish:
          site: s3://{room.bucket}/news/
          endpoint_url: {s3server.endpoint}
          region: us-east-1
          path_style: true
        """))
    return room


def publish(room, *args):
    return room.run("publish", *args)


def test_publish_alerts_the_releases_it_put_online_and_an_embargo_lifting(published, server, s3server):
    dry = publish(published, "--alerts", "--dry-run", "--now", NOW)
    assert dry.exit_code == 0, dry.output
    assert f"would send  Anna Smith <anna@example.com>  {WINKEL_EN} (en)" in dry.stdout
    assert "Would send 6 alerts for 2026-11-24-winkel; 1 want other tags." in dry.stdout
    assert server.accepted == [] and not s3server.objects(published.bucket)

    first = publish(published, "--alerts", "--now", NOW)
    assert first.exit_code == 0, first.output
    assert f"news/{WINKEL}/index.html" in s3server.objects(published.bucket)
    assert "Sent 6 alerts for 2026-11-24-winkel; 1 want other tags." in first.stdout
    got = by_recipient(server)
    assert set(got) == WANTED and all(len(m) == 1 for m in got.values())
    assert not [a for a in server.accepted if GEHEIM in a.content.decode() or CONCEPT in a.content.decode()]

    cron = publish(published, "--alerts", "--now", NOW)   # cron, before the embargo lifts
    assert cron.exit_code == 0, cron.output
    assert "No release went online: no alerts to send." in cron.stdout
    assert len(server.accepted) == 6

    lifted = publish(published, "--alerts", "--now", AFTER_EMBARGO)   # cron, once it has
    assert lifted.exit_code == 0, lifted.output
    assert f"news/{GEHEIM}/index.html" in s3server.objects(published.bucket)
    assert f"Sent 5 alerts for {GEHEIM}" in lifted.stdout
    news = [a.message() for a in server.accepted[6:]]
    assert [m["Subject"] for m in news] == ["Testbedrijf koopt een concurrent"] * 5
    again = publish(published, "--alerts", "--now", AFTER_EMBARGO)
    assert "No release went online" in again.stdout and len(server.accepted) == 11


def test_a_publish_that_stopped_after_the_upload_still_alerts_on_the_next(published, server):
    """The releases going online are kept before their upload: when the publish ends before
    its alerts (killed, or the SMTP server down), the next publish --alerts sends them."""
    from generator import clock
    from generator.outreach.alerts import keep_released
    from generator.publish.deploy import publish as publish_site

    report = publish_site(published.root, now=clock.now(NOW), on_public=keep_released(published.root, clock.now(NOW)),
                          check=False)
    assert sorted(report.went_public) == [WINKEL, WINKEL_EN]
    assert server.accepted == []   # as if killed here, after the upload
    result = publish(published, "--alerts", "--now", NOW)
    assert result.exit_code == 0, result.output
    assert "Sent 6 alerts for 2026-11-24-winkel" in result.stdout
    assert publish(published, "--alerts", "--now", NOW).stdout.count("Sent") == 0


def test_publish_alerts_checks_the_smtp_settings_before_it_uploads(published, server, s3server, monkeypatch):
    monkeypatch.delenv("SMR_SMTP_PASSWORD")
    result = publish(published, "--alerts", "--now", NOW)
    assert result.exit_code == 1
    assert "alerts.smtp_user: is set, but $SMR_SMTP_PASSWORD is empty" in result.stderr
    assert not s3server.objects(published.bucket), "nothing went online without its alerts"


def test_the_list_is_never_published(published, s3server):
    assert publish(published, "--now", AFTER_EMBARGO).exit_code == 0
    keys = s3server.objects(published.bucket)
    assert keys and not [k for k in keys if "subscribers" in k or "outreach" in k]
    client = s3server.client()
    for key in keys:
        data = client.get_object(Bucket=published.bucket, Key=key)["Body"].read()
        assert b"jan@example.nl" not in data and b"hans@example.de" not in data, key


def test_publish_alerts_without_subscribers_yet_is_no_error(published, server):
    (published.root / "outreach" / "subscribers.csv").unlink()
    result = publish(published, "--alerts", "--now", NOW)
    assert result.exit_code == 0, result.output
    assert "Sent 0 alerts for 2026-11-24-winkel." in result.stdout and server.accepted == []
    nobody = alerts(published, "send", WINKEL, "--now", NOW)
    assert nobody.exit_code == 1
    assert nobody.stderr.strip() == ("error: outreach/subscribers.csv: nobody to alert: outreach/subscribers.csv has "
                                     "no subscribers yet; add them with `smr alerts add EMAIL --consent TEXT`")


def test_the_rate_is_the_option_else_alerts_rate_else_60(room, server, monkeypatch):
    from generator.outreach import alerts as module

    rates = []

    class Recorded(module.Pace):   # the real pace, on a clock that stands still: no waiting
        def __init__(self, rate):
            rates.append(rate)
            super().__init__(rate, clock=lambda: 0.0, sleep=lambda seconds: None)

    monkeypatch.setattr(module, "Pace", Recorded)
    assert alerts(room, "send", WINKEL, "--now", NOW).exit_code == 0
    room.write("newsroom.yaml", NEWSROOM_YAML + alerts_yaml(server.port, rate="20"))
    assert alerts(room, "send", GEHEIM, "--now", AFTER_EMBARGO).exit_code == 0
    assert alerts(room, "add", "new@example.org", "--consent", "Ja").exit_code == 0
    assert alerts(room, "send", GEHEIM, "--now", AFTER_EMBARGO, "--rate", "5").exit_code == 0
    assert rates == [60, 20.0, 5.0]
    assert len(server.accepted) == 6 + 5 + 1
