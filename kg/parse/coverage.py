"""What became of every non-blank source line: the coverage report of a build."""
from __future__ import annotations

import csv
import json
from bisect import bisect_right
from pathlib import Path

from ..errors import CoverageError
from .records import Page

COLUMNS = ("file", "line", "role", "letter", "note", "text")
UNCLEAR = "not understood"


def rows(pages: list[Page]) -> list[dict]:
    """One row per non-blank line: its role (heading, archive, body, footnote …) or "not understood"."""
    out = []
    for page in pages:
        starts = [L.line for L in page.letters]  # letters follow one another down the page
        for n in page.nonblank:
            k = bisect_right(starts, n) - 1
            letter = starts[k] if k >= 0 and n <= page.letters[k].end_line else ""
            role, note = _status(page, n)
            out.append({"file": page.source, "line": n, "role": role, "letter": letter, "note": note,
                        "text": page.lines[n - 1].strip()[:200]})
    return out


def _status(page: Page, n: int) -> tuple[str, str]:
    """What line n of the page became, and why not where it was not understood."""
    role = page.roles.get(n)
    if n in page.unclear or role is None:
        return UNCLEAR, page.unclear.get(n, "no part of the parser claimed this line")
    return role, ""


def totals(pages: list[Page]) -> tuple[int, int]:
    """(lines accounted for, non-blank lines) over all pages."""
    done = total = 0
    for p in pages:
        d, t = p.coverage()
        done, total = done + d, total + t
    return done, total


def write_report(pages: list[Page], path: Path) -> Path:
    """CSV (or JSON for a .json name, TSV for .tsv) of what every non-blank line became."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = rows(pages)
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return path
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, COLUMNS, delimiter="\t" if path.suffix.lower() == ".tsv" else ",", lineterminator="\n")
        w.writeheader()
        w.writerows(data)
    return path


def require_full(pages: list[Page]) -> None:
    """For --strict: fail on the first line no part of the parser understood."""
    bad = [(page.source, n, note) for page in pages for n in page.nonblank
           for role, note in [_status(page, n)] if role == UNCLEAR]
    if bad:
        file, line, note = bad[0]
        raise CoverageError(f"{len(bad)} line(s) not understood, the first: {note}", file=file, line=line,
                            hint="see --report FILE for every line, or build without --strict")
