"""Remote stores: the endpoint client's ways of sending a query (direct POST, form POST, GET), its fallback from a
direct to a form POST, and its errors; the queries' date and time arithmetic at month, year and century ends."""
from __future__ import annotations

import datetime as dt
import json
import math
import threading
import time
import urllib.parse
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import QueryError, StoreError
from kg.query import resolve_query
from kg.store import ENDPOINT_METHODS, PROBE_TIMEOUT, EndpointStore, Result, open_store

from .conftest import ROOT
from .tools import free_port

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
    assert f"unanswered for {PROBE_TIMEOUT:g} s" in (ROOT / "README.md").read_text(encoding="utf-8")


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
    cols = result.columns
    return {(r[cols.index("week")].value, r[cols.index("weekStart")].value): int(r[cols.index("decisions")].value)
            for r in result.rows}


def hours_of(result: Result) -> dict[int, str | None]:
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
