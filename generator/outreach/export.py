"""The mail merge: a CSV that Word, LibreOffice, Sheets add-ons and Mailchimp read as is,
or one .eml draft per blogger that Outlook and Thunderbird open ready to send.

Every cell is neutralised against spreadsheet formula injection (OWASP): a value that
starts with =, +, -, @, tab or CR gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import SmrError, display_path

COLUMNS = ("email", "first_name", "last_name", "name", "blog", "subject", "greeting", "pitch",
           "release_url", "hashtags", "embargo", "matched_post_title", "matched_post_url")
COMMA_DECIMAL = {"nl", "de", "fr", "es", "it", "pt", "da", "sv", "fi", "nb", "nn", "no", "pl", "cs", "sk",
                 "ru", "tr", "id", "el", "hu", "ro", "sl", "hr", "et", "lv", "lt", "is", "ca", "eu", "gl"}
"""Languages whose Excel writes 1,5 for one and a half, and reads ';' as the CSV separator."""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
UNWRITABLE = "with an e-mail address no draft can hold (see smr outreach check)"
ALREADY_COVERED = "who already wrote about it"


def neutralise(value: str) -> str:
    """'=HYPERLINK(...)' → "'=HYPERLINK(...)": shown as text, never run as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def split_name(name: str) -> tuple[str, str]:
    """'Jan van der Berg' → ('Jan', 'van der Berg'); one word is a first name."""
    first, _, last = name.strip().partition(" ")
    return first, last.strip()


@dataclass
class ExportReport:
    path: Path
    written: int
    left_out: dict[str, int] = field(default_factory=dict)  # reason → count
    preview: str | None = None   # under embargo: the confidential link the pitches give

    def summary(self, root: Path) -> str:
        reasons = ", ".join(f"{n} {why}" for why, n in self.left_out.items() if n)
        text = f"Wrote {self.written} recipients to {display_path(self.path, root)}"
        text += (f"; left out: {reasons}" if reasons else "") + "."
        if self.preview:
            text += (f"\nUnder embargo: the pitches link the confidential preview {self.preview}, "
                     "not the public page (it appears when the embargo lifts).")
        return text


def recipients(ctx, matches, now) -> list[dict]:
    """One mail-merge record per matched blogger, pitch rendered in their language."""
    from generator.render import i18n
    from generator.text import base_language, in_language
    from generator.render.pages import environment

    from generator.resources import template_dirs

    env = environment(ctx.root)
    template = env.get_template("outreach/pitch.txt.j2")
    newsroom = ctx.newsroom
    from_name = newsroom.outreach.from_name or (newsroom.contacts[0].name if newsroom.contacts else "")
    signer = next((c for c in newsroom.contacts if c.name == from_name), None)   # their role and phone
    dirs = template_dirs(ctx.root)
    records = []
    links = {ctx.item.slug: pitch_link(ctx, ctx.item, now)}   # refuses a release nobody may see yet
    for match in matches:
        b = match.blogger
        wanted = base_language(b.language or ctx.item.language)
        lang = wanted if i18n.has_catalog(dirs, wanted) else "en"   # the framing in their language
        item = ctx.item
        other = (ctx.translations or {}).get(wanted)
        if wanted != base_language(item.language) and other is not None and not other.draft:
            if other.slug not in links:
                links[other.slug] = pitch_link(ctx, other, now, required=False)
            if links[other.slug]:
                item = other  # the same news, in the blogger's language
        release, url = item.release, links[item.slug]
        embargo = (i18n.date_time(release.embargo.astimezone(newsroom.tz), lang)
                   if item.embargoed(now) else None)
        post = match.posts[0] if match.posts else None
        first, last = split_name(b.name)
        role = signer and signer.role and in_language(signer.role, lang, newsroom.language)
        module = template.make_module({
            "lang": lang, "blogger": b, "first_name": first, "release": release, "url": url,
            "embargo": embargo, "preview": embargo is not None, "post": post, "topics": match.topics,
            "photos": len(release.images),   # high-resolution photos promised only when there are some
            "hashtags": " ".join("#" + h for h in release.hashtags),
            "organization": newsroom.organization.name, "from_name": from_name,
            "from_role": role or "", "from_phone": (signer.phone if signer else None) or "",
            **i18n.gettext_callables(dirs, lang),
        })
        records.append({
            "email": b.email, "first_name": first, "last_name": last, "name": b.name,
            "blog": b.blog or "", "subject": _one_line(str(module.subject())),
            "greeting": _one_line(str(module.greeting())), "pitch": str(module.pitch()).strip(),
            "signature": str(module.signature()).strip(),
            "release_url": url, "hashtags": " ".join("#" + h for h in release.hashtags),
            "embargo": embargo or "", "matched_post_title": post.title if post else "",
            "matched_post_url": post.url if post else "",
        })
    return records


def pitch_link(ctx, item, now, required: bool = True) -> str | None:
    """Where a pitch sends journalists: the public page, or under embargo the secret preview
    (the public address is a 404 until the embargo lifts). A draft is never pitched."""
    from generator import previews

    if item.draft:
        raise SmrError(f"{item.slug} is a draft: pitch it when it is final (delete `draft: true`)",
                       file=item.source, line=item.line_of("draft"), field="draft")
    if not item.embargoed(now):
        return ctx.newsroom.base_url + item.slug + "/"
    link = previews.link(ctx.root, item.slug)
    if link is None and required:
        raise SmrError(f"{item.slug} is under embargo, so its public page does not exist yet: run "
                       f"`smr preview {item.slug}` first; the pitches then link that confidential preview",
                       file=item.source, line=item.line_of("embargo"), field="embargo")
    return link


def _one_line(text: str) -> str:
    return " ".join(text.split())


def write_csv(records: list[dict], path: Path, delimiter: str = ",") -> None:
    """UTF-8 with BOM (Excel needs it to read UTF-8), CRLF rows, formula cells neutralised."""
    if delimiter not in (",", ";", "\t"):
        raise SmrError(f"--delimiter {delimiter!r}: use ',' or ';' (or a tab)")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow([neutralise(str(record[c])) for c in COLUMNS])
    _write(path, ("\ufeff" + out.getvalue()).encode("utf-8"))


def eml(record: dict, sender: tuple[str, str], now) -> bytes:
    """An RFC 5322 draft: X-Unsent makes Outlook open it as a new, unsent message.

    From, To and Subject are written here, not by the email package: it re-reads a display
    name such as "=?utf-8?q?Bcc=3A_x=40evil=2Eexample?=" as an encoded-word and writes out
    the decoded "Bcc: x@evil.example". Names and subjects leave here as literal text, in
    encoded-words where needed, never as header syntax. An address with a non-ASCII local part
    (jöhn@exämple.nl) makes the draft an SMTPUTF8 message (RFC 6532: that header in UTF-8);
    a non-ASCII domain alone is written in its ASCII form (xn--...). Raises ValueError for an
    address no draft can hold.
    """
    from email.message import EmailMessage
    from email.policy import SMTP
    from email.utils import format_datetime

    head = (f"From: {mailbox(sender[0], sender[1])}\r\nTo: {mailbox(record['name'], record['email'])}\r\n"
            f"Subject: {_unstructured(record['subject'])}\r\n")
    msg = EmailMessage(policy=SMTP)
    msg["Date"] = format_datetime(now)
    msg["X-Unsent"] = "1"
    body = f"{record['greeting']}\n\n{record['pitch']}\n\n{record['signature']}\n"
    msg.set_content(body, charset="utf-8")
    return head.encode("utf-8") + msg.as_bytes()


def mail_address(address: str) -> str:
    """The address as a draft holds it: ASCII where it can be (IDNA domain), else UTF-8."""
    from email_validator import EmailNotValidError, validate_email

    try:
        valid = validate_email(address.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"not a valid e-mail address: {exc}") from None
    return valid.ascii_email or valid.normalized


def mailbox(name: str, address: str) -> str:
    """'Name <address>' with the name as literal text: a plain phrase, a quoted string, or
    base64 encoded-words (non-ASCII, '=?', or too long), folded; CR/LF cannot get in."""
    addr = mail_address(address)
    name = _one_line(name)
    if not name:
        return f"<{addr}>"
    if _PLAIN.fullmatch(name) and "=?" not in name and len(name) < 900:
        if _ATOMS.fullmatch(name):
            return f"{name} <{addr}>"
        return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + f'" <{addr}>'
    return "\r\n ".join(_encoded_words(name)) + f" <{addr}>"


_PLAIN = re.compile(r"[\x20-\x7e]*")                   # printable ASCII
_ATOMS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]*")  # atext and spaces: no quoting needed


def _unstructured(text: str) -> str:
    """A Subject: plain ASCII folded at spaces, anything else as encoded-words."""
    text = _one_line(text)
    if _PLAIN.fullmatch(text) and "=?" not in text and len(text) < 900:
        lines = [""]
        for word in text.split(" "):
            if lines[-1] and len(lines[-1]) + len(word) > 66:
                lines.append(word)
            else:
                lines[-1] = f"{lines[-1]} {word}" if lines[-1] else word
        return "\r\n ".join(lines)
    return "\r\n ".join(_encoded_words(text))


def _encoded_words(text: str) -> list[str]:
    """RFC 2047 encoded-words (the email package's Header), one per folded line."""
    from email.header import Header

    return Header(text, "utf-8", maxlinelen=76).encode(linesep="\n").split("\n ")


def write_eml(records: list[dict], folder: Path, sender: tuple[str, str], now) -> tuple[list[Path], int]:
    """One draft per record; a record whose address no draft can hold is skipped and counted."""
    from generator.slug import slugify

    paths = []
    staged = {}
    skipped = 0
    for number, record in enumerate(records, 1):
        try:
            data = eml(record, sender, now)
        except ValueError:
            skipped += 1
            continue
        name = f"{number:03d}-{slugify(record['name'], 40) or 'blogger'}.eml"
        staged[name] = data
    _private_folder(folder)
    for name, data in staged.items():
        _write(folder / name, data)
        paths.append(folder / name)
    return paths, skipped


def _write(path: Path, data: bytes) -> None:
    """Personal data: readable by the user only."""
    from generator.files import atomic_write

    _private_folder(path.parent)
    atomic_write(path, data, mode=0o600)


def default_delimiter(newsroom) -> str:
    """`outreach.delimiter` from newsroom.yaml, else ';' where Excel writes decimals with a comma
    (and so separates CSV columns with ';': Dutch, German, French, ...), else ','."""
    from generator.text import base_language

    if newsroom.outreach.delimiter:
        return newsroom.outreach.delimiter
    return ";" if base_language(newsroom.language) in COMMA_DECIMAL else ","


def export(root: Path, release: str, *, top: int | None, fmt: str = "csv", delimiter: str | None = None,
           output: Path | None = None, now) -> ExportReport:
    """Rank, render and write; opted-out, invalid and unmatched bloggers are counted, not sent.
    Without `delimiter`, the CSV's is the newsroom's (`default_delimiter`)."""
    from generator.outreach.common import match
    from generator.outreach.coverage import covered_by

    if fmt not in ("csv", "eml"):
        raise SmrError(f"--format {fmt!r}: use csv or eml")
    if fmt == "csv" and delimiter is not None and delimiter not in (",", ";", "\t"):
        raise SmrError(f"--delimiter {delimiter!r}: use ',' or ';' (or a tab)")
    ctx, listing, matches = match(root, release)
    delimiter = delimiter or default_delimiter(ctx.newsroom)
    opted_out = sum(1 for b in listing.bloggers if b.opt_out)
    candidates = len(listing.bloggers) - opted_out
    wrote = covered_by(ctx, [m.blogger for m in matches], now)
    fresh = [m for m, covered in zip(matches, wrote) if not covered]   # never pitch what they covered
    chosen = fresh[:top] if top else fresh
    records = recipients(ctx, chosen, now)
    left_out = {"opted out": opted_out, "invalid or duplicate rows (see smr outreach check)": listing.skipped,
                ALREADY_COVERED: len(matches) - len(fresh),
                "without a match": candidates - len(matches),
                f"below the top {top}": len(fresh) - len(chosen)}
    default = ctx.root / "outreach" / "exports" / (ctx.item.slug + (".csv" if fmt == "csv" else ""))
    path = Path(output or default).resolve()
    _refuse_public(ctx.root, path)
    written = len(records)
    if fmt == "csv":
        write_csv(records, path, delimiter)
    else:
        paths, skipped = write_eml(records, path, _sender(ctx.newsroom), now)
        written = len(paths)
        left_out[UNWRITABLE] = skipped
    preview = ctx.item.embargoed(now) and pitch_link(ctx, ctx.item, now)
    return ExportReport(path, written, left_out, preview or None)


def _sender(newsroom) -> tuple[str, str]:
    o = newsroom.outreach
    if o.from_email:
        sender = (o.from_name or newsroom.organization.name, o.from_email)
    else:
        contact = next((c for c in newsroom.contacts if c.email), None)
        if contact is None:
            raise SmrError("no sender for the drafts: set outreach.from_email in newsroom.yaml",
                           file="newsroom.yaml", field="outreach.from_email")
        sender = (o.from_name or contact.name, contact.email)
    try:
        mail_address(sender[1])
    except ValueError as exc:
        raise SmrError(f"the drafts' sender {sender[1]!r}: {exc}; set outreach.from_email in newsroom.yaml",
                       file="newsroom.yaml", field="outreach.from_email") from None
    return sender


def _private_folder(folder: Path) -> None:
    """Create the export folder with a .gitignore, so personal data is not committed by accident."""
    if not folder.is_dir():
        folder.mkdir(parents=True)
        (folder / ".gitignore").write_text("# mail merge exports hold personal data\n*\n", "utf-8")


def _refuse_public(root: Path, path: Path) -> None:
    """Never write personal data where a build or upload would pick it up: the newsroom's
    published folders (`_site/` even before a first build), smr's cache (publish and
    previews build their sites there), and any folder that holds a site smr built, wherever
    a build's -o put it (every build writes its marker file at the site's root)."""
    from generator.files import CACHE_DIR
    from generator.output.swap import SITE_MARKER

    shown = display_path(path, root)
    private = "write the mail merge somewhere private (default: outreach/exports/)"
    for public in ("_site", "releases", "assets"):
        if path.is_relative_to((root / public).resolve()):
            raise SmrError(f"--output {shown}: inside {public}/, which is published, and the list of e-mail "
                           f"addresses would be published with it; {private}")
    if path.is_relative_to((root / CACHE_DIR).resolve()):
        raise SmrError(f"--output {shown}: inside {CACHE_DIR}/, where smr builds the sites it publishes, and "
                       f"the list of e-mail addresses could be published with them; {private}")
    for folder in (path, *path.parents):
        if (folder / SITE_MARKER).is_file():
            raise SmrError(f"--output {shown}: inside {display_path(folder, root)}, a site smr built (it holds "
                           f"{SITE_MARKER}), and the list of e-mail addresses would be published with it; {private}")
