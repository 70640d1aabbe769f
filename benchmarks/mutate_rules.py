#!/usr/bin/env python3
"""Mutation run over the parser's rules: delete each rule once, run the parse tests, count the rules none notices.

The rules: every entry of the English wordings (a pattern, an alternative of a table, a word of a list, a form),
every entry of the engine's dispatch tables (metadata lines, the end of a letter, request finders, the kinds of
statement a note makes: handler, dating, rank), and the guards (the weak-answer guard, an answer before its
letter, merging a decision named twice, the same decision stated again, a decision continued after a reference).
A pattern is deleted by making it match nothing; a table entry by leaving it out; a guard by never applying it.

Each mutant runs in a process of its own: first the wordings' examples (tests/parse), and only if they pass, the
other parse tests. A mutant that passes both survived: no test notices that rule.

    python benchmarks/mutate_rules.py              # every rule, two processes at a time
    python benchmarks/mutate_rules.py --list       # the rules only
    python benchmarks/mutate_rules.py --only answers.verbs --jobs 4
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ["tests/parse"]
PARSE_TESTS = ["tests/test_parse_units.py", "tests/test_variants.py", "tests/test_variant_pages.py",
               "tests/test_answer_key.py"]
TABLES = [("metadata", "METADATA_RULES"), ("tail", "TAIL_RULES"), ("replies", "REQUEST_FINDERS")]
GUARDS = [("statement_kinds", "weak_answer"), ("statement_kinds", "answer_before_letter"),
          ("statement_kinds", "decision_named_again"), ("statements", "decision_named_twice"),
          ("statements", "continued_decision")]


def _without(value: object, key: object) -> object:
    """The table, list or pattern with one entry deleted (key None: the whole pattern)."""
    from kg.parse.wordings.base import NEVER

    if key is None:
        return NEVER if isinstance(value, re.Pattern) else NEVER.pattern
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k != key}
    if isinstance(value, frozenset):
        return value - {key}
    assert isinstance(value, tuple)
    if isinstance(key, tuple):  # an alternative of one outcome's keywords
        i, j = key
        outcome, words = value[i]
        return (*value[:i], (outcome, words[:j] + words[j + 1:]), *value[i + 1:])
    return value[:key] + value[key + 1:]


def _entries(value: object) -> Iterator[tuple[object, str]]:
    """The deletable entries of one field of a wordings group, with how to name each."""
    if isinstance(value, (re.Pattern, str)):
        yield None, ""
    elif isinstance(value, dict):
        yield from ((k, repr(k)) for k in value)
    elif isinstance(value, frozenset):
        yield from ((k, repr(k)) for k in sorted(value))
    elif isinstance(value, tuple):
        for i, entry in enumerate(value):
            if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], tuple):
                yield from (((i, j), f"[{i}.{j}] {entry[0].value}:{w!r}") for j, w in enumerate(entry[1]))
            else:
                shown = entry[0] if isinstance(entry, tuple) else getattr(entry, "pattern", entry)
                yield i, f"[{i}] {str(shown)[:50]!r}"


def rules() -> dict[str, Callable[[], None]]:
    """Every rule, by name, with what deletes it."""
    return {**_wording_rules(), **_table_rules(), **_kind_rules(), **_guard_rules()}


def _wording_rules() -> dict[str, Callable[[], None]]:
    from kg.parse import wordings

    out: dict[str, Callable[[], None]] = {}
    en = wordings.get("en")
    for gf in dataclasses.fields(en):
        group = getattr(en, gf.name)
        if not dataclasses.is_dataclass(group):
            continue
        for f in (f for f in dataclasses.fields(group) if f.init):
            for key, shown in _entries(getattr(group, f.name)):
                def delete(g: str = gf.name, name: str = f.name, k: object = key) -> None:
                    grp = getattr(en, g)
                    wordings.register(dataclasses.replace(en, **{g: dataclasses.replace(
                        grp, **{name: _without(getattr(grp, name), k)})}))
                out[f"wordings {gf.name}.{f.name} {shown}".strip()] = delete
    return out


def _table_rules() -> dict[str, Callable[[], None]]:
    out: dict[str, Callable[[], None]] = {}
    for module, table in TABLES:
        mod = importlib.import_module(f"kg.parse.{module}")
        for i, entry in enumerate(getattr(mod, table)):
            def drop(m: object = mod, t: str = table, k: int = i) -> None:
                setattr(m, t, getattr(m, t)[:k] + getattr(m, t)[k + 1:])
            out[f"table {module}.{table} {getattr(entry, 'name', getattr(entry, '__name__', i))}"] = drop
    return out


def _kind_rules() -> dict[str, Callable[[], None]]:
    from kg.parse import statement_kinds

    out: dict[str, Callable[[], None]] = {}
    for kind, spec in statement_kinds.KINDS.items():
        changes = {"handle": lambda *a: None, "date": statement_kinds.date_nearest, "rank": 0}
        for part, value in changes.items():
            if part != "handle" and getattr(spec, part) in (value, 0):
                continue  # already the plain rule: nothing to delete

            def change(k: str = kind, p: str = part, v: object = value) -> None:
                statement_kinds.KINDS[k] = statement_kinds.KINDS[k]._replace(**{p: v})
            out[f"kind {kind}.{part}"] = change
    return out


def _guard_rules() -> dict[str, Callable[[], None]]:
    out: dict[str, Callable[[], None]] = {}
    for module, guard in GUARDS:
        def never(m: str = module, g: str = guard) -> None:
            setattr(importlib.import_module(f"kg.parse.{m}"), g, lambda *a, **k: False)
        out[f"guard {module}.{guard}"] = never
    return out


def _run(name: str, tests: list[str]) -> bool:
    """Whether the tests pass with the rule deleted (the mutant survives them)."""
    cmd = [sys.executable, __file__, "--apply", name, "--", "-q", "-x", "-p", "no:cacheprovider", *tests]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{name}: the tests could not run\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done.returncode == 0


def _verdict(name: str) -> tuple[str, str]:
    if not _run(name, EXAMPLES):
        return name, "examples"
    return name, "parse tests" if not _run(name, PARSE_TESTS) else "survived"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=2, help="mutants run at once (default 2)")
    ap.add_argument("--only", default="", help="the rules whose name holds this text")
    ap.add_argument("--list", action="store_true", help="list the rules and stop")
    ap.add_argument("--apply", help=argparse.SUPPRESS)
    ap.add_argument("pytest_args", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    table = rules()
    if args.apply:
        import pytest

        table[args.apply]()
        return pytest.main(args.pytest_args)
    names = [n for n in table if args.only in n]
    if args.list:
        print("\n".join(names))
        return 0
    start = time.monotonic()
    with ThreadPoolExecutor(args.jobs) as pool:
        verdicts = dict(pool.map(_verdict, names))
    survivors = [n for n, v in verdicts.items() if v == "survived"]
    by_examples = sum(1 for v in verdicts.values() if v == "examples")
    print(f"{len(names)} rules deleted one at a time in {time.monotonic() - start:.0f} s: {by_examples} noticed by the "
          f"wordings' examples, {len(names) - by_examples - len(survivors)} only by the other parse tests, "
          f"{len(survivors)} survived")
    for n in survivors:
        print("  survived:", n)
    for n, v in verdicts.items():
        if v == "parse tests":
            print("  noticed only by the other parse tests:", n)
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
