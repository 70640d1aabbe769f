"""What became of every non-blank source line: the coverage report of a build."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from .errors import CoverageError
from .records import Page

COLUMNS = ("file", "line", "role", "letter", "note", "text")


def rows(pages: list[Page]) -> list[dict]:
    """One row per non-blank line: its role (heading, archive, body, footnote …) or "not understood"."""
    out = []
    for page in pages:
        spans = [(L.line, L.end_line) for L in page.letters]
        for n in page.nonblank:
            letter = next((a for a, b in spans if a <= n <= b), None)
            role = page.roles.get(n)
            note = page.unclear.get(n, "" if role else "no part of the parser claimed this line")
            out.append({
                "file": page.source, "line": n,
                "role": "not understood" if (n in page.unclear or role is None) else role,
                "letter": letter or "", "note": note, "text": page.lines[n - 1].strip()[:200],
            })
    return out


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
    bad = [r for r in rows(pages) if r["role"] == "not understood"]
    if bad:
        first = bad[0]
        raise CoverageError(f"{len(bad)} line(s) not understood, the first: {first['note']}", file=first["file"],
                            line=first["line"], hint="see --report FILE for every line, or build without --strict")
