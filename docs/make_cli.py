"""Writes docs/cli.md, the command reference, from the help of `kg` and of each of its commands.

The help is rendered by click as a terminal 80 columns wide shows it, so the page reads as `kg --help` does.

    .venv/bin/python docs/make_cli.py           rewrite docs/cli.md
    .venv/bin/python docs/make_cli.py --check   exit 1 if docs/cli.md is not what the help says

tests/test_docs.py runs the check: change a command's help in kg/cli.py, then rewrite the page.
"""
from __future__ import annotations

import difflib
import sys
from pathlib import Path

from click.testing import CliRunner

from kg.cli import cli

PAGE = Path(__file__).resolve().with_name("cli.md")
# click wraps help at the terminal's width less 2 (at most 78): what a terminal 80 columns wide shows.
WIDTH = 78
REGENERATE = ".venv/bin/python docs/make_cli.py"

INTRO = f"""\
# Command reference

The help of `kg` and of each of its commands, as `kg --help` and `kg COMMAND --help` print it in a terminal
80 columns wide. This page is generated from that help by `{REGENERATE}`, and `tests/test_docs.py`
checks that it still is. The [README](../README.md) shows the commands at work; [commands.md](commands.md)
tells what each does in full.
"""


def help_of(*command: str) -> str:
    """What `kg [COMMAND] --help` prints."""
    r = CliRunner().invoke(cli, [*command, "--help"], prog_name="kg", terminal_width=WIDTH)
    if r.exit_code != 0:
        raise RuntimeError(f"kg {' '.join(command)} --help failed: {r.output}")
    return r.output


def render() -> str:
    """The page: `kg --help`, then each command's help in the order they are defined."""
    names = list(cli.commands)
    parts = [INTRO, "- [`kg`](#kg)\n" + "".join(f"- [`kg {n}`](#kg-{n})\n" for n in names)]
    for title, command in [("kg", ()), *((f"kg {n}", (n,)) for n in names)]:
        args = " ".join(["kg", *command, "--help"])
        parts.append(f"## {title}\n\n```text\n$ {args}\n{help_of(*command)}```\n")
    return "\n".join(parts)


def main(argv: list[str]) -> int:
    want = render()
    if argv == ["--check"]:
        have = PAGE.read_text(encoding="utf-8") if PAGE.exists() else ""
        if have == want:
            return 0
        diff = difflib.unified_diff(have.splitlines(), want.splitlines(), "docs/cli.md", "the help", lineterm="")
        print("\n".join(list(diff)[:60]), file=sys.stderr)
        print(f"docs/cli.md is not what the help says: run `{REGENERATE}`", file=sys.stderr)
        return 1
    if argv:
        print(__doc__, file=sys.stderr)
        return 2
    PAGE.write_text(want, encoding="utf-8")
    print(f"Wrote {PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
