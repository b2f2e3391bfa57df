"""YAML files to plain data, remembering the line of every node.

Safe by construction: only the standard scalar, list and mapping tags are accepted,
duplicate keys are errors, and alias expansion is bounded so that a "billion laughs"
file fails fast instead of eating memory. Nesting is bounded before the file is composed
(libyaml's composer recurses in C: 100 000 nested brackets crash the process), an alias
inside the list or mapping it names is an error, and so is a file over MAX_FILE_BYTES.
The C parser is used when PyYAML has it; line numbers come from the composed node tree
either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.errors import SmrError

try:  # the C composer is several times faster and gives the same nodes and marks
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

from generator.newsroom.limits import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES  # noqa: F401 (MAX_NODES: said here before)

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map",
}

_TAG_WORDS = {
    "tag:yaml.org,2002:timestamp": "date", "tag:yaml.org,2002:int": "whole number",
    "tag:yaml.org,2002:float": "number", "tag:yaml.org,2002:bool": "true or false",
    "tag:yaml.org,2002:seq": "list", "tag:yaml.org,2002:map": "mapping",
}


@dataclass
class Document:
    """A parsed YAML file: its data and the 1-based line of every location in it."""

    data: Any
    lines: dict[tuple, int] = field(default_factory=dict)
    file: str = ""

    def line_of(self, loc: tuple) -> int:
        """Line of `loc`, or of its nearest ancestor that exists in the file."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)


def read_text(path: Path, shown: str) -> str:
    """Read a file as UTF-8, naming the line of the first byte that is not; a file over
    MAX_FILE_BYTES is refused before it is read."""
    import os
    import stat

    from generator.newsroom.paths import os_error_words
    from generator.text import human_bytes

    try:   # opened without waiting (a named pipe would block), read only if a regular file
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise SmrError(os_error_words(exc, Path(shown).name), file=shown) from None
    with open(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise SmrError("is not a regular file (a folder, a named pipe or a device); replace it with "
                           "the file itself", file=shown)
        try:
            raw = f.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise SmrError(os_error_words(exc, Path(shown).name), file=shown) from None
    if len(raw) > MAX_FILE_BYTES:
        raise SmrError(f"the file is larger than {human_bytes(MAX_FILE_BYTES)}; smr reads text files "
                       "up to that size: is this the right file?", file=shown)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SmrError(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
                       file=shown, line=line) from None


def load_yaml(path: Path, shown: str, *, expect: type = dict, allow_empty: bool = False) -> Document:
    """Parse one YAML file into a `Document`, or raise `SmrError` naming file and line."""
    text = read_text(path, shown)
    return parse_yaml(text, shown, expect=expect, allow_empty=allow_empty)


def parse_yaml(text: str, shown: str, *, expect: type = dict, allow_empty: bool = False) -> Document:
    loader = _Loader(text)
    try:
        _check_depth(text, shown)
        node = loader.get_single_node()
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow in a file
        at = exc.position if isinstance(exc.position, int) else 0
        line, column = text[:at].count("\n") + 1, at - text.rfind("\n", 0, at)
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise SmrError(f"contains an invisible control character (U+{ord(char):04X}) at column "
                       f"{column}; delete it", file=shown, line=line) from None
    except yaml.MarkedYAMLError as exc:
        try:
            line, field, problem = _explain(exc, text)
        except Exception:  # noqa: BLE001 - the words are a courtesy: never a crash instead of the error
            line, field, problem = _unexplained(exc, text)
        raise SmrError(f"invalid YAML: {problem}", file=shown, line=line, field=field) from None
    except yaml.YAMLError as exc:   # no mark: PyYAML says nothing of where
        raise SmrError(f"invalid YAML: {_in_smr_words(str(exc))}", file=shown, line=1) from None
    finally:
        loader.dispose()
    doc = Document(data=None, file=shown)
    if node is None:
        if allow_empty:
            doc.data = expect()
            return doc
        raise SmrError("the file is empty", file=shown, line=1)
    builder = _Builder(shown, doc.lines, text)
    doc.data = builder.build(node, ())
    if not isinstance(doc.data, expect):
        want = "a mapping of fields (key: value)" if expect is dict else "a list"
        raise SmrError(f"expected {want} at the top level, found {_kind(doc.data)}",
                       file=shown, line=node.start_mark.line + 1)
    return doc


# What a line starts with that can open a level: indentation, "- " and "? " markers.
_LEADING = re.compile(r"^[ \t?-]*", re.MULTILINE)


def _may_nest_too_deep(text: str) -> bool:
    """A cheap upper bound on the nesting: a block level needs a column more at the start of
    its line than its parent, and a flow level a bracket. When even this bound is within
    MAX_DEPTH (any real press item), the events need not be read a second time."""
    lead = max(map(len, _LEADING.findall(text)), default=0)
    return lead + text.count("[") + text.count("{") + 1 > MAX_DEPTH


def _check_depth(text: str, shown: str) -> None:
    """Refuse lists and mappings nested deeper than MAX_DEPTH, reading the parser's events
    (libyaml keeps its own stack; composing the nodes would recurse once per level).

    smr's limit and words come first whatever the PyYAML version: a libyaml that stops deep
    documents itself (PyYAML 6.0.4's does at 1000 open brackets, with its own words, before
    it gives a single event) is read again by PyYAML's pure-Python reader, which has no limit
    of its own and gives its events as it reads, so MAX_DEPTH is met first."""
    if not _may_nest_too_deep(text):
        return
    try:
        _count_depth(text, shown, _Loader)
    except yaml.YAMLError:
        if _Loader is yaml.SafeLoader:
            raise
        try:
            _count_depth(text, shown, yaml.SafeLoader)
        except yaml.YAMLError:
            pass   # a real syntax error: the first reader's is the one to explain
        raise


def _count_depth(text: str, shown: str, reader: type) -> None:
    depth = 0
    loader = reader(text)
    try:
        while (event := loader.get_event()) is not None:
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise SmrError(f"lists and mappings are nested more than {MAX_DEPTH} deep; "
                                   "a press item needs a few levels", file=shown,
                                   line=event.start_mark.line + 1)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    finally:
        loader.dispose()


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text"}.get(type(value), type(value).__name__)


class _Builder:
    """Turns composed nodes into dicts, lists and scalars, counting every value built."""

    def __init__(self, shown: str, lines: dict, text: str = ""):
        self.shown = shown
        self.text = text
        self.lines = lines
        self.count = 0
        self.open: set[int] = set()   # the lists and mappings being built, outermost first
        self.constructor = yaml.SafeLoader("")  # for its scalar constructors only

    def build(self, node: yaml.Node, loc: tuple) -> Any:
        self.count += 1
        line = node.start_mark.line + 1
        if self.count > MAX_NODES:
            raise SmrError(f"too many values (over {MAX_NODES}); is this an alias bomb?",
                           file=self.shown, line=line)
        if len(loc) > MAX_DEPTH:   # aliases inside aliases nest deeper than the text shows
            raise SmrError(f"lists and mappings are nested more than {MAX_DEPTH} deep, aliases "
                           "expanded; write the values out", file=self.shown, line=line, field=_dotted(loc))
        self.lines.setdefault(loc, line)
        if node.tag not in _STANDARD_TAGS and node.tag.startswith("!") and isinstance(node, yaml.ScalarNode):
            key = f"{loc[-1]}: " if loc and isinstance(loc[-1], str) else "- "
            raise SmrError(f"a value cannot start with '!' (YAML reads {node.tag} as a type): put the text in "
                           f"straight double quotes: {key}{_quoted(f'{node.tag} {node.value}'.strip())}",
                           file=self.shown, line=line, field=_dotted(loc))
        if node.tag not in _STANDARD_TAGS:
            raise SmrError(f"YAML tag {node.tag!r} is not allowed; write plain values",
                           file=self.shown, line=line, field=_dotted(loc))
        if isinstance(node, yaml.CollectionNode):
            if id(node) in self.open:
                raise SmrError("an alias (*name) stands inside the list or mapping it names, which "
                               "would never end; write the values out", file=self.shown, line=line,
                               field=_dotted(loc))
            self.open.add(id(node))
            try:
                if isinstance(node, yaml.MappingNode):
                    return self._mapping(node, loc)
                return [self._item(item, loc + (i,)) for i, item in enumerate(node.value)]
            finally:
                self.open.discard(id(node))
        if node.tag == _STR:   # most values: the constructor would return the text as it is
            return node.value
        what = _TAG_WORDS.get(node.tag, "value")
        try:
            value = self.constructor.construct_object(node, deep=True)
            if isinstance(value, int) and not isinstance(value, bool):
                str(value)   # a number too long to be shown as text again (a hex one can be)
            return value
        except (ValueError, OverflowError):
            raise SmrError(f"not a valid {what}: {_value_words(node.tag, node.value)}", file=self.shown,
                           line=line, field=_dotted(loc)) from None
        except (LookupError, AttributeError, TypeError, yaml.YAMLError):
            # e.g. `!!timestamp nope`: PyYAML's constructors assume the text already matched
            shown = node.value if len(node.value) <= 40 else node.value[:40] + "..."
            raise SmrError(f"not a valid {what}: {shown!r}", file=self.shown, line=line,
                           field=_dotted(loc)) from None

    def _item(self, node: yaml.Node, loc: tuple) -> Any:
        """A list item; `- #webcare` is an empty item followed by a comment, never what was meant."""
        if node.tag == _NULL and node.value == "":
            rest = _line(self.text, node.start_mark.line)[node.start_mark.column:].lstrip()
            if rest.startswith("#"):
                word = rest[1:].split(" #")[0].strip() or "..."
                raise SmrError(f"a '#' at the start of a list item makes the rest of the line a comment, so "
                               f"the item is empty: leave out the # (- {word.lstrip('#')}) or put the text in "
                               f"straight double quotes (- \"#{word}\")", file=self.shown,
                               line=node.start_mark.line + 1, field=_dotted(loc))
        return self.build(node, loc)

    def _mapping(self, node: yaml.MappingNode, loc: tuple) -> dict:
        result: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise SmrError("merge keys ('<<') are not supported; write the fields out",
                               file=self.shown, line=key_node.start_mark.line + 1, field=_dotted(loc))
            if not isinstance(key_node, yaml.ScalarNode):
                raise SmrError("a key must be plain text", file=self.shown,
                               line=key_node.start_mark.line + 1, field=_dotted(loc))
            key = str(key_node.value)
            key_line = key_node.start_mark.line + 1
            if key in result:
                raise SmrError(f"duplicate key {key!r} (first on line {self.lines[loc + (key,)]}); "
                               "keep one of the two",
                               file=self.shown, line=key_line, field=_dotted(loc + (key,)))
            self.lines[loc + (key,)] = key_line
            result[key] = self.build(value_node, loc + (key,))
        return result


_TIMESTAMP = re.compile(r"\s*(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
                        r"(?:(?:[Tt]|[ \t]+)(?P<hour>\d{1,2}):(?P<minute>\d{2}):(?P<second>\d{2})(?:\.\d*)?"
                        r"(?:[ \t]*(?P<zone>Z|[-+](?P<zh>\d{1,2})(?::?(?P<zm>\d{2}))?))?)?\s*$")
_DATE_FORM = "write it as 2026-11-24 or 2026-11-24T09:00:00+01:00"


def _value_words(tag: str, text: str) -> str:
    """Why a scalar could not be read as its type, in smr's words (never the library's)."""
    import calendar
    import sys

    shown = text if len(text) <= 40 else text[:40] + "..."
    if tag == "tag:yaml.org,2002:int":
        digits = sum(c.isalnum() for c in text)
        limit = sys.get_int_max_str_digits() or 4300
        return (f"a number of {digits:,} digits, more than smr reads (at most {limit:,}); if it is meant as "
                "text, put it in straight double quotes")
    if tag != "tag:yaml.org,2002:timestamp":
        return repr(shown)
    found = _TIMESTAMP.match(text)
    if found is None:
        return f"{shown!r}; {_DATE_FORM}"
    year, month, day = int(found["year"]), int(found["month"]), int(found["day"])
    if not 1 <= month <= 12:
        return f"{shown!r} has no month {month} (months run from 1 to 12); {_DATE_FORM}"
    if not 1 <= year or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return (f"{shown!r}: {calendar.month_name[month]} {year} has no day {day}; {_DATE_FORM}")
    if found["hour"] is not None and (int(found["hour"]) > 23 or int(found["minute"]) > 59
                                      or int(found["second"]) > 59):
        return f"{shown!r}: there is no such time of day (hours run to 23, minutes and seconds to 59)"
    if found["zh"] is not None and (int(found["zh"]) > 23 or int(found["zm"] or 0) > 59):
        return (f"{shown!r}: the time zone offset {found['zone']} does not exist; offsets run from -23:59 to "
                "+23:59, e.g. +01:00 for Amsterdam in winter")
    return f"{shown!r}; {_DATE_FORM}"


def _dotted(loc: tuple) -> str:
    """("images", 0, "alt") -> "images[0].alt", the way users read a location."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


dotted = _dotted


# ---------------------------------------------------------------- syntax errors in words

_KEY_LINE = re.compile(r"^(?P<indent>[ ]*)(?P<dash>(?:-[ ]+)*)(?P<key>[^\s#:'\"\[\]{},&*!|>%@`-][^:#]*?|\"[^\"]*\"|'[^']*'):"
                       r"(?P<space>[ ]+|$)(?P<value>.*)$")
_QUOTE_FIX = "put the text in straight double quotes"
_NAME = re.compile(r"[A-Za-z_][\w-]*")   # what a field name looks like (text has spaces)


def _line(text: str, index: int) -> str:
    """Line `index` (0-based) of `text`, '' past the end."""
    lines = text.splitlines()
    return lines[index] if 0 <= index < len(lines) else ""


def _quoted(value: str) -> str:
    """`value` as a double-quoted YAML string, the way a person would fix the line."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _parent(field: str) -> str:
    """`facts[1]` → `facts`: a misplaced list item's number is only a guess."""
    return re.sub(r"\[\d+\]$", "", field)


def _field_at(text: str, index: int) -> str:
    """The dotted field that line `index` belongs to (`quotes[1].text`), from indentation alone:
    enough to say where a line that YAML could not read sits."""
    lines = text.splitlines()
    if not 0 <= index < len(lines):
        return ""

    def parts(raw: str):
        found = _KEY_LINE.match(raw)
        indent = len(raw) - len(raw.lstrip(" "))
        column = indent + len(found["dash"]) if found else len(raw) - len(raw.lstrip(" -"))
        return found, indent, column

    found, indent, column = parts(lines[index])
    path: list = [found["key"].strip("'\"")] if found else []
    item_at, items, target = None, 0, column
    if lines[index].lstrip().startswith("-"):   # a list item itself: find its number
        item_at, items, target = indent, 1, indent
    for raw in reversed(lines[:index]):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        found, indent, column = parts(raw)
        is_item = raw.lstrip().startswith("-")
        if item_at is not None and is_item and indent == item_at:
            items += 1
        elif is_item and indent < target <= column:   # the `- ` opening the item that holds the line
            item_at, items, target = indent, 1, indent
        elif found and column < target:
            if item_at is not None:
                path.insert(0, items - 1)
                item_at = None
            path.insert(0, found["key"].strip("'\""))
            target = column
            if column == 0:
                break
    return _dotted(tuple(path))


def _explain(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, str, str]:
    """(line, field, words) for a YAML syntax error: what is wrong as a person would say it, with the
    fix. Works from PyYAML's and libyaml's messages (they word them differently) and the line itself."""
    mark = exc.problem_mark or exc.context_mark
    index = mark.line if mark else 0
    column = mark.column if mark else 0
    problem = exc.problem or ""
    context = exc.context or ""
    raw = _line(text, index)
    before = _line(text, index - 1)
    field = _field_at(text, index)
    found = _KEY_LINE.match(raw)
    char = raw[column] if column < len(raw) else ""

    def say(words: str, line: int = index + 1, where: str = field) -> tuple[int, str, str]:
        return line, where, words

    if "\t" in raw[: len(raw) - len(raw.lstrip())] or char == "\t":
        return say("a tab character; indent with spaces, not tabs")
    if "mapping values are not allowed" in problem:
        if found and found["dash"] and not _NAME.fullmatch(found["key"]):   # `- Let op: open: dag`
            item = raw.lstrip(" ")[len(found["dash"]):].strip()
            return say(f"a colon inside a list item: {_QUOTE_FIX}: - {_quoted(item)}",
                       where=field[: -len(found["key"]) - 1] if field.endswith(found["key"]) else field)
        if found and column > found.end("space") and found["key"] and found["space"]:
            key, value = found["key"], found["value"].strip()
            return say(f"a colon inside a value: {_QUOTE_FIX}: {key}: {_quoted(value)}")
        previous = _KEY_LINE.match(before)
        glued = re.match(r"^\s*(-\s+)?([\w-]+):(\S.*)$", before)
        if glued and not previous:
            return say(f"a field needs a space after its colon: {glued[2]}: {glued[3]}", index, glued[2])
        if found and previous and previous["value"].strip() and len(found["indent"]) > len(previous["indent"]):
            return say(f"this line is indented further than '{previous['key']}:' above it, which already has a "
                       f"value: start '{found['key']}:' in the same column as '{previous['key']}:'; or, if the "
                       f"line continues the text above, {_QUOTE_FIX} on one line")
        return say(f"a colon followed by a space inside a value: {_QUOTE_FIX}")
    if "another document" in problem or "<document start>" in problem:   # a second --- or text after ...
        return say("a line with --- or ... ends the press item here, and more follows: a file holds one "
                   "press item; delete that line")
    if "node content" in problem and char and char in "]}":
        return say(f"a value cannot start with {char}: {_QUOTE_FIX}")
    if "cannot start any token" in problem:
        if char in "@`%":
            value = found["value"].strip() if found else raw.strip()
            fix = f"{found['key']}: {_quoted(value)}" if found else _quoted(value)
            return say(f"a value cannot start with {char}: {_QUOTE_FIX}: {fix}")
        return say(f"a value cannot start with {char!r}: {_QUOTE_FIX}")
    if "alias" in problem or "alias" in context or "anchor" in context:   # *text* or &text
        value = found["value"].strip() if found else raw.strip().lstrip("- ")
        fix = f"{found['key']}: {_quoted(value)}" if found else f"- {_quoted(value)}"
        return say(f"a value cannot start with {value[:1] or '*'}: {_QUOTE_FIX}: {fix}")
    if "quoted scalar" in context and "end of stream" in problem:
        start = exc.context_mark.line if exc.context_mark else index
        quote = _line(text, start)[exc.context_mark.column] if exc.context_mark else '"'
        return say(f"the quote ({quote}) opened on this line is never closed: end the text with {quote}",
                   start + 1, _field_at(text, start))
    if "escape character" in problem:
        return say("a backslash (\\) inside double quotes must be written twice (\\\\), or put the text in "
                   "single quotes instead: 'C:\\map'")
    if "block scalar" in context:
        return say("after | or > the text starts on the next line, indented; or write it on this line in "
                   "straight double quotes")
    if "flow sequence" in context or "flow mapping" in context or "flow node" in context:
        opened = next((n for n in range(index, -1, -1) if re.search(r"[\[{]", _line(text, n))), index)
        if re.search(r"[\[,]\s*#", _line(text, opened)):
            return say("a '#' inside [ ] starts a comment: write hashtags without # ([webcare, klantenservice]) "
                       "or each in quotes ([\"#webcare\"])", opened + 1, _field_at(text, opened))
        closer = "]" if "sequence" in context or "[" in _line(text, opened) else "}"
        opened += 1
        return say(f"the {'[' if closer == ']' else '{'} opened on this line is never closed with "
                   f"{closer}, or an item in it has a colon or a comma: put such an item in straight double quotes",
                   opened, _field_at(text, opened - 1))
    if "expected key" in problem or "block end" in problem or "expected <" in problem:
        value = found["value"].strip() if found else ""
        if value[:1] in ("'", '"') and found:
            quote = value[0]
            if quote == "'":
                return say("text goes on after the closing quote ('): write an apostrophe inside single quotes "
                           f"twice (''), or put the text in straight double quotes: {found['key']}: "
                           f"{_quoted(value[1:-1] if value.endswith(quote) else value[1:])}")
            fixed = f"'{value}'" if "'" not in value else _quoted(value)
            return say("text goes on after the closing quote (\"): put the whole text in single quotes, "
                       f"or write each \" inside it as \\\": {found['key']}: "
                       + (f"'{value[1:-1]}'" if value.endswith(quote) and "'" not in value else fixed))
        if raw.lstrip().startswith("-"):
            return say(where=_parent(field), words="this list item is not lined up with the list it belongs to: start every '- ' of one "
                       "list in the same column, on the lines below its field (facts:, then   - one)")
        return say("this line's indentation does not fit the lines above it: fields at the same level start in "
                   "the same column, and a field's own fields are indented under it")
    return _unexplained(exc, text)


def _in_smr_words(library_words: str) -> str:
    """A YAML mistake smr has no words of its own for: a plain sentence first, the reader's
    own words after it for whoever knows YAML (a new PyYAML may word things differently)."""
    said = " ".join(library_words.split())
    return ("smr cannot read this line: check its indentation, its colons and its quotes, or put "
            "the text in straight double quotes" + (f" (the YAML reader says: {said})" if said else ""))


def _unexplained(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, str, str]:
    """(line, field, words) for a syntax error whose wording `_explain` does not know."""
    mark = exc.problem_mark or exc.context_mark
    index = mark.line if mark else 0
    try:
        field = _field_at(text, index)
    except Exception:  # noqa: BLE001 - as in parse_yaml: the field is a courtesy
        field = ""
    return index + 1, field, _in_smr_words(exc.problem or exc.context or "")
