"""The README's quick start and CI stay in step, and the command reference docs/cli.md is the commands' help."""
from __future__ import annotations

import difflib
import importlib.util
import inspect
import re

import pytest
from click.testing import CliRunner

from kg.cli import cli

from .conftest import ROOT


def quick_start() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [b.strip() for b in re.findall(r"```sh\n(.*?)```", section, re.S)]


def test_quick_start_has_two_commands():
    commands = quick_start()
    assert len(commands) == 2 and all("\n" not in c for c in commands), commands
    assert "kg build" in commands[0] and "pytest" in commands[1]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert quick_start()[1] in ci.splitlines()


# -- the command reference, docs/cli.md, is the help ------------------------------------------------------------

def cli_page_generator():
    """docs/make_cli.py, loaded as a module."""
    spec = importlib.util.spec_from_file_location("make_cli", ROOT / "docs" / "make_cli.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_what_the_help_says():
    gen = cli_page_generator()
    want = gen.render()
    have = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    diff = "\n".join(list(difflib.unified_diff(have.splitlines(), want.splitlines(), "docs/cli.md", "the help",
                                               lineterm=""))[:40])
    assert have == want, f"docs/cli.md is not what the help says; run `{gen.REGENERATE}` to rewrite it:\n{diff}"


def test_cli_reference_shows_every_command():
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"\n## kg {name}\n" in page and f"$ kg {name} --help\n" in page, name


@pytest.mark.parametrize("name", list(cli.commands))
def test_command_help_has_a_whole_summary_and_ends_with_an_example(name):
    help_text = inspect.cleandoc(cli.commands[name].help)
    summary, *rest = help_text.split("\n\n")
    # One sentence on one line, short enough that click never shortens it (its narrowest limit is 45 characters).
    assert "\n" not in summary and summary.endswith(".") and len(summary) <= 45, summary
    listing = CliRunner().invoke(cli, ["--help"], prog_name="kg", terminal_width=78).output
    assert re.search(rf"(?m)^  {name} +{re.escape(summary)}$", listing), f"kg --help does not show {summary!r} whole"
    # The last paragraph is a block click keeps as written (\b): "Example(s):" and commands.
    assert rest, f"kg {name} --help says no more than its summary"
    marker, heading, *examples = rest[-1].splitlines()
    assert marker == "\b" and heading in ("Example:", "Examples:"), rest[-1]
    assert examples and all(e.startswith("  kg ") for e in examples), examples
