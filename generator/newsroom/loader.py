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
    from generator.text import human_bytes

    with open(path, "rb") as f:
        raw = f.read(MAX_FILE_BYTES + 1)
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
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        problem = exc.problem or "invalid YAML"
        bad_line = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
        if "\t" in bad_line:
            problem = "tab character; indent with spaces, not tabs"
        raise SmrError(f"invalid YAML: {problem}", file=shown, line=line) from None
    except yaml.YAMLError as exc:
        raise SmrError(f"invalid YAML: {exc}", file=shown) from None
    finally:
        loader.dispose()
    doc = Document(data=None, file=shown)
    if node is None:
        if allow_empty:
            doc.data = expect()
            return doc
        raise SmrError("the file is empty", file=shown, line=1)
    builder = _Builder(shown, doc.lines)
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
    (libyaml keeps its own stack; composing the nodes would recurse once per level)."""
    if not _may_nest_too_deep(text):
        return
    depth = 0
    loader = _Loader(text)
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

    def __init__(self, shown: str, lines: dict):
        self.shown = shown
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
                return [self.build(item, loc + (i,)) for i, item in enumerate(node.value)]
            finally:
                self.open.discard(id(node))
        if node.tag == _STR:   # most values: the constructor would return the text as it is
            return node.value
        what = _TAG_WORDS.get(node.tag, "value")
        try:
            return self.constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError) as exc:
            raise SmrError(f"not a valid {what}: {exc}", file=self.shown, line=line,
                           field=_dotted(loc)) from None
        except (LookupError, AttributeError, TypeError, yaml.YAMLError):
            # e.g. `!!timestamp nope`: PyYAML's constructors assume the text already matched
            shown = node.value if len(node.value) <= 40 else node.value[:40] + "..."
            raise SmrError(f"not a valid {what}: {shown!r}", file=self.shown, line=line,
                           field=_dotted(loc)) from None

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
                raise SmrError(f"duplicate key {key!r} (first on line {self.lines[loc + (key,)]})",
                               file=self.shown, line=key_line, field=_dotted(loc + (key,)))
            self.lines[loc + (key,)] = key_line
            result[key] = self.build(value_node, loc + (key,))
        return result


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
