"""E-mail alerts: each journalist on outreach/subscribers.csv gets one message per story.

Who gets what is decided here, as plain code (`plan`): a subscriber whose `tags` the story
has none of is left out; the others get the version of the story in their language where
one is public, else the one in the newsroom's language. The message (templates/outreach/
alert.txt.j2 and alert.html.j2, HTML autoescaped) carries the release's link, a mailto
List-Unsubscribe, and nothing that loads from elsewhere (no tracking pixel, no images).

Never twice, never early: a draft or a release under embargo is refused; each message the
server accepted is recorded in the state store (`Store.record`) before the next one goes
out, per story and address, so a second run, or one after a kill or an SMTP failure, sends
only what is missing. `smr publish --alerts` keeps the releases a publish is about to put
online (`keep_released`) before their upload, and sends them once it is done.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import Problem, SmrError

SENT = "alerts-sent"          # records: "<slug>\n<address digest>" -> what went out, and when
RELEASED = "alerts-released"  # records: slug -> when a publish put it online (sent, then removed)
LOCK = "alerts.lock"          # in .smr-cache/: one sender at a time per newsroom
LOCK_TIMEOUT = 30 * 60        # seconds a second sender waits for the first
DEFAULT_RATE = 60             # messages per minute, without alerts.rate or --rate
PASSWORD = "SMR_SMTP_PASSWORD"
TIMEOUT = 30                  # seconds for each exchange with the SMTP server
PORTS = {"starttls": 587, "tls": 465, "none": 25}


# ---------------------------------------------------------------- who gets what

@dataclass
class Planned:
    subscriber: object   # model.Subscriber
    item: object         # site.Item: the version this subscriber gets


@dataclass
class Plan:
    story: list          # the public versions (site.Item), the one asked for first
    todo: list[Planned] = field(default_factory=list)
    already: int = 0     # had this story already (any version)
    not_wanted: int = 0  # want other tags


def story_of(site, item) -> list:
    """The public versions of `item`'s story, `item` first."""
    others = [site.by_slug(slug) for slug in item.translations]
    return [item] + [o for o in others if o is not None and o.public_at(site.now)]


def story_slugs(story: list) -> set[str]:
    """Every version the story has had: public now or not (a translation published later)."""
    return {i.slug for i in story} | {s for i in story for s in i.translations}


def plan(site, story: list, subscribers: list, sent: set[str]) -> Plan:
    """Pure: which subscriber gets which version of `story`; `sent` are the record names
    (`sent_key`) of what went out before. Every version the story ever had counts: a
    translation made public later sends nothing to who had the original."""
    from generator.slug import slugify

    result = Plan(story)
    slugs = story_slugs(story)
    tags = {slugify(t) for i in story for t in i.tags}
    for subscriber in subscribers:
        if any(sent_key(slug, subscriber.email) in sent for slug in slugs):
            result.already += 1
        elif subscriber.tags and not {slugify(t) for t in subscriber.tags} & tags:
            result.not_wanted += 1
        else:
            result.todo.append(Planned(subscriber, version_for(subscriber, story, site.newsroom.language)))
    return result


def version_for(subscriber, story: list, default: str):
    """Their own language tag (en-GB), else its base (en), else the newsroom's, else the first."""
    from generator.text import base_language

    wanted = subscriber.language or default
    for fits in (lambda i: i.language.lower() == wanted.lower(),
                 lambda i: base_language(i.language) == base_language(wanted),
                 lambda i: base_language(i.language) == base_language(default)):
        found = [i for i in story if fits(i)]
        if found:
            return found[0]
    return story[0]


def sent_key(slug: str, email: str) -> str:
    """A record's name: the release and a digest of the address (the store holds no addresses)."""
    from generator.store import digest

    return f"{slug}\n{digest('subscriber', email.strip().casefold())}"


# ---------------------------------------------------------------- the messages

@dataclass
class Sender:
    name: str
    email: str


def message(env, site, planned: Planned, sender: Sender, now: dt.datetime) -> tuple[str, bytes]:
    """(envelope recipient, the message as bytes): text and HTML parts from the templates.

    From and To are written by export.mailbox (names as literal text, never header syntax),
    List-Unsubscribe as it is (RFC 2369: a mailto: URL in angle brackets), the rest by the
    email package. The Message-ID is the same for the same story and address,
    so a mail program that sees one twice shows it once. `env`: render.pages.environment."""
    from email.message import EmailMessage
    from email.policy import SMTP
    from email.utils import format_datetime
    from urllib.parse import quote

    from generator.outreach.export import mail_address, mailbox
    from generator.render import i18n
    from generator.text import base_language, in_language

    item, subscriber = planned.item, planned.subscriber
    newsroom = site.newsroom.in_language(item.language)
    lang = "nl" if base_language(item.language) == "nl" else "en"
    release = item.release
    url = newsroom.base_url + item.slug + "/"
    unsubscribe = f"mailto:{quote(mail_address(sender.email), safe='@')}?subject=unsubscribe"
    values = {"lang": lang, "language": item.language, "release": release, "url": url,
              "date": i18n.long_date(release.date.astimezone(newsroom.tz).date(), item.language),
              "newsroom": newsroom, "organization": newsroom.organization.name,
              "contacts": [{"name": c.name, "role": in_language(c.role, item.language, newsroom.language),
                            "email": c.email, "phone": c.phone} for c in release.contacts or newsroom.contacts],
              "subscriber": subscriber,
              "unsubscribe": unsubscribe, "unsubscribe_address": sender.email}
    text = env.get_template("outreach/alert.txt.j2").make_module(values)
    html = env.get_template("outreach/alert.html.j2").render(values)
    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = " ".join(str(text.subject()).split())
    msg["Date"] = format_datetime(now)
    domain = mail_address(sender.email).rpartition("@")[2]
    msg["Message-ID"] = f"<alert.{sent_key(item.slug, subscriber.email).split()[1]}@{domain}>"
    name = " ".join(newsroom.title.translate({ord(c): " " for c in '<>"\\()'}).split())[:60]
    msg["List-Id"] = f"{name} <alerts.{domain}>"   # RFC 2919: a phrase, then the id
    msg.set_content(str(text.body()).strip() + "\n", charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    msg["Content-Language"] = item.language   # after the parts: set_content clears Content- headers
    head = (f"From: {mailbox(sender.name, sender.email)}\r\n"
            f"To: {mailbox(subscriber.name or '', subscriber.email)}\r\n"
            f"List-Unsubscribe: <{unsubscribe}>\r\n")   # as it is: the email package would encode it
    return mail_address(subscriber.email), head.encode("utf-8") + msg.as_bytes()


# ---------------------------------------------------------------- the SMTP server

@dataclass
class Smtp:
    host: str
    port: int
    security: str
    user: str | None
    password: str | None = field(default=None, repr=False)   # never shown, never logged


def smtp_settings(newsroom, env) -> tuple[Smtp, Sender]:
    """`alerts:` from newsroom.yaml with the password from SMR_SMTP_PASSWORD."""
    alerts = newsroom.alerts
    if alerts is None:
        raise SmrError("no alerts: settings, so smr cannot send e-mail; add alerts: with smtp_host and from_email "
                       "(docs/press-item.md, alerts)", file="newsroom.yaml", field="alerts")
    password = env.get(PASSWORD) or None
    if alerts.smtp_user and not password:
        raise SmrError(f"is set, but ${PASSWORD} is empty: give the SMTP password in that environment variable "
                       "(never in a file)", file="newsroom.yaml", field="alerts.smtp_user")
    if password and not alerts.smtp_user:
        raise SmrError(f"${PASSWORD} is set, but no user name: set alerts.smtp_user",
                       file="newsroom.yaml", field="alerts.smtp_user")
    if password and alerts.smtp_security == "none":
        raise SmrError("none would send the SMTP password unencrypted over the network; use starttls (port 587) "
                       "or tls (port 465)", file="newsroom.yaml", field="alerts.smtp_security")
    from generator.outreach.export import mail_address

    try:
        mail_address(alerts.from_email)
    except ValueError as exc:
        raise SmrError(str(exc), file="newsroom.yaml", field="alerts.from_email") from None
    smtp = Smtp(alerts.smtp_host, alerts.smtp_port or PORTS[alerts.smtp_security], alerts.smtp_security,
                alerts.smtp_user, password)
    return smtp, Sender(alerts.from_name or newsroom.organization.name, alerts.from_email)


class Refused(Exception):
    """The server refused this one recipient for good (a 5xx reply): the others go on."""


class Mailer:
    """One connection to the SMTP server for a run; its failures said in words."""

    def __init__(self, smtp: Smtp):
        self.smtp, self.client = smtp, None

    def __enter__(self) -> "Mailer":
        import smtplib
        import ssl

        s = self.smtp
        context = ssl.create_default_context()
        try:
            if s.security == "tls":
                self.client = smtplib.SMTP_SSL(s.host, s.port, timeout=TIMEOUT, context=context)
            else:
                self.client = smtplib.SMTP(s.host, s.port, timeout=TIMEOUT)
                if s.security == "starttls":
                    self.client.starttls(context=context)
            if s.user:
                self.login()
        except BaseException as exc:
            self.close()
            if isinstance(exc, Exception):
                raise self.explain(exc) from None
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def login(self) -> None:
        """smtplib's login, but for a user name or password beyond ASCII, which smtplib
        cannot encode: AUTH PLAIN in UTF-8 (RFC 4616). Nothing of the password is ever said."""
        import base64
        import smtplib

        s, client = self.smtp, self.client
        if (s.user + s.password).isascii():
            return client.login(s.user, s.password)
        client.ehlo_or_helo_if_needed()
        if "PLAIN" not in client.esmtp_features.get("auth", "").upper().split():
            raise SmrError(f"the SMTP server {s.host}:{s.port} does not take AUTH PLAIN, the only way to send a user "
                           f"name or password with characters beyond ASCII", file="newsroom.yaml", field="alerts")
        token = base64.b64encode(f"\0{s.user}\0{s.password}".encode("utf-8")).decode("ascii")
        code, reply = client.docmd("AUTH", "PLAIN " + token)
        if code not in (235, 503):
            raise smtplib.SMTPAuthenticationError(code, reply)

    def close(self) -> None:
        if self.client is not None:
            try:
                self.client.quit()
            except Exception:  # noqa: BLE001 - going away anyway
                self.client.close()
            self.client = None

    def send(self, sender: str, recipient: str, data: bytes) -> None:
        """Raises Refused for a 5xx refusal of the recipient, SmrError for anything else."""
        import smtplib

        options = ["SMTPUTF8"] if not (sender + recipient).isascii() else []
        try:
            self.client.sendmail(sender, [recipient], data, mail_options=options)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = exc.recipients.get(recipient, (0, b""))
            if 500 <= code < 600:
                raise Refused(f"{code} {_text(reply)}") from None
            raise self.explain(exc) from None
        except Exception as exc:  # noqa: BLE001 - said in words, never as a traceback
            raise self.explain(exc) from None

    def explain(self, exc: Exception) -> SmrError:
        import smtplib
        import ssl

        s = self.smtp
        where = f"the SMTP server {s.host}:{s.port}"
        if isinstance(exc, ssl.SSLCertVerificationError):
            text = f"{where} has a certificate this computer does not trust ({exc.verify_message})"
        elif isinstance(exc, ssl.SSLError):
            text = (f"{where} does not speak TLS as smtp_security: {s.security} expects ({exc.reason}); "
                    "port 465 is tls, port 587 starttls")
        elif isinstance(exc, smtplib.SMTPNotSupportedError):
            text = f"{where} offers no STARTTLS; set alerts.smtp_security to tls (port 465)"
        elif isinstance(exc, smtplib.SMTPAuthenticationError):
            text = f"{where} refused the user name {s.user!r} or the password in ${PASSWORD} ({exc.smtp_code})"
        elif isinstance(exc, smtplib.SMTPSenderRefused):
            text = f"{where} refused the sender {exc.sender} ({exc.smtp_code} {_text(exc.smtp_error)})"
        elif isinstance(exc, smtplib.SMTPResponseException):
            text = f"{where} answered {exc.smtp_code} {_text(exc.smtp_error)}"
        elif isinstance(exc, smtplib.SMTPServerDisconnected):
            text = f"{where} closed the connection"
        elif isinstance(exc, smtplib.SMTPRecipientsRefused):
            (code, reply), = exc.recipients.values()
            text = f"{where} refused the recipient for now ({code} {_text(reply)})"
        elif isinstance(exc, TimeoutError):
            text = f"{where} did not answer within {TIMEOUT} s"
        elif isinstance(exc, OSError):
            text = f"cannot reach {where}: {exc.strerror or exc}"
        else:   # never the exception's own words: they could quote the password
            text = f"{where}: {type(exc).__name__}"
        return SmrError(text, file="newsroom.yaml", field="alerts")


def _text(reply) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())


class Pace:
    """At most `rate` messages a minute: each goes 60/rate s after the one before (the clock
    and the wait are given, so tests pace without sleeping)."""

    def __init__(self, rate: float, clock=time.monotonic, sleep=time.sleep):
        if not rate or rate <= 0:
            raise SmrError(f"--rate {rate}: give messages per minute, more than 0")
        self.gap, self.clock, self.sleep, self.last = 60.0 / rate, clock, sleep, None

    def wait(self) -> None:
        if self.last is not None:
            delay = self.last + self.gap - self.clock()
            if delay > 0:
                self.sleep(delay)
        self.last = self.clock()


# ---------------------------------------------------------------- sending

@dataclass
class AlertReport:
    story: list[str]                  # slugs of the versions
    dry_run: bool = False
    sent: int = 0
    already: int = 0
    not_wanted: int = 0
    refused: list[str] = field(default_factory=list)   # "address: the server's reply"
    lines: list[str] = field(default_factory=list)     # dry run: who would get what

    def summary(self) -> str:
        verb = "Would send" if self.dry_run else "Sent"
        parts = [f"{verb} {self.sent} alert{'s' * (self.sent != 1)} for {self.story[0]}"]
        if self.already:
            parts.append(f"{self.already} had it already")
        if self.not_wanted:
            parts.append(f"{self.not_wanted} want other tags")
        if self.refused:
            parts.append(f"{len(self.refused)} refused by the server (see above)")
        return "; ".join(parts) + "."


def send(root: Path, release: str, *, now: dt.datetime, dry_run: bool = False, rate: float | None = None,
         env: dict | None = None, pace: Pace | None = None) -> tuple[AlertReport, list[Problem]]:
    """`smr alerts send RELEASE`: its story to every subscriber who wants it and has not had it.
    Returns the report and the problems of the list (rows skipped)."""
    from generator.newsroom.site import load_site

    root = Path(root).resolve()
    site = load_site(root, now)
    item = find(site, release)
    refuse_unpublic(site, item)
    reports, problems = _send_stories(root, site, [story_of(site, item)], dry_run, rate, env, pace, required=True)
    return reports[0], problems


def keep_released(root: Path, now: dt.datetime, *, check: bool = True, env: dict | None = None):
    """publish's `on_public`: remember the releases it is about to put online, so that they
    are alerted even when the publish is killed after their upload (sent once it is done).
    With `check`, the SMTP settings are checked first: a publish does not start without them."""
    from generator.newsroom.site import load_newsroom
    from generator.store import Store

    if check:
        smtp_settings(load_newsroom(Path(root).resolve()), os.environ if env is None else env)

    def kept(slugs: list[str]) -> None:
        store = Store.of(Path(root).resolve())
        for slug in slugs:
            store.record(RELEASED, slug, now)
    return kept


def send_released(root: Path, *, now: dt.datetime, released: list[str], dry_run: bool = False,
                  rate: float | None = None, env: dict | None = None,
                  pace: Pace | None = None) -> tuple[list[AlertReport], list[Problem]]:
    """`smr publish --alerts`, after the publish: the stories of the releases it put online
    (`released`) and of those an earlier publish put online without finishing their alerts.
    Those no longer public are forgotten (going online again, they come back)."""
    from generator.newsroom.site import load_site
    from generator.store import Store

    root = Path(root).resolve()
    store = Store.of(root)
    kept = set(store.records(RELEASED))
    site = load_site(root, now)
    stories, seen = [], set()
    for slug in sorted(kept | set(released)):
        item = site.by_slug(slug)
        if item is None or not item.public_at(now):
            if not dry_run:
                store.record(RELEASED, slug, None)
            continue
        story = story_of(site, item)
        if not seen & {i.slug for i in story}:
            stories.append(story)
        seen |= {i.slug for i in story}
    if not stories:
        return [], []
    reports, problems = _send_stories(root, site, stories, dry_run, rate, env, pace)
    if not dry_run:
        for slug in sorted(seen & (kept | set(released))):
            store.record(RELEASED, slug, None)
    return reports, problems


def _send_stories(root: Path, site, stories: list, dry_run: bool, rate: float, env, pace, required: bool = False):
    """Each story to whom it is due, at `rate` a minute (else alerts.rate, else DEFAULT_RATE);
    `required`: no subscriber at all is an error (for `smr alerts send`; a publish from cron
    just has no one to tell yet)."""
    from generator.files import LockTimeout, cache_dir, file_lock
    from generator.outreach.export import mail_address
    from generator.outreach.subscribers import read
    from generator.render.pages import environment
    from generator.store import Store

    env = os.environ if env is None else env
    listing = read(root)
    if dry_run:
        sender = None
    else:
        smtp, sender = smtp_settings(site.newsroom, env)
        pace = pace or Pace(rate or site.newsroom.alerts.rate or DEFAULT_RATE)
    if required and not listing.rows and not listing.problems and not dry_run:
        raise SmrError(f"nobody to alert: {listing.shown} has no subscribers yet; add them with "
                       "`smr alerts add EMAIL --consent TEXT`", file=listing.shown)
    reports = []
    store = Store.of(root)
    try:
        with file_lock(cache_dir(root) / LOCK, timeout=LOCK_TIMEOUT):
            plans = [plan(site, story, listing.subscribers, _sent(store, story)) for story in stories]
            if dry_run:
                for p in plans:
                    report = AlertReport([i.slug for i in p.story], True, len(p.todo), p.already, p.not_wanted)
                    report.lines = [f"would send  {_who(t.subscriber)}  {t.item.slug} ({t.item.language})"
                                    for t in p.todo]
                    reports.append(report)
                return reports, listing.problems
            if not any(p.todo for p in plans):
                return [AlertReport([i.slug for i in p.story], False, 0, p.already, p.not_wanted)
                        for p in plans], listing.problems
            envelope, templates = mail_address(sender.email), environment(root)
            with Mailer(smtp) as mailer:
                for p in plans:
                    report = AlertReport([i.slug for i in p.story], False, 0, p.already, p.not_wanted)
                    reports.append(report)
                    for number, todo in enumerate(p.todo):
                        key = sent_key(todo.item.slug, todo.subscriber.email)
                        try:
                            recipient, data = message(templates, site, todo, sender, site.now)
                        except ValueError as exc:   # an address no message can hold
                            report.refused.append(f"{todo.subscriber.email}: {exc}")
                            continue
                        pace.wait()
                        try:
                            mailer.send(envelope, recipient, data)
                        except Refused as exc:
                            report.refused.append(f"{todo.subscriber.email}: {exc}")
                            store.record(SENT, key, {"refused": str(exc), "at": _moment()})
                            continue
                        except SmrError as exc:
                            done = sum(r.sent for r in reports)
                            raise SmrError(problems=[Problem(p_.file, p_.line, p_.field, (
                                f"{p_.message}; {done} alert{'s' * (done != 1)} went out before it stopped (kept: "
                                "run the same command again to send the rest, never twice)")) for p_ in exc.problems]) \
                                from None
                        store.record(SENT, key, {"sent": todo.item.slug, "at": _moment()})
                        report.sent += 1
    except LockTimeout:
        raise SmrError(f"another smr is sending alerts in this newsroom for more than {LOCK_TIMEOUT // 60} "
                       "minutes; nothing was sent") from None
    return reports, listing.problems


def _sent(store, story: list) -> set[str]:
    """What went out of this story before (read under the lock: another run's counts too)."""
    return {name for slug in story_slugs(story) for name in store.records(SENT, f"{slug}\n")}


def _moment() -> dt.datetime:
    """When it really went out (the record says so, whatever --now pretends)."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _who(subscriber) -> str:
    return f"{subscriber.name} <{subscriber.email}>" if subscriber.name else subscriber.email


def find(site, release: str):
    """RELEASE as its folder name, its address (slug) or a path to its folder or release.yaml."""
    from generator.newsroom.site import RELEASE_FILE

    name = Path(release.rstrip("/"))
    name = name.parent.name if name.name == RELEASE_FILE else name.name
    for item in site.items:
        if name in (item.folder.name, item.slug):
            return item
    raise SmrError(f"release {release!r} not found: give a folder name under releases/ or its path")


def refuse_unpublic(site, item) -> None:
    """A draft or a release under embargo is never mailed: one line that says when it can be."""
    if item.draft:
        raise SmrError(f"{item.slug} is a draft: alerts go out only for public news; delete `draft: true`, "
                       "publish it, then send", file=item.source, line=item.line_of("draft"), field="draft")
    if item.embargoed(site.now):
        when = item.embargo.astimezone(site.newsroom.tz).strftime("%Y-%m-%d %H:%M")
        raise SmrError(f"{item.slug} is under embargo until {when}: no alert goes out before; run this again "
                       "after that, or let `smr publish --alerts` send it when the embargo lifts",
                       file=item.source, line=item.line_of("embargo"), field="embargo")
