"""The command line as a contract: outputs, error messages and exit codes, help text and the README."""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli

from .conftest import ROOT, SEED

EXIT = {"usage": 2, "source": 3, "query": 4, "graph": 5, "invalid": 6}


@pytest.fixture()
def runner():
    return CliRunner()


def test_build_prints_summary_and_writes_every_format(runner, tmp_path):
    out = tmp_path / "out"
    r = runner.invoke(cli, ["build", str(SEED), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert re.search(r"Built .*graph\.ttl from 1 page: 21 letters, \d+ requests, \d+ responses, \d+ PB decisions, "
                     r"\d+ persons, \d+ triples", r.stdout)
    for ext in ("ttl", "nt", "trig", "nq", "jsonld"):
        assert (out / f"graph.{ext}").stat().st_size > 1000


def test_build_default_sources_are_seeds(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "b"
    r = runner.invoke(cli, ["build", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "21 letters" in r.stdout


def test_build_folder_of_pages(runner, tmp_path):
    r = runner.invoke(cli, ["build", str(SEED.parent), "--out", str(tmp_path / "o")])
    assert r.exit_code == 0 and "21 letters" in r.stdout


def test_query_by_name_csv(runner, seed_graph):
    r = runner.invoke(cli, ["query", "requests", "--graph", str(seed_graph), "--format", "csv"])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert {"source", "line", "outcome", "responseDate", "responseTime", "replyLine"} <= set(rows[0])
    by_line = {int(x["line"]): x for x in rows}
    assert by_line[316]["outcome"] == "abstained" and by_line[316]["responseTime"] == "21:55"
    assert by_line[193]["outcome"] == "rejected" and by_line[193]["replyLine"] == "210"
    assert by_line[418]["outcome"] == "none"


def test_query_table_and_json_and_file(runner, seed_graph):
    r = runner.invoke(cli, ["query", str(ROOT / "queries" / "letters.rq"), "--graph", str(seed_graph)])
    assert r.exit_code == 0 and "(21 rows; IRI columns letter in --format csv or json)" in r.stdout
    r = runner.invoke(cli, ["query", "letters", "--graph", str(seed_graph), "--format", "json"])
    data = json.loads(r.stdout)
    assert len(data) == 21 and data[0]["line"] == "12"
    r = runner.invoke(cli, ["query", "letters", "--graph", str(seed_graph), "--format", "tsv"])
    assert r.stdout.splitlines()[0].startswith("source\tline\tdate")


def test_adhoc_sparql(runner, seed_graph):
    q = "PREFIX pbo: <https://w3id.org/politburo-kg/ontology#> SELECT (COUNT(?l) AS ?n) WHERE { ?l a pbo:Letter }"
    r = runner.invoke(cli, ["query", "--sparql", q, "--graph", str(seed_graph), "--format", "csv"])
    assert r.exit_code == 0 and r.stdout.splitlines() == ["n", "21"]


def test_queries_lists_every_file(runner):
    r = runner.invoke(cli, ["queries"])
    assert r.exit_code == 0
    for f in (ROOT / "queries").glob("*.rq"):
        assert f.stem in r.stdout


def test_validate_conforms(runner, seed_graph):
    r = runner.invoke(cli, ["validate", "--graph", str(seed_graph)])
    assert r.exit_code == 0, r.output
    assert "Conforms" in r.stdout


# -- bad input: one line naming what and where, the documented exit code, never a traceback ---------------------

def _fails(r, code: int, *fragments: str):
    assert r.exit_code == code, r.output
    assert "Traceback" not in r.output
    err = r.stderr.strip().splitlines()
    assert err and err[-1].startswith("Error: ")
    for f in fragments:
        assert f in r.stderr, r.stderr


def test_missing_source(runner, tmp_path):
    _fails(runner.invoke(cli, ["build", str(tmp_path / "nope.txt"), "--out", str(tmp_path)]),
           EXIT["source"], "nope.txt", "no such file")


def test_empty_source(runner, tmp_path):
    p = tmp_path / "empty.txt"
    p.write_text("  \n\n")
    _fails(runner.invoke(cli, ["build", str(p), "--out", str(tmp_path / "o")]), EXIT["source"], "empty.txt", "empty")


def test_binary_source(runner, tmp_path):
    p = tmp_path / "scan.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    _fails(runner.invoke(cli, ["build", str(p), "--out", str(tmp_path / "o")]), EXIT["source"], "scan.txt", "binary")


def test_wrong_encoding_given(runner, tmp_path):
    first = next(k for k, t in enumerate(SEED.read_text(encoding="utf-8").split("\n"), 1) if not t.isascii())
    _fails(runner.invoke(cli, ["build", str(SEED), "--encoding", "ascii", "--out", str(tmp_path / "o")]),
           EXIT["source"], f"000_066ec2fc61583e2f.txt:{first}", "cannot be decoded as ascii")
    _fails(runner.invoke(cli, ["build", str(SEED), "--encoding", "no-such-codec", "--out", str(tmp_path / "o")]),
           EXIT["source"], "unknown encoding")


def test_undecodable_text(runner, tmp_path):
    p = tmp_path / "garbage.txt"
    p.write_bytes(b"Stalin to Kaganovich\n" + (bytes(range(1, 10)) + bytes(range(11, 32))) * 40 + b"\xff\xfe\xfd")
    _fails(runner.invoke(cli, ["build", str(p), "--out", str(tmp_path / "o")]), EXIT["source"],
           "garbage.txt:2", "not valid UTF-8", "--encoding")


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r"])
def test_legacy_cyrillic_encodings_are_detected(runner, tmp_path, encoding):
    text = SEED.read_text(encoding="utf-8").replace(
        "Stalin agreed (Ibid.).", "Stalin agreed (Ibid.). Резолюция Сталина: Согласен.")
    p = tmp_path / f"{encoding}.txt"
    p.write_bytes(text.encode(encoding, errors="replace"))
    out = tmp_path / "o"
    r = runner.invoke(cli, ["build", str(p), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "21 letters" in r.stdout
    assert f"read as {encoding}" in r.stderr
    assert "Резолюция Сталина: Согласен" in (out / "graph.nt").read_text(encoding="utf-8")


def test_bom_and_crlf_line_ends(runner, tmp_path):
    text = SEED.read_text(encoding="utf-8")
    for name, data in (("bom.txt", b"\xef\xbb\xbf" + text.encode()), ("crlf.txt", text.replace("\n", "\r\n").encode()),
                       ("cr.txt", text.replace("\n", "\r").encode()),
                       ("nbsp.txt", text.replace("Stalin to", "Stalin\u00a0to").encode())):
        p = tmp_path / name
        p.write_bytes(data)
        r = runner.invoke(cli, ["build", str(p), "--out", str(tmp_path / f"out-{name}"), "--strict"])
        assert r.exit_code == 0 and "21 letters" in r.stdout, (name, r.output)


def test_huge_page_refused_quickly(runner, tmp_path):
    p = tmp_path / "huge.txt"
    with p.open("wb") as f:
        f.truncate(100 * 1024 * 1024)
    _fails(runner.invoke(cli, ["build", str(p), "--out", str(tmp_path / "o")]), EXIT["source"], "huge.txt", "100 MB")


def test_report_and_strict(runner, tmp_path):
    report = tmp_path / "coverage.csv"
    r = runner.invoke(cli, ["build", str(SEED), "--out", str(tmp_path / "o"), "--report", str(report), "--strict"])
    assert r.exit_code == 0, r.output
    assert "100.0% of 239 source lines accounted for" in r.stdout
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    nonblank = [k for k, t in enumerate(SEED.read_text(encoding="utf-8").split("\n"), 1) if t.strip()]
    assert [int(x["line"]) for x in rows] == nonblank
    assert {x["role"] for x in rows} >= {"heading", "archive", "form", "transmission", "address", "body", "signature",
                                         "secretary", "footnote", "preamble"}
    broken = tmp_path / "broken.txt"
    broken.write_text(SEED.read_text(encoding="utf-8").replace("From Moscow 2/X - 34 at 3 o'clock. 30 minutes. In. No. 93.",
                                                              "From Moscow somewhere."), encoding="utf-8")
    r = runner.invoke(cli, ["build", str(broken), "--out", str(tmp_path / "b")])
    assert r.exit_code == 0 and "broken.txt:36: not understood" in r.stderr
    _fails(runner.invoke(cli, ["build", str(broken), "--out", str(tmp_path / "b"), "--strict"]), 7, "broken.txt:36")


def test_page_without_letters(runner, tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("Just a title\n\nSome words, no letters.\n")
    r = runner.invoke(cli, ["build", str(p), "--out", str(tmp_path / "o")])
    # A page with no complete letter is a finding, not a failure: an empty graph and a warning.
    assert r.exit_code == 0, r.output
    assert "0 letters" in r.stdout and "notes.txt:1: no letter in the edition's layout" in r.stderr


def test_folder_without_pages(runner, tmp_path):
    (tmp_path / "empty-dir").mkdir()
    _fails(runner.invoke(cli, ["build", str(tmp_path / "empty-dir"), "--out", str(tmp_path / "o")]), EXIT["source"],
           "empty-dir", "no pages")


def test_sparql_syntax_error(runner, seed_graph):
    _fails(runner.invoke(cli, ["query", "--sparql", "SELEC ?x WHERE {}", "--graph", str(seed_graph)]),
           EXIT["query"], "SPARQL syntax error")


def test_unknown_query_name(runner, seed_graph):
    _fails(runner.invoke(cli, ["query", "no-such-query", "--graph", str(seed_graph)]), EXIT["query"],
           "no-such-query", "named queries:")


def test_missing_graph(runner, tmp_path):
    _fails(runner.invoke(cli, ["query", "letters", "--graph", str(tmp_path / "g.ttl")]), EXIT["graph"],
           "g.ttl", "kg build")


def test_broken_graph(runner, tmp_path):
    g = tmp_path / "g.ttl"
    g.write_text("<a> <b> .\n")
    _fails(runner.invoke(cli, ["query", "letters", "--graph", str(g)]), EXIT["graph"], "g.ttl")
    _fails(runner.invoke(cli, ["validate", "--graph", str(g)]), EXIT["graph"], "g.ttl")


def test_invalid_graph_fails_validation(runner, seed_graph, tmp_path):
    text = seed_graph.read_text(encoding="utf-8")
    broken = tmp_path / "broken.ttl"
    broken.write_text(re.sub(r'pbo:dateEditorial (true|false)', 'pbo:dateEditorial "maybe"', text, count=1),
                      encoding="utf-8")
    _fails(runner.invoke(cli, ["validate", "--graph", str(broken)]), EXIT["invalid"], "violation")


def test_usage_error_exit_code(runner):
    r = runner.invoke(cli, ["query", "--format", "xml"])
    assert r.exit_code == EXIT["usage"]


# -- documentation cannot drift ---------------------------------------------------------------------------------

def test_every_command_has_help_and_is_in_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        assert command.help and command.help.strip(), f"kg {name} has no help text"
        assert f"kg {name}" in readme, f"README does not show `kg {name}`"


def test_readme_documents_exit_codes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    from kg import errors

    for cls in (errors.SourceError, errors.QueryError, errors.GraphError, errors.ValidationFailed):
        assert re.search(rf"\|\s*{cls.exit_code}\s*\|", readme), f"exit code {cls.exit_code} not in README"


def test_python_dash_m_and_fast_help():
    r = subprocess.run([sys.executable, "-m", "kg", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0 and "build" in r.stdout
    # --help must not import the heavy stack (rdflib, pyoxigraph, pyshacl).
    code = "import sys; from kg.cli import cli; print(sorted(m for m in ('rdflib','pyoxigraph','pyshacl') if m in sys.modules))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.stdout.strip() == "[]"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_bad_page_among_good_ones_fails_the_same_in_worker_processes(runner, tmp_path, jobs):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "000_good.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (pages / "001_scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (pages / "002_good.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "o"
    _fails(runner.invoke(cli, ["build", str(pages), "--jobs", jobs, "--out", str(out)]), EXIT["source"],
           "001_scan.txt", "binary")
    # No half-written graph and no leftover parts.
    assert not out.exists() or not any(out.iterdir())


def test_output_folder_that_cannot_be_written_is_an_error_not_a_traceback(runner, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    r = runner.invoke(cli, ["build", str(SEED), "--out", str(blocked / "out")])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "cannot write the graph" in r.stderr and "file" in r.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_temporary_folder_that_cannot_hold_the_parsed_pages_is_an_error_not_a_traceback(runner, tmp_path,
                                                                                       monkeypatch, jobs):
    import tempfile

    other = tmp_path / "001_other.txt"
    other.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    # Parsed pages wait in the temporary folder until their graph is written.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    r = runner.invoke(cli, ["build", str(SEED), str(other), "--jobs", jobs, "--out", str(tmp_path / "out")])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "cannot keep the parsed pages in the temporary folder" in r.stderr and "TMPDIR" in r.stderr
