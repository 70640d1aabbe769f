"""Remote stores for real: the endpoint client's ways of sending a query, its fallback from a direct to a form POST
and its errors; the queries' date and time arithmetic at month, year and century ends; and the routes into Oxigraph,
Apache Jena TDB2 and Virtuoso that docs/stores.md shows, run as written (read out of that page, on free ports, in a
temporary folder), answering every query in queries/ as `kg query` does."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import re
import shlex
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import QueryError, StoreError
from kg.store.base import Result
from kg.store.endpoint import ENDPOINT_METHODS, PROBE_TIMEOUT, EndpointStore, _parse_response
from kg.store.query import list_queries, open_store, resolve_query

from .conftest import ROOT, kg_command
from .rows import comparable, concat_columns
from .tools import free_port, require

QUERIES = list_queries()
# The page that shows the routes into the triple stores, and its section that holds them (up to its first "## ").
STORES = ROOT / "docs" / "stores.md"
SECTION = "# Loading the dump into a triple store"
JSON_RESULTS = "application/sparql-results+json"


# --------------------------------------------------------- the endpoint client's ways of sending a query

class Stub(ThreadingHTTPServer):
    """An endpoint that answers, refuses (415), leaves unanswered, answers slowly or finds invalid (400) a query
    sent each way, as told; it notes each query it gets. It answers as Virtuoso 7.2 does: booleans as 1 or 0,
    and with `ask_as_table` ASK as a one-column table."""

    daemon_threads = True

    def __init__(self, ask_as_table: bool = False, **ways: str):
        super().__init__(("127.0.0.1", 0), StubHandler)
        self.ways = {"direct": "answer", "form": "answer", "get": "answer", **ways}
        self.ask_as_table = ask_as_table
        self.seen: list[tuple[str, str, str]] = []
        self.release = threading.Event()
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/sparql"

    def queries(self) -> list[tuple[str, str]]:
        return [(way, q) for way, q, _ in self.seen]

    def close(self) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()


class StubHandler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        self.answer("get", urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("query", [""])[0])

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
        if self.headers.get("Content-Type", "").split(";")[0] == "application/sparql-query":
            self.answer("direct", body)
        else:
            self.answer("form", urllib.parse.parse_qs(body).get("query", [""])[0])

    def answer(self, way: str, query: str) -> None:
        stub: Stub = self.server
        stub.seen.append((way, query, self.path))
        how = stub.ways[way]
        if how == "hang":
            stub.release.wait(30)
            return
        if how in ("refuse", "bad"):
            self.reply(415 if how == "refuse" else 400, b"no", "text/plain")
            return
        if how == "slow" and query != "ASK {}":
            time.sleep(1.0)
        xsd = "http://www.w3.org/2001/XMLSchema#"
        if query.lstrip().upper().startswith("ASK"):
            true = "Letter" in query or query == "ASK {}"
            one = {"__ASK_RETVAL": {"type": "typed-literal", "datatype": xsd + "integer", "value": "1"}}
            answer = ({"head": {"vars": ["__ASK_RETVAL"]}, "results": {"bindings": [one] if true else []}}
                      if stub.ask_as_table else {"head": {}, "boolean": true})
        else:
            answer = {"head": {"vars": ["x", "b"]}, "results": {"bindings": [
                {"x": {"type": "literal", "value": "a"}, "b": {"type": "typed-literal", "datatype": xsd + "boolean",
                                                              "value": "1"}}]}}
        self.reply(200, json.dumps(answer).encode("utf-8"), JSON_RESULTS)

    def reply(self, code: int, body: bytes, ctype: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture()
def stub():
    """Stub endpoints made by the test, closed after it."""
    made: list[Stub] = []

    def make(**kw) -> Stub:
        made.append(Stub(**kw))
        return made[-1]

    yield make
    for s in made:
        s.close()


SELECT = "SELECT ?x ?b WHERE { ?x ?p ?b }"


def test_auto_sends_by_direct_post_what_the_endpoint_answers_so(stub):
    s = stub()
    store = EndpointStore(s.url)
    store.query(SELECT)
    store.query(SELECT)
    assert store.method == "direct"
    assert s.queries() == [("direct", "ASK {}"), ("direct", SELECT), ("direct", SELECT)]


def test_auto_falls_back_to_a_form_post_at_once_when_a_direct_one_is_refused(stub):
    s = stub(direct="refuse")
    started = time.monotonic()
    assert EndpointStore(s.url).query(SELECT).rows
    assert time.monotonic() - started < PROBE_TIMEOUT
    assert s.queries() == [("direct", "ASK {}"), ("form", SELECT)]


def test_auto_falls_back_to_a_form_post_when_a_direct_one_is_not_answered(stub):
    s = stub(direct="hang")
    store = EndpointStore(s.url, probe_timeout=0.5)
    started = time.monotonic()
    assert store.query(SELECT).rows and store.method == "form"
    assert 0.5 <= time.monotonic() - started < 5
    assert s.queries() == [("direct", "ASK {}"), ("form", SELECT)]


def test_a_slow_query_is_sent_once(stub):
    s = stub(direct="slow")
    started = time.monotonic()
    assert EndpointStore(s.url, probe_timeout=0.3).query(SELECT).rows
    assert time.monotonic() - started >= 1.0
    assert s.queries() == [("direct", "ASK {}"), ("direct", SELECT)]


@pytest.mark.parametrize("method", ["direct", "form", "get"])
def test_each_method_sends_the_query_its_way_and_keeps_the_url_parameters(stub, method):
    s = stub()
    EndpointStore(s.url + "?default-graph-uri=urn%3Ag", method=method).query(SELECT)
    ((way, query, path),) = s.seen
    assert (way, query) == (method, SELECT)
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)["default-graph-uri"] == ["urn:g"]


def test_a_method_the_endpoint_refuses_is_a_store_error_naming_the_other(stub):
    with pytest.raises(StoreError, match="HTTP 415") as e:
        EndpointStore(stub(direct="refuse").url, method="direct").query(SELECT)
    assert "--endpoint-method form" in str(e.value)


def test_no_answer_in_time_is_a_store_error_naming_the_other_method(stub):
    with pytest.raises(StoreError, match=r"did not answer within 0\.5 s \(query sent by direct POST\)") as e:
        EndpointStore(stub(direct="hang").url, method="direct", timeout=0.5).query(SELECT)
    assert "--endpoint-method form" in str(e.value)


def test_an_invalid_query_is_a_query_error(stub):
    with pytest.raises(QueryError, match="SPARQL syntax error") as e:
        EndpointStore(stub(form="bad").url, method="form").query(SELECT)
    assert "--endpoint-method" not in str(e.value)
    with pytest.raises(QueryError, match="try --endpoint-method form"):
        EndpointStore(stub(direct="bad").url, method="direct").query(SELECT)


def test_an_unreachable_endpoint_fails_at_once_even_in_auto():
    started = time.monotonic()
    with pytest.raises(StoreError, match="cannot be reached"):
        EndpointStore(f"http://127.0.0.1:{free_port()}/sparql").query(SELECT)
    assert time.monotonic() - started < PROBE_TIMEOUT


def test_an_unknown_method_is_a_store_error():
    with pytest.raises(StoreError, match="unknown endpoint method"):
        EndpointStore("http://127.0.0.1:1/sparql", method="put")


def test_booleans_and_ask_read_back_from_an_endpoint_that_writes_them_as_numbers(stub):
    store = EndpointStore(stub(ask_as_table=True).url, method="form")
    (row,) = store.query(SELECT).rows
    assert row[1] == ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
    assert store.query("ASK { ?l a <urn:Letter> }").boolean is True
    assert store.query("ASK { ?l a <urn:Nothing> }").boolean is False


def test_the_command_offers_the_client_methods_and_says_how_long_auto_waits():
    params = {p.name: p for p in next(c for n, c in cli.commands.items() if n == "query").params}
    assert tuple(params["endpoint_method"].type.choices) == ENDPOINT_METHODS
    assert f"for {PROBE_TIMEOUT:g} s" in params["endpoint_method"].help
    assert f"unanswered for {PROBE_TIMEOUT:g} s" in (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("method", ENDPOINT_METHODS)
def test_the_command_queries_by_each_method(stub, method):
    s = stub(direct="refuse")
    r = CliRunner().invoke(cli, ["query", "--sparql", SELECT, "--endpoint", s.url, "--endpoint-method", method,
                                 "--format", "csv"])
    if method == "direct":
        assert r.exit_code == 8 and "HTTP 415" in r.output and "Traceback" not in r.output
    else:
        assert r.exit_code == 0 and r.output == "x,b\na,true\n"
        assert s.queries()[-1] == ("form" if method == "auto" else method, SELECT)


def test_the_command_fails_on_an_invalid_query_with_code_4(stub):
    r = CliRunner().invoke(cli, ["query", "--sparql", SELECT, "--endpoint", stub(form="bad").url,
                                 "--endpoint-method", "form"])
    assert r.exit_code == 4 and r.output.startswith("Error: --sparql: SPARQL syntax error")


# ------------------------------------------------ date and time arithmetic at month, year and century ends

def week_graph(path: Path) -> tuple[Path, dict[tuple[str, str], int]]:
    """Decisions on every day around year ends, leap days and two century ends, and their ISO weeks."""
    spans = [(dt.date(1899, 12, 20), dt.date(1900, 3, 10)), (dt.date(1930, 12, 1), dt.date(1937, 1, 31)),
             (dt.date(1999, 12, 20), dt.date(2000, 3, 10))]
    lines = ["@prefix pbo: <https://w3id.org/politburo-kg/ontology#> .",
             "@prefix dcterms: <http://purl.org/dc/terms/> .", "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> ."]
    weeks: dict[tuple[str, str], int] = {}
    n = 0
    for first, last in spans:
        day = first
        while day <= last:
            lines.append(f'<urn:kg-test:d{n}> a pbo:PolitburoDecision ; dcterms:date "{day}"^^xsd:date .')
            year, week, weekday = day.isocalendar()
            key = (f"{year}-W{week:02d}", str(day - dt.timedelta(weekday - 1)))
            weeks[key] = weeks.get(key, 0) + 1
            day += dt.timedelta(1)
            n += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, weeks


HOURS = [("1934-10-02T03:30:00", "1934-10-02T13:46:00"), ("1934-10-09T23:50:00", "1934-10-10T00:10:00"),
         ("1934-01-31T22:00:00", "1934-02-01T01:30:00"), ("1932-02-28T22:00:00", "1932-03-01T02:00:00"),
         ("1933-02-28T22:00:00", "1933-03-01T02:00:00"), ("1934-12-31T23:50:00", "1935-01-01T00:20:00"),
         ("1935-10-25T21:55:00", "1935-10-25T08:05:00"), ("1934-10-02T10:00:30", "1934-10-02T10:01:00"),
         ("1931-01-01T00:00:00", "1936-12-31T23:59:00"), ("1900-02-28T12:00:00", "1900-03-01T12:00:00")]


def hours_graph(path: Path) -> tuple[Path, dict[int, str | None]]:
    """Requests sent and answered at the times of HOURS (and one answered at no known time), with the hours
    between, rounded to 0.01 as SPARQL's ROUND does (halves up)."""
    ttl = ["@prefix pbo: <https://w3id.org/politburo-kg/ontology#> .", "@prefix prov: <http://www.w3.org/ns/prov#> .",
           "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .", "<urn:kg-test:page> pbo:sourceFile \"t.txt\" ."]
    expected: dict[int, str | None] = {}
    for i, (sent, answered) in enumerate([*HOURS, ("1934-10-02T03:30:00", None)]):
        line = 10 * (i + 1)
        ttl.append(f"<urn:kg-test:l{i}> a pbo:Letter ; prov:wasQuotedFrom <urn:kg-test:page> ; pbo:sourceLine {line} ; "
                   f"pbo:makesRequest <urn:kg-test:r{i}> ; pbo:transmission <urn:kg-test:t{i}> .")
        ttl.append(f'<urn:kg-test:t{i}> prov:startedAtTime "{sent}"^^xsd:dateTime .')
        ttl.append(f"<urn:kg-test:a{i}> pbo:respondsTo <urn:kg-test:r{i}>"
                   + (f' ; prov:generatedAtTime "{answered}"^^xsd:dateTime .' if answered else " ."))
        if answered:
            seconds = (dt.datetime.fromisoformat(answered) - dt.datetime.fromisoformat(sent)).total_seconds()
            hundredths = math.floor(Decimal(seconds) / 36 + Decimal("0.5"))
            expected[line] = str((Decimal(hundredths) / 100).normalize())
        else:
            expected[line] = None
    path.write_text("\n".join(ttl) + "\n", encoding="utf-8")
    return path, expected


def weeks_of(result: Result) -> dict[tuple[str, str], int]:
    """decisions-per-week's answer: decisions by (week, weekStart)."""
    cols = result.columns
    return {(r[cols.index("week")].value, r[cols.index("weekStart")].value): int(r[cols.index("decisions")].value)
            for r in result.rows}


def hours_of(result: Result) -> dict[int, str | None]:
    """request-answers' answer: hours by the letter's line, as a normalised decimal."""
    cols = result.columns
    return {int(r[cols.index("line")].value): (None if r[cols.index("hours")] is None
                                              else str(Decimal(r[cols.index("hours")].value).normalize()))
            for r in result.rows}


def test_iso_weeks_hold_at_year_ends_and_leap_days(tmp_path):
    graph, weeks = week_graph(tmp_path / "weeks.ttl")
    assert weeks_of(open_store(graph).query(resolve_query("decisions-per-week").text)) == weeks


def test_hours_hold_across_days_months_years_and_leap_days(tmp_path):
    graph, expected = hours_graph(tmp_path / "hours.ttl")
    assert hours_of(open_store(graph).query(resolve_query("request-answers").text)) == expected


def test_hours_alike_in_the_queries_that_compute_them(seed_graph):
    """request-answers and reply-chains compute the hours of a reply letter alike."""
    store = open_store(seed_graph)
    answers = store.query(resolve_query("request-answers").text)
    chains = store.query(resolve_query("reply-chains").text)
    a, c = answers.columns, chains.columns
    by_reply = {r[a.index("replyLine")].value: r[a.index("hours")].value for r in answers.rows
                if r[a.index("replyLine")] is not None and r[a.index("answeredFrom")].value == "reply letter"}
    pairs = [(r[c.index("replyLine")].value, r[c.index("hours")].value) for r in chains.rows if r[c.index("hours")]]
    assert pairs and all(by_reply.get(line) == hours for line, hours in pairs)


# ------------------------------------------------------------------------------------ the routes of docs/stores.md

def route_blocks() -> list[tuple[str, str]]:
    """The fenced blocks of the section of docs/stores.md that loads the stores: (language, text), indentation removed."""
    page = STORES.read_text(encoding="utf-8")
    section = page.split(SECTION, 1)[1].split("\n## ", 1)[0]
    return [(lang, re.sub(r"(?m)^  ", "", body)) for lang, body in
            re.findall(r"(?m)^  ```(\w+)\n(.*?)^  ```$", section, re.DOTALL)]


def route(marker: str, lang: str = "sh") -> str:
    """The one block of the section that holds `marker`."""
    found = [body for lg, body in route_blocks() if lg == lang and marker in body]
    assert len(found) == 1, f"docs/stores.md should show one {lang} block with {marker!r}"
    return found[0]


def commands(block: str) -> list[str]:
    """The block's commands, a line each, with continued lines joined."""
    return [c.strip() for c in block.replace("\\\n", " ").splitlines() if c.strip()]


def ports(text: str, given: dict[str, int]) -> str:
    """The text with the page's ports replaced: each pattern's group by its port; each must be there."""
    for pattern, port in given.items():
        text, n = re.subn(pattern, lambda m, port=port: m.group(0)[: m.start(1) - m.start(0)] + str(port), text)
        assert n, f"the route in docs/stores.md no longer has {pattern!r}"
    return text


def run(cmd: str, cwd: Path, timeout: float = 300, env: dict | None = None) -> subprocess.CompletedProcess:
    """Commands run by bash in `cwd`, as a user runs them; they must succeed."""
    r = subprocess.run(["bash", "-euo", "pipefail", "-c", cmd], check=False, cwd=cwd, capture_output=True, text=True,
                       timeout=timeout, env=env)
    assert r.returncode == 0, f"{cmd}\n{r.stdout}\n{r.stderr}"
    return r


def kg_line(line: str, cwd: Path) -> tuple[list[str], str]:
    """A `kg query` line of docs/stores.md run with the installed kg: (its arguments, its output)."""
    args = shlex.split(line)
    assert args[:2] == ["kg", "query"], line
    r = subprocess.run([kg_command(), *args[1:]], check=False, cwd=cwd, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return args, r.stdout


def option(args: list[str], name: str, default: str | None = None) -> str | None:
    """The value of an option in a command's arguments."""
    return args[args.index(name) + 1] if name in args else default


@pytest.fixture(scope="module")
def workdir(seed_build, tmp_path_factory) -> Path:
    """A folder laid out as the project's: build/ (the seed build) and queries/."""
    path = tmp_path_factory.mktemp("route")
    # build/ of links to the seed build's files, so that files put beside them stay in this folder
    (path / "build").mkdir()
    for f in seed_build[1].iterdir():
        (path / "build" / f.name).symlink_to(f)
    (path / "queries").symlink_to(ROOT / "queries", target_is_directory=True)
    return path


def wait_for(url: str, proc: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    """Wait until the server answers at `url`; fail with its log if it stops or does not answer in time."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except (urllib.error.URLError, OSError):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not start: {log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.1)


class Server:
    """A server a line of docs/stores.md starts, in the foreground as the page runs it, stopped by its own process id."""

    def __init__(self, line: str, cwd: Path, name: str):
        self.log = cwd / f"{name}.log"
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(shlex.split(line), cwd=cwd, stdout=out, stderr=subprocess.STDOUT)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def local(seed_graph: Path, q) -> Result:
    """What `kg query` answers on the graph file."""
    return open_store(seed_graph).query(q.text, q.name)


def same_output(args: list[str], out: str, cwd: Path, seed_graph: Path) -> bool:
    """Whether the page's `kg query` line printed what `kg query` prints on the graph file, lists taken as sets
    (engines join GROUP_CONCAT lists in different orders); its CSV is compared too, for every cell in full."""
    name = args[2]
    mine = subprocess.run([kg_command(), "query", name, "--graph", str(seed_graph)], check=False,
                          capture_output=True, text=True, timeout=120).stdout
    assert out.splitlines()[0] == mine.splitlines()[0] and out.splitlines()[-1] == mine.splitlines()[-1], out
    csvs = [subprocess.run([kg_command(), *a, "--format", "csv"], check=False, cwd=cwd, capture_output=True,
                           text=True, timeout=120).stdout
            for a in (args[1:], ["query", name, "--graph", str(seed_graph)])]
    seps = concat_columns(resolve_query(name).text)

    def rows(text: str) -> Counter:
        table = list(csv.reader(io.StringIO(text)))
        return Counter(tuple(frozenset(x.strip() for x in v.split(seps[c].strip())) if c in seps else v
                             for c, v in zip(table[0], row, strict=True)) for row in table)

    return rows(csvs[0]) == rows(csvs[1]) and len(csvs[0].splitlines()) > 2


def test_the_section_shows_each_route():
    blocks = route_blocks()
    assert [lang for lang, _ in blocks] == ["sh", "sh", "ini", "sh"]
    assert route("oxigraph load") and route("tdb2.tdbloader") and route("[Database]", "ini") and route("virtuoso-t")


# --------------------------------------------------------------------------------------------------- Oxigraph

@pytest.fixture(scope="module")
def oxigraph_route(workdir):
    """The Oxigraph route of docs/stores.md: load, serve read-only, and the `kg query` line (its arguments, its output)."""
    exe = require("oxigraph", "the PyPI package oxigraph (pip install -e '.[test]')")
    port = free_port()
    load, serve, ask = commands(ports(route("oxigraph load"), {r"127\.0\.0\.1:(7878)": port}))
    assert load.startswith("oxigraph load") and serve.startswith("oxigraph serve-read-only"), (load, serve)
    run(load.replace("oxigraph", shlex.quote(exe), 1), workdir)
    server = Server(serve.replace("oxigraph", exe, 1), workdir, "oxigraph")
    try:
        wait_for(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", server.proc, server.log)
        yield kg_line(ask, workdir)
    finally:
        server.stop()


def test_oxigraph_route_answers_as_kg_query(oxigraph_route, seed_graph, workdir):
    args, out = oxigraph_route
    assert same_output(args, out, workdir, seed_graph)


@pytest.mark.parametrize("method", ENDPOINT_METHODS)
def test_oxigraph_server_takes_every_method(oxigraph_route, seed_graph, method):
    q = resolve_query("requests")
    remote = EndpointStore(option(oxigraph_route[0], "--endpoint"), method=method)
    assert comparable(remote.query(q.text, q.name), q.text) == comparable(local(seed_graph, q), q.text)
    assert remote.method == ("direct" if method == "auto" else method)


@pytest.mark.parametrize("q", QUERIES, ids=lambda q: q.name)
def test_every_query_alike_on_oxigraph(oxigraph_route, seed_graph, q):
    args, _ = oxigraph_route
    remote = EndpointStore(option(args, "--endpoint"), method=option(args, "--endpoint-method", "auto"))
    ours = local(seed_graph, q)
    assert ours.rows and comparable(remote.query(q.text, q.name), q.text) == comparable(ours, q.text)


# ------------------------------------------------------------------------------------------------ Apache Jena

# Jena's commands start a JVM each; compiling with C1 only starts them in about two thirds of the time, and
# changes nothing they answer.
JAVA_ENV = {**os.environ, "JAVA_TOOL_OPTIONS": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"}


@pytest.fixture(scope="module")
def jena_route(workdir):
    """The Jena route of docs/stores.md up to the load; gives the query line and a function running a query file by it."""
    require("java", "Debian default-jre-headless")
    require("unzip", "Debian unzip")
    if not Path("/usr/share/java/jena-tdb2.jar").is_file():
        message = "Apache Jena is not installed (install Debian libapache-jena-java)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    *setup, ask = commands(route("tdb2.tdbloader"))
    assert "tdb2.tdbloader" in setup[-1] and "tdb2.tdbquery" in ask and "queries/answers.rq" in ask, ask
    run("\n".join(setup), workdir, env=JAVA_ENV)
    # the shell variables the setup sets (JENA_CP=…), for each query run on its own
    prelude = "\n".join(c for c in setup if re.match(r"^[A-Z_]+=", c))

    def answer(path: str) -> Result:
        out = run(prelude + "\n" + ask.replace("queries/answers.rq", shlex.quote(path)), workdir, env=JAVA_ENV).stdout
        return _parse_response(out.encode("utf-8"), JSON_RESULTS, "tdb2.tdbquery")

    return ask, answer


def test_jena_route_answers_as_kg_query(jena_route, seed_graph):
    _, answer = jena_route
    q = resolve_query("answers")
    assert comparable(answer("queries/answers.rq"), q.text) == comparable(local(seed_graph, q), q.text)


@pytest.mark.parametrize("q", QUERIES, ids=lambda q: q.name)
def test_every_query_alike_on_jena(jena_route, seed_graph, q):
    _, answer = jena_route
    ours = local(seed_graph, q)
    assert ours.rows and comparable(answer(f"queries/{q.path.name}"), q.text) == comparable(ours, q.text)


# ----------------------------------------------------------------------------------------------------- Virtuoso

@pytest.fixture(scope="module")
def virtuoso_route(workdir):
    """The Virtuoso route of docs/stores.md: its virtuoso.ini on free ports, the server, the isql load, the `kg query` line."""
    require("virtuoso-t", "Debian virtuoso-opensource")
    require("isql-vt", "Debian virtuoso-opensource")
    sql, http = free_port(), free_port()
    ini = ports(route("[Database]", "ini"), {r"(?m)^\[Parameters\]\nServerPort\s*=\s*(1111)$": sql,
                                                 r"(?m)^\[HTTPServer\]\nServerPort\s*=\s*(8890)$": http})
    start, load, ask = commands(ports(route("virtuoso-t"), {r"isql-vt (1111)": sql, r"127\.0\.0\.1:(8890)": http}))
    assert start.startswith("virtuoso-t +foreground") and load.startswith("isql-vt"), (start, load)
    ini_path = workdir / re.search(r"\+configfile (\S+)", start).group(1)
    ini_path.parent.mkdir(parents=True, exist_ok=True)
    ini_path.write_text(ini, encoding="utf-8")
    server = Server(start, workdir, "virtuoso")
    try:
        wait_for(f"http://127.0.0.1:{http}/sparql?query=ASK%7B%7D", server.proc, server.log)
        out = run(load, workdir).stdout
        assert "Error" not in out, out
        yield kg_line(ask, workdir)
    finally:
        server.stop()


def virtuoso(args: list[str], **kw) -> EndpointStore:
    """The endpoint client on the URL and method of the `kg query` line for Virtuoso in docs/stores.md."""
    return EndpointStore(option(args, "--endpoint"), method=option(args, "--endpoint-method", "auto"), **kw)


def test_virtuoso_route_answers_as_kg_query(virtuoso_route, seed_graph, workdir):
    args, out = virtuoso_route
    assert same_output(args, out, workdir, seed_graph)


def test_virtuoso_holds_just_the_graph(virtuoso_route, seed_graph):
    assert virtuoso(virtuoso_route[0]).triple_count() == open_store(seed_graph).triple_count() > 2000


@pytest.mark.parametrize("q", QUERIES, ids=lambda q: q.name)
def test_every_query_alike_on_virtuoso(virtuoso_route, seed_graph, q):
    ours, theirs = local(seed_graph, q), virtuoso(virtuoso_route[0]).query(q.text, q.name)
    assert ours.rows and comparable(theirs, q.text) == comparable(ours, q.text)


def test_virtuoso_leaves_a_direct_post_unanswered_and_auto_falls_back_to_a_form(virtuoso_route, seed_graph):
    url = option(virtuoso_route[0], "--endpoint")
    with pytest.raises(StoreError, match=r"did not answer within 2 s \(query sent by direct POST\)") as e:
        EndpointStore(url, timeout=2, method="direct").query("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert "--endpoint-method form" in str(e.value)
    auto = EndpointStore(url, probe_timeout=1)
    started = time.monotonic()
    assert auto.triple_count() == open_store(seed_graph).triple_count()
    assert auto.method == "form" and 1 <= time.monotonic() - started < 10


def test_virtuoso_takes_a_query_in_the_url_too(virtuoso_route, seed_graph):
    q = resolve_query("letters")
    remote = EndpointStore(option(virtuoso_route[0], "--endpoint"), method="get")
    assert comparable(remote.query(q.text, q.name), q.text) == comparable(local(seed_graph, q), q.text)


def test_virtuoso_booleans_and_ask_read_back_as_kg_query_gives_them(virtuoso_route):
    remote = virtuoso(virtuoso_route[0])
    pbo = "PREFIX pbo: <https://w3id.org/politburo-kg/ontology#> "
    row = remote.query(pbo + "SELECT ?b WHERE { ?l pbo:dateEditorial ?b } ORDER BY ?b LIMIT 1").rows[0]
    assert row[0] == ox.Literal("false", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
    assert remote.query(pbo + "ASK { ?l a pbo:Letter }").boolean is True
    assert remote.query(pbo + "ASK { ?l a pbo:Nothing }").boolean is False


def test_virtuoso_errors_are_typed(virtuoso_route):
    with pytest.raises((QueryError, StoreError), match="endpoint"):
        virtuoso(virtuoso_route[0]).query("SELECT ?x WHERE { ?x ?y }")


# ------------------------------------------------------ the same date and time arithmetic on Jena and Virtuoso

@pytest.fixture(scope="module")
def edge_graphs(tmp_path_factory):
    """The week and the hours graphs with their expected answers."""
    folder = tmp_path_factory.mktemp("edges")
    return week_graph(folder / "weeks.ttl"), hours_graph(folder / "hours.ttl")


def test_dates_and_times_alike_on_virtuoso(virtuoso_route, edge_graphs, workdir):
    """The same arithmetic on Virtuoso: each graph loaded into a graph of its own and asked by default-graph-uri."""
    ini = next(workdir.glob("*/virtuoso.ini")).read_text(encoding="utf-8")
    port = re.search(r"\[Parameters\]\nServerPort\s*=\s*(\d+)", ini).group(1)
    # the loader reads only the folders DirsAllowed lists, build/ among them
    (workdir / "build" / "edges").mkdir(exist_ok=True)
    url = option(virtuoso_route[0], "--endpoint").split("?")[0]
    for (path, want), name, read in zip(edge_graphs, ("decisions-per-week", "request-answers"), (weeks_of, hours_of),
                                 strict=True):
        (workdir / "build" / "edges" / path.name).write_bytes(path.read_bytes())
        run(f"isql-vt {port} dba dba exec=\"ld_dir('build/edges', '{path.name}', 'urn:kg-test:{path.stem}'); "
            "rdf_loader_run(); checkpoint;\"", workdir)
        store = EndpointStore(url + "?" + urllib.parse.urlencode({"default-graph-uri": f"urn:kg-test:{path.stem}"}),
                              method="form")
        assert read(store.query(resolve_query(name).text)) == want


def test_dates_and_times_alike_on_jena(jena_route, edge_graphs, workdir):
    """The same arithmetic on Jena: each graph loaded into a database of its own as docs/stores.md loads the dump."""
    ask, _ = jena_route
    *setup, _ = commands(route("tdb2.tdbloader"))
    prelude = "\n".join(c for c in setup if re.match(r"^[A-Z_]+=", c))
    for (path, want), name, read in zip(edge_graphs, ("decisions-per-week", "request-answers"), (weeks_of, hours_of),
                                 strict=True):
        db = f"jena-{path.stem}"
        load = setup[-1].replace("jena-db", db).replace("build/graph.ttl", shlex.quote(str(path)))
        run(f"{prelude}\n{load}", workdir, env=JAVA_ENV)
        line = ask.replace("jena-db", db).replace("queries/answers.rq", f"queries/{name}.rq")
        out = run(f"{prelude}\n{line}", workdir, env=JAVA_ENV).stdout
        got = read(_parse_response(out.encode("utf-8"), JSON_RESULTS, "tdb2.tdbquery"))
        assert got == want
