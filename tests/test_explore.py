"""The network explorer: its networks against SPARQL counts, the command, and the page in a real browser."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.explore.network import load, measure, scholarly_citation
from kg.explore.page import explore, json_for_script
from kg.store.query import load_store, run

from .conftest import SEED

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
REQUEST_2_OCT = "request/1934-10-02-kaganovich-to-stalin-f558-op11-d86-l6"
LETTER_2_OCT = "letter/1934-10-02-kaganovich-to-stalin-f558-op11-d86-l6"
PREFIXES = """PREFIX pbo: <https://w3id.org/politburo-kg/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
"""
# What each view draws, asked of the graph directly: the expected number of nodes and of links.
IN_DECISIONS = "{ ?l pbo:makesRequest [] } UNION { ?l pbo:recordsDecision [] } UNION { [] pbo:expressedIn ?l }"
EXPECTED = {
    "correspondence": (
        """SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {
             ?l a pbo:Letter ; schema:sender ?a ; schema:recipient ?b . ?a a foaf:Person . ?b a foaf:Person .
             FILTER(?a != ?b) VALUES ?end { 1 2 } BIND(IF(?end = 1, ?a, ?b) AS ?p) }""",
        """SELECT (COUNT(DISTINCT CONCAT(STR(?a), " ", STR(?b))) AS ?n) WHERE {
             ?l a pbo:Letter ; schema:sender ?a ; schema:recipient ?b . ?a a foaf:Person . ?b a foaf:Person .
             FILTER(?a != ?b) }"""),
    "mentions": (
        "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?l a pbo:Letter ; schema:mentions ?p . ?p a foaf:Person }",
        """SELECT (COUNT(DISTINCT CONCAT(STR(?a), " ", STR(?b))) AS ?n) WHERE {
             ?l a pbo:Letter ; schema:mentions ?a, ?b . ?a a foaf:Person . ?b a foaf:Person .
             FILTER(STR(?a) < STR(?b)) }"""),
    "decisions": (
        f"""SELECT (COUNT(DISTINCT ?node) AS ?n) WHERE {{
             {{ ?node a pbo:Letter . BIND(?node AS ?l) FILTER EXISTS {{ {IN_DECISIONS} }} }}
             UNION {{ ?l a pbo:Letter ; pbo:makesRequest ?node }}
             UNION {{ ?l a pbo:Letter ; pbo:makesRequest ?r . ?node pbo:respondsTo ?r }}
             UNION {{ ?node a pbo:PolitburoDecision }}
             UNION {{ ?l a pbo:Letter ; schema:sender ?node . ?node a foaf:Person FILTER EXISTS {{ {IN_DECISIONS} }} }}
             UNION {{ ?l a pbo:Letter ; pbo:makesRequest ?r . [] pbo:respondsTo ?r ; schema:sender ?node .
                      ?node a foaf:Person }} }}""",
        f"""SELECT (COUNT(DISTINCT ?edge) AS ?n) WHERE {{
             {{ ?l a pbo:Letter ; schema:sender ?p . ?p a foaf:Person FILTER EXISTS {{ {IN_DECISIONS} }}
                BIND(CONCAT(STR(?p), " ", STR(?l)) AS ?edge) }}
             UNION {{ ?l a pbo:Letter ; pbo:makesRequest ?r BIND(CONCAT(STR(?l), " ", STR(?r)) AS ?edge) }}
             UNION {{ ?l a pbo:Letter ; pbo:makesRequest ?r . ?s pbo:respondsTo ?r
                      BIND(CONCAT(STR(?r), " ", STR(?s)) AS ?edge) }}
             UNION {{ ?l a pbo:Letter ; pbo:makesRequest ?r . ?s pbo:respondsTo ?r ; schema:sender ?p .
                      ?p a foaf:Person BIND(CONCAT(STR(?p), " ", STR(?s)) AS ?edge) }}
             UNION {{ ?l a pbo:Letter ; pbo:makesRequest ?r . ?s pbo:respondsTo ?r ; pbo:expressedIn ?reply .
                      ?reply a pbo:Letter BIND(CONCAT(STR(?s), " ", STR(?reply)) AS ?edge) }}
             UNION {{ ?l a pbo:Letter ; pbo:makesRequest ?r . ?r pbo:ledTo ?d . ?d a pbo:PolitburoDecision
                      OPTIONAL {{ ?s pbo:respondsTo ?r }} BIND(CONCAT(STR(COALESCE(?s, ?r)), " ", STR(?d)) AS ?edge) }}
             UNION {{ ?l a pbo:Letter ; pbo:recordsDecision ?d . ?d a pbo:PolitburoDecision
                      FILTER NOT EXISTS {{ ?l pbo:makesRequest/pbo:ledTo ?d }}
                      BIND(CONCAT(STR(?l), " ", STR(?d)) AS ?edge) }} }}"""),
}


def sparql_count(graph: Path, query: str) -> int:
    res = run(load_store(graph), PREFIXES + query)
    return int(res.rows[0][0].value)


def expected_counts(graph: Path) -> dict[str, tuple[int, int]]:
    return {view: (sparql_count(graph, nodes), sparql_count(graph, edges)) for view, (nodes, edges) in EXPECTED.items()}


# -- the networks, without a browser -----------------------------------------------------------------------------

def test_networks_hold_what_sparql_counts(seed_graph):
    _, views = load(seed_graph)
    expected = expected_counts(seed_graph)
    for name, view in views.items():
        assert (view.graph.number_of_nodes(), view.graph.number_of_edges()) == expected[name], name
    corr = views["correspondence"].graph
    assert corr.edges["person/kaganovich", "person/stalin"]["weight"] == 17


def test_measures_present_and_repeatable(seed_graph):
    _, views = load(seed_graph)
    for view in views.values():
        m = view.measures
        assert set(m.betweenness) == set(view.graph) == set(m.community) == set(m.degree)
        assert sum(len(c) for c in m.communities) == view.graph.number_of_nodes()
        again = measure(view.graph.copy())
        assert again.communities == m.communities and again.betweenness == m.betweenness
    corr = views["correspondence"].measures
    assert max(corr.betweenness, key=corr.betweenness.get) == "person/stalin"
    assert corr.weighted["person/kaganovich"] == 17 + 3 + 3 + 4  # to Stalin, Molotov, Zhdanov; from Stalin


def test_response_read_from_the_graph(seed_graph):
    corpus, _ = load(seed_graph)
    request = corpus.requests[REQUEST_2_OCT]
    response = corpus.responses[request["responses"][0]]
    assert response["outcome"] == "agreed" and response["time"] == "13:46" and response["place"] == "Sochi"
    assert response["citations"] == ["RGASPI, f. 558, op. 11, d. 86, l. 5"]
    assert "Stalin agreed" in corpus.notes[response["notes"][0]]["text"]
    assert response["hours"] == pytest.approx(10.27)
    assert "Eikh" in corpus.persons["person/eikhe"]["aliases"]


@pytest.mark.parametrize("ref, cited", [
    ({"archive": ["RGASPI"], "fond": ["558"], "opis": ["11"], "delo": ["86"], "sheets": ["5"]},
     "RGASPI, f. 558, op. 11, d. 86, l. 5"),
    ({"archive": ["RGASPI"], "fond": ["558"], "opis": ["11"], "delo": ["86"], "sheets": ["6–7"]},
     "RGASPI, f. 558, op. 11, d. 86, ll. 6–7"),
    ({"archive": ["RGASPI"], "citation": ["RGASPI Personal archive of M.L. Kaganovich"]},
     "RGASPI, Personal archive of M.L. Kaganovich"),
])
def test_scholarly_citation(ref, cited):
    assert scholarly_citation(ref) == cited


def test_json_in_script_cannot_close_it():
    text = json_for_script({"t": "</script><script>alert(1)</script> & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text


def test_same_graph_gives_byte_identical_page(seed_graph, tmp_path):
    pages = []
    for seed in ("1", "2"):
        out = tmp_path / f"explorer-{seed}.html"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        subprocess.run([sys.executable, "-m", "kg", "explore", "--graph", str(seed_graph), "--out", str(out)],
                       check=True, env=env, capture_output=True)
        pages.append(out.read_bytes())
    assert pages[0] == pages[1]


def test_page_is_self_contained(seed_explorer):
    text = seed_explorer.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=[\"']?(https?:|//)", text, re.I)
    assert "sourceMappingURL" not in text and "cdn" not in text.lower()
    assert "vis-network" in text and "default-src 'none'" in text


# -- the command -------------------------------------------------------------------------------------------------

def test_explore_command(seed_graph, tmp_path):
    out = tmp_path / "site" / "explorer.html"
    r = CliRunner().invoke(cli, ["explore", "--graph", str(seed_graph), "--out", str(out), "--view", "decisions"])
    assert r.exit_code == 0, r.output
    assert re.search(r"Wrote .*explorer\.html \(\d+ KB\): correspondence 7 persons and 15 links, decisions \d+ nodes",
                     r.stdout)
    assert '"initial":"decisions"' in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("args, code, fragment", [
    (["--graph", "{tmp}/missing.ttl"], 5, "missing.ttl: no such graph file"),
    (["--graph", "{tmp}/broken.ttl"], 5, "broken.ttl"),
    (["--graph", "{tmp}/empty.ttl"], 5, "holds no letters"),
    (["--view", "people"], 2, "people"),
    (["--out", "{tmp}/file.txt/explorer.html"], 1, "cannot be written"),
])
def test_explore_bad_input(seed_graph, tmp_path, args, code, fragment):
    (tmp_path / "broken.ttl").write_text("<a> <b> .\n", encoding="utf-8")
    (tmp_path / "empty.ttl").write_text("<https://example.org/a> <https://example.org/b> 1 .\n", encoding="utf-8")
    (tmp_path / "file.txt").write_text("not a folder", encoding="utf-8")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    if "--graph" not in args:
        args += ["--graph", str(seed_graph)]
    if "--out" not in args:
        args += ["--out", str(tmp_path / "x.html")]
    r = CliRunner().invoke(cli, ["explore", *args])
    assert r.exit_code == code, r.output
    assert "Traceback" not in r.output and fragment in r.output


# -- the page in Chromium ----------------------------------------------------------------------------------------

def require_browser():
    """Chromium and Playwright, or a skip that says what is missing; under CI=true a failure instead."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip install -e '.[test]')")
    if missing:
        reason = "browser tests need " + " and ".join(missing)
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + "; CI must run them", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def seed_explorer(seed_graph, tmp_path_factory) -> Path:
    return explore(seed_graph, tmp_path_factory.mktemp("explorer") / "explorer.html").path


class Opened:
    """A page of the explorer, with everything it logged, requested or tried to pop up."""

    def __init__(self, browser, path: Path):
        self.context = browser.new_context(viewport={"width": 1440, "height": 900})
        self.page = self.context.new_page()
        self.errors, self.requests, self.dialogs = [], [], []
        self.page.on("console", lambda m: m.type in ("error", "warning") and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url)
        self.wait()

    def wait(self, view: str | None = None):
        """Until the page says the network has settled (physics stopped), not a fixed sleep."""
        selector = f"html[data-stabilized='{view}']" if view else "html[data-stabilized]"
        self.page.wait_for_selector(selector, state="attached", timeout=60_000)

    def show(self, view: str):
        self.page.click(f"#views button[data-view='{view}']")
        self.wait(view)

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def click_node(self, node_id: str):
        """Centre the node and click it with the mouse, as a reader would."""
        self.js("id => kgExplorer.network.moveTo({position: kgExplorer.network.getPosition(id), scale: 1.5})", node_id)
        box = self.page.locator("#network canvas").bounding_box()
        at = self.js("id => kgExplorer.network.canvasToDOM(kgExplorer.network.getPosition(id))", node_id)
        assert self.js("p => kgExplorer.network.getNodeAt(p)", at) == node_id
        self.page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])

    def detail(self) -> str:
        return self.page.inner_text("#detail")

    def close(self):
        self.context.close()


@pytest.fixture()
def opened(browser, seed_explorer):
    page = Opened(browser, seed_explorer)
    yield page
    page.close()


def test_opens_offline_without_errors(opened, tmp_path):
    assert opened.js("kgExplorer.view()") == "correspondence"
    opened.page.screenshot(path=str(tmp_path / "explorer.png"))
    for view in ("decisions", "mentions"):
        opened.show(view)
    assert (tmp_path / "explorer.png").stat().st_size > 10_000
    assert opened.errors == []
    assert opened.requests == [opened.url]


def test_draws_what_the_graph_holds(opened, seed_graph):
    expected = expected_counts(seed_graph)
    for view in ("correspondence", "decisions", "mentions"):
        if view != "correspondence":
            opened.show(view)
        nodes, edges = expected[view]
        assert opened.js("kgExplorer.counts()") == {"nodes": nodes, "edges": edges}, view
        assert opened.page.inner_text("#counts").startswith(f"{nodes} of {nodes} ")


def test_physics_stops_after_settling(opened):
    assert opened.js("kgExplorer.network.physics.physicsEnabled") is False
    before = opened.js("kgExplorer.network.getPositions()")
    opened.page.wait_for_timeout(300)
    assert opened.js("kgExplorer.network.getPositions()") == before


def test_search_by_alias_selects_the_person(opened):
    opened.page.fill("#search", "Eikh")
    assert "Eikhe" in opened.page.inner_text("#suggest")
    opened.page.press("#search", "Enter")
    opened.wait("mentions")  # Eikhe wrote no letter here, but is named in them
    opened.page.wait_for_function("() => kgExplorer.network.getSelectedNodes()[0] === 'person/eikhe'")
    text = opened.detail()
    assert "Robert Indrikovich Eikhe" in text and "Eikh" in text and "Betweenness" in text
    assert "<https://w3id.org/politburo-kg/id/person/eikhe>" in opened.js("document.querySelector('.iri input').value")


def test_click_request_shows_answer_and_citation(opened):
    opened.show("decisions")
    opened.click_node(REQUEST_2_OCT)
    opened.page.wait_for_function("() => document.querySelector('#detail h2') !== null")
    text = opened.detail()
    assert "Please let us know your opinion" in text
    assert "agreed" in opened.page.inner_text("#detail .outcome")
    assert "RGASPI, f. 558, op. 11, d. 86, l. 5" in text
    assert "On the same day in cipher from Sochi at 13:00. 46 min. Stalin agreed" in text


def test_click_link_lists_its_letters(opened):
    # a point on the link's curve, away from any node, where a reader could click it
    mid = opened.js("""() => { const n = kgExplorer.network;
        const e = n.body.data.edges.get().find(e => e.from === 'person/kaganovich' && e.to === 'person/stalin');
        const a = n.canvasToDOM(n.getPosition(e.from)), b = n.canvasToDOM(n.getPosition(e.to));
        const len = Math.hypot(b.x - a.x, b.y - a.y), nx = (a.y - b.y) / len, ny = (b.x - a.x) / len;
        for (let k = 0; k <= 60; k++) {
          const off = (k % 2 ? 1 : -1) * Math.ceil(k / 2);
          const at = {x: (a.x + b.x) / 2 + nx * off, y: (a.y + b.y) / 2 + ny * off};
          if (n.getEdgeAt(at) === e.id && n.getNodeAt(at) === undefined) return {id: e.id, at: at};
        }
        return {id: e.id, at: null}; }""")
    assert mid["at"] is not None
    box = opened.page.locator("#network canvas").bounding_box()
    opened.page.mouse.click(box["x"] + mid["at"]["x"], box["y"] + mid["at"]["y"])
    text = opened.detail()
    assert "Kaganovich → Stalin" in text and "Letters from Kaganovich to Stalin (17)" in text
    assert "RGASPI, f. 558, op. 11, d. 86, ll. 6–7" in text


def test_date_filter_hides_letters_outside_the_range(opened, seed_graph):
    opened.show("decisions")
    letters = [n for n in opened.js("kgExplorer.visibleNodes()") if n["kind"] == "letter"]
    opened.page.fill("#date-from", "1934-10-05")
    opened.page.fill("#date-to", "1934-10-10")
    shown = [n for n in opened.js("kgExplorer.visibleNodes()") if n["kind"] == "letter"]
    assert shown and len(shown) < len(letters)
    assert all("1934-10-05" <= n["date"] <= "1934-10-10" for n in shown)
    in_range = sparql_count(seed_graph, f"""SELECT (COUNT(DISTINCT ?l) AS ?n) WHERE {{
        ?l a pbo:Letter ; schema:dateSent ?d FILTER(STR(?d) >= "1934-10-05" && STR(?d) <= "1934-10-10")
        FILTER EXISTS {{ {IN_DECISIONS} }} }}""")
    assert len(shown) == in_range
    assert opened.js("document.querySelectorAll('#timeline rect.range').length") == 1
    opened.page.click("#reset")
    assert len([n for n in opened.js("kgExplorer.visibleNodes()") if n["kind"] == "letter"]) == len(letters)


def test_outcome_and_person_filters(opened, seed_graph):
    opened.show("decisions")
    opened.page.uncheck("#outcomes input[data-outcome='agreed']")
    kinds = {n["id"]: n["kind"] for n in opened.js("kgExplorer.visibleNodes()")}
    assert REQUEST_2_OCT not in kinds and "response/1934-10-09-kaganovich-to-stalin-f558-op11-d86-l23" in kinds
    opened.page.click("#reset")
    opened.show("correspondence")
    opened.page.select_option("#person", "person/chernov")
    shown = {n["id"] for n in opened.js("kgExplorer.visibleNodes()")}
    # the correspondents of the letters that name Chernov (as author, recipient or in the text)
    rows = run(load_store(seed_graph), PREFIXES + """SELECT DISTINCT ?p WHERE {
        ?l a pbo:Letter ; schema:mentions|schema:sender|schema:recipient <https://w3id.org/politburo-kg/id/person/chernov> ;
           schema:sender ?a ; schema:recipient ?b . ?a a foaf:Person . ?b a foaf:Person . FILTER(?a != ?b)
        VALUES ?end { 1 2 } BIND(IF(?end = 1, ?a, ?b) AS ?p) }""").rows
    assert shown == {row[0].value.rsplit("/id/", 1)[1] for row in rows}
    assert "person/kuibyshev" not in shown


def test_timeline_and_response_times(opened, seed_graph):
    series = opened.js("""() => Object.fromEntries([...document.querySelectorAll('#timeline text[data-series]')]
                          .map(t => [t.dataset.series, t.textContent]))""")
    requests = sparql_count(seed_graph, "SELECT (COUNT(?r) AS ?n) WHERE { ?l a pbo:Letter ; pbo:makesRequest ?r }")
    assert series["requests"] == f"requests sent ({requests})"
    assert opened.js("document.querySelectorAll('#timeline path[data-series]').length") == 3
    timed = sum(int(x) for x in opened.js(
        "() => [...document.querySelectorAll('#hours rect[data-count]')].map(r => r.dataset.count)"))
    rows = run(load_store(seed_graph), (Path(__file__).parent.parent / "queries" / "request-answers.rq")
               .read_text(encoding="utf-8"))
    hours = rows.columns.index("hours")
    assert timed == sum(1 for row in rows.rows if row[hours] is not None) > 0


def test_text_from_the_sources_is_never_markup(browser, tmp_path):
    from kg.rdf.pipeline import run_build

    evil = "<script>alert(1)</script> \"quoted\" & 'single' </script><img src=x onerror=alert(2)>"
    page = tmp_path / "page.txt"
    page.write_text(SEED.read_text(encoding="utf-8").replace(
        "We are planning to send a note to Hirota", evil + " We are planning to send a note to Hirota", 1),
        encoding="utf-8")
    run_build([page], tmp_path / "build")
    out = explore(tmp_path / "build" / "graph.ttl", tmp_path / "explorer.html", "decisions").path
    assert "<script>alert" not in out.read_text(encoding="utf-8")
    opened = Opened(browser, out)
    try:
        opened.js("id => kgExplorer.select(id)", LETTER_2_OCT)
        opened.page.wait_for_function("() => document.querySelector('#detail h2') !== null")
        assert evil in opened.detail()
        opened.page.fill("#search", "<script>")
        opened.page.wait_for_timeout(100)
        assert opened.dialogs == [] and opened.errors == []
        assert opened.requests == [opened.url]
        assert opened.js("document.querySelectorAll('#detail img, #detail script').length") == 0
    finally:
        opened.close()
