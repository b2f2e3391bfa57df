"""The private lists of people in CSV (bloggers.csv, subscribers.csv): the header checked,
each row validated with its model, in the words of one rule for both."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from generator.errors import Problem, SmrError


@dataclass
class ListRows:
    """The valid rows of a list, each as (first line, last line, the model's value), and what
    was wrong with the others (each such row is skipped, and counted)."""

    rows: list[tuple[int, int, object]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: int = 0
    delimiter: str = ","


def sniff_delimiter(header_line: str) -> str:
    """Dutch Excel saves CSV with ';'; a header tells which one the file uses."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def read_rows(text: str, shown: str, model, columns: tuple, required: tuple) -> ListRows:
    """Every row of `text` (the file `shown`) validated as `model`; one e-mail address once
    (compared without case). A header smr cannot use is an SmrError; a bad row, a problem."""
    from generator.newsroom.loader import Document
    from generator.newsroom.model import validate
    from generator.text import did_you_mean

    result = ListRows(delimiter=sniff_delimiter(text.split("\n", 1)[0]))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=result.delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise SmrError("the file is empty; the first line must be the header", file=shown, line=1) from None
    except csv.Error as exc:
        raise SmrError(f"invalid CSV: {exc}", file=shown, line=1) from None
    for name in required:
        if name not in header:
            raise SmrError(f"the header has no {name!r} column; the columns are {', '.join(columns)}",
                           file=shown, line=1, field=name)
    for position, name in enumerate(header):
        if name not in columns:
            close = did_you_mean(name, columns)
            hint = f" (did you mean {close!r}?)" if close else f"; known columns: {', '.join(columns)}"
            result.problems.append(Problem(shown, 1, name or f"column {position + 1}",
                                           "unknown column, its values are ignored" + hint))
        elif header.index(name) != position:
            raise SmrError(f"column {name!r} appears twice in the header", file=shown, line=1, field=name)
    seen: dict[str, int] = {}
    line = reader.line_num
    while True:
        start = line + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            result.problems.append(Problem(shown, start, "", f"invalid CSV: {exc}; the rows after it are not read"))
            break
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            result.problems.append(Problem(shown, start, "", f"{len(values)} values but the header has "
                                           f"{len(header)} columns; this row is skipped"))
            result.skipped += 1
            continue
        data = {k: v.strip() for k, v in zip(header, values) if k in columns and v.strip()}
        value, problems = validate(model, Document(data=data, file=shown, lines={(): start}), {})
        if problems:
            result.problems.extend(Problem(p.file, p.line, p.field, p.message + "; this row is skipped")
                                   for p in problems)
            result.skipped += 1
            continue
        key = value.email.casefold()
        if key in seen:
            result.problems.append(Problem(shown, start, "email", f"duplicate of line {seen[key]} (e-mail "
                                           "addresses are compared without case); this row is skipped"))
            result.skipped += 1
            continue
        seen[key] = start
        result.rows.append((start, line, value))
    return result
