"""The README's quick start and CI stay in step, its query examples are what the commands print, and the command
reference docs/cli.md is the commands' help."""
from __future__ import annotations

import difflib
import importlib.util
import inspect
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli

from .conftest import ROOT, kg_command


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


# -- the README's answers are real output -----------------------------------------------------------------------

def readme_query_examples() -> list[tuple[str, list[str]]]:
    """Each `$ kg query …` command in the README's console blocks, with the lines it shows (trailing spaces off)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    examples = []
    for block in re.findall(r"```console\n(.*?)```", readme, re.S):
        command, shown = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command:
                    examples.append((command, shown))
                command, shown = line[2:], []
            else:
                shown.append(line.rstrip())
        if command:
            examples.append((command, shown))
    return [(c, s) for c, s in examples if c.startswith("kg query")]


def test_the_readme_shows_query_examples():
    assert len(readme_query_examples()) >= 7


@pytest.mark.parametrize("command, shown", readme_query_examples(), ids=lambda x: x if isinstance(x, str) else "")
def test_readme_query_example_is_what_the_command_prints(command, shown, seed_build, tmp_path):
    """Run as the README shows it, on the seed page's graph in build/, through bash and the tools it pipes to."""
    for tool in re.findall(r"\|\s*(\w+)", command):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    (tmp_path / "build").symlink_to(seed_build[1], target_is_directory=True)
    kg = kg_command()
    assert kg, "the kg console script is not installed"
    env = {**os.environ, "PATH": f"{Path(kg).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    r = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert [line.rstrip() for line in r.stdout.splitlines()] == shown, (
        f"the README shows other rows for `{command}`: rerun it and copy what it prints")


# -- the README and docs/ link to pages and headings that exist -------------------------------------------------

def anchors(page: Path) -> set[str]:
    """The anchors GitHub gives the page's headings: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in re.findall(r"(?m)^#+ (.*)$", text)}


@pytest.mark.parametrize("page", [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))], ids=lambda p: p.name)
def test_links_lead_somewhere(page):
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"\w+:", target):
            continue  # a web address
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        assert linked.exists(), f"{page.name} links to {target}, which does not exist"
        if anchor:
            assert anchor in anchors(linked), f"{page.name} links to {target}: {linked.name} has no such heading"
