"""Dereferencing over real HTTP: /id/… answers 303 by Accept, descriptions in every format, pages, the ontology, and
the w3id.org redirect rules (docs/w3id/.htaccess) followed to the server."""
from __future__ import annotations

import http.client
import re
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg.namespace import ID, ONTOLOGY_IRI
from kg.web.deref import INCOMING, Describe, html_page, lookup
from kg.web.serve import Settings

from .tools import serving

ROOT = Path(__file__).resolve().parent.parent
HTACCESS = ROOT / "docs" / "w3id" / ".htaccess"
PLACEHOLDER = "https://politburo-kg.example.org"
BASE = str(ID)
STALIN = BASE + "person/stalin"
# A node added beside the seed's graph: markup in its literals, blank nodes two deep, and a path beyond ASCII.
MARKUP = BASE + "person/zz-markup"
MOSCOW = BASE + "place/москва-test"
SCRIPT = "<script>alert('x')</script>"
EXTRA = f"""
<{MARKUP}> a <https://schema.org/Person> ;
    <http://www.w3.org/2000/01/rdf-schema#label> "{SCRIPT} & \\"Co\\"" ;
    <https://schema.org/description> "<img src=x onerror=alert(1)>"@en ;
    <https://schema.org/homeLocation> <{MOSCOW}> ;
    <https://schema.org/address> [ <https://schema.org/name> "inner <i>" ;
                                   <https://schema.org/geo> [ <https://schema.org/latitude> "55.75" ] ] .
<{MOSCOW}> <http://www.w3.org/2000/01/rdf-schema#label> "Москва"@ru .
"""
EXTRA_GRAPH = BASE + "graph/test-extra"
TYPES = {"ttl": ("text/turtle", ox.RdfFormat.TURTLE), "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
         "rdf": ("application/rdf+xml", ox.RdfFormat.RDF_XML), "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES)}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def graph(seed_build, tmp_path_factory) -> Path:
    """The seed's graph (its quads, every named graph) and the extra node in a graph of its own."""
    store = ox.Store()
    store.load(path=str(seed_build[1] / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    store.load(EXTRA.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(EXTRA_GRAPH))
    path = tmp_path_factory.mktemp("deref") / "graph.nq"
    store.dump(str(path), format=ox.RdfFormat.N_QUADS)
    return path


@pytest.fixture(scope="module")
def store(graph) -> ox.Store:
    s = ox.Store()
    s.load(path=str(graph), format=ox.RdfFormat.N_QUADS)
    return s


@pytest.fixture(scope="module")
def server(graph):
    with serving(Settings(graph, port=0, workers=2, timeout=10)) as srv:
        yield srv


def get(server, path: str, accept: str | None = None, method: str = "GET", headers: dict | None = None):
    """One request as written, no redirect followed: (status, headers, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.site.settings.port, timeout=30)
    try:
        conn.request(method, path, headers={**({"Accept": accept} if accept else {}), **(headers or {})})
        r = conn.getresponse()
        return r.status, r.headers, r.read()
    finally:
        conn.close()


def local(iri: str) -> str:
    return urllib.parse.quote(iri[len(BASE):], safe="/:@!$&'()*+,;=-._~")


def subjects(store: ox.Store) -> list[str]:
    """Every IRI under the namespace that the graph says something about."""
    return sorted({q.subject.value for q in store if isinstance(q.subject, ox.NamedNode)
                   and q.subject.value.startswith(BASE)})


def own(store: ox.Store, iri: str) -> set[str]:
    """The triples with the IRI as subject, as N-Triples lines (each once, whatever graphs state it), a blank node
    written as _:"""
    return {_blank(str(q.triple)) for q in store.quads_for_pattern(ox.NamedNode(iri), None, None)}


def _blank(line: str) -> str:
    return re.sub(r"_:[A-Za-z0-9]+$", "_:", line)


def a_letter(store: ox.Store) -> str:
    """A letter of the seed, found by its class (its IRI pattern is not fixed here)."""
    rows = store.query(f"SELECT ?l WHERE {{ ?l a <{ONTOLOGY_IRI}#Letter> }} ORDER BY ?l LIMIT 1",
                       use_default_graph_as_union=True)
    return next(iter(rows))["l"].value


# ---------------------------------------------------------------------------------------------- /id/ → 303


def test_a_thing_answers_303_to_the_document_its_client_prefers(server, store):
    for iri in (STALIN, a_letter(store)):
        path = local(iri)
        for accept, target in (("text/turtle", f"/data/{path}.ttl"), ("application/ld+json", f"/data/{path}.jsonld"),
                               ("application/rdf+xml", f"/data/{path}.rdf"),
                               ("application/n-triples", f"/data/{path}.nt"),
                               (BROWSER, f"/page/{path}"), ("text/html", f"/page/{path}"),
                               ("text/turtle;q=0.5, application/ld+json", f"/data/{path}.jsonld"),
                               ("text/html;q=0.1, application/rdf+xml;q=0.9", f"/data/{path}.rdf"),
                               ("*/*", f"/data/{path}.ttl"), (None, f"/data/{path}.ttl")):
            status, headers, _ = get(server, "/id/" + path, accept)
            assert (status, headers["Location"]) == (303, target), (iri, accept)
            assert "Accept" in headers["Vary"]


def test_unknown_iri_is_404_and_unacceptable_type_406(server):
    for path in ("/id/person/nobody-at-all", "/data/person/nobody-at-all.ttl", "/data/person/nobody-at-all.nt",
                 "/page/person/nobody-at-all", "/id/", "/data/person/stalin.txt", "/data/person/stalin"):
        status, headers, body = get(server, path, "text/turtle")
        assert status == 404, path
        assert b"Traceback" not in body
    status, headers, body = get(server, "/page/person/nobody-at-all", BROWSER)
    assert status == 404 and headers["Content-Type"].startswith("text/html")
    status, headers, body = get(server, "/id/" + local(STALIN), "image/png")
    assert status == 406 and "Accept" in headers["Vary"] and b"text/turtle" in body
    assert get(server, "/id/" + local(STALIN), "text/turtle;q=0, image/png")[0] == 406


def test_head_answers_as_get_without_a_body(server):
    status, headers, body = get(server, "/id/" + local(STALIN), "text/turtle", method="HEAD")
    assert (status, headers["Location"], body) == (303, "/data/person/stalin.ttl", b"")
    status, headers, body = get(server, "/data/person/stalin.ttl", method="HEAD")
    assert (status, body) == (200, b"") and headers["Content-Type"].startswith("text/turtle")
    assert get(server, "/page/person/stalin", method="HEAD")[0] == 200
    assert get(server, "/id/person/nobody-at-all", method="HEAD")[0] == 404


def test_cors_as_the_endpoint(server):
    for path in ("/id/person/stalin", "/data/person/stalin.jsonld", "/ontology.ttl"):
        _, headers, _ = get(server, path, "application/ld+json", headers={"Origin": "https://elsewhere.example"})
        assert headers["Access-Control-Allow-Origin"] == "*"


# ---------------------------------------------------------------------------------------------- descriptions


def described(server, iri: str, ext: str) -> tuple[set[str], set[str]]:
    """The description of an IRI in one format, parsed: (triples with it as subject, triples with it as object)."""
    status, headers, body = get(server, f"/data/{local(iri)}.{ext}")
    media, fmt = TYPES[ext]
    assert status == 200 and headers["Content-Type"].startswith(media)
    triples = [q.triple for q in ox.parse(body, format=fmt)]
    node = ox.NamedNode(iri)
    topic = ox.Triple(ox.NamedNode(server.site.base_url + f"/data/{local(iri)}.{ext}"),
                      ox.NamedNode("http://xmlns.com/foaf/0.1/primaryTopic"), node)
    assert topic in triples
    return ({_blank(str(t)) for t in triples if t.subject == node},
            {str(t) for t in triples if t.object == node and t != topic})


def test_every_format_parses_and_holds_the_things_triples(server, store):
    assert described(server, STALIN, "ttl")[1]
    for iri in (STALIN, a_letter(store)):
        want = own(store, iri)
        incoming = {str(q.triple) for q in store.quads_for_pattern(None, None, ox.NamedNode(iri))}
        for ext in TYPES:
            about, links = described(server, iri, ext)
            assert about == want, (iri, ext)
            assert links <= incoming and (links or not incoming), (iri, ext)
    # rdflib reads the JSON-LD too, its context inline (no network)
    _, _, body = get(server, "/data/person/stalin.jsonld")
    g = rdflib.Graph().parse(data=body, format="json-ld")
    assert (rdflib.URIRef(STALIN), rdflib.URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"),
            rdflib.Literal("Iosif Vissarionovich Stalin", lang="en")) in g


def test_every_iri_of_the_graph_is_described(server, store):
    iris = subjects(store)
    assert len(iris) > 200
    for iri in iris:
        assert get(server, "/id/" + local(iri), "application/n-triples")[0] == 303, iri
        about, _ = described(server, iri, "nt")
        assert about == own(store, iri), iri


def test_named_graphs_and_iris_only_linked_to_are_known(server, store):
    # a graph's name, stated nowhere as a subject: described as the named graph it is
    status, _, body = get(server, "/page/graph/authority", BROWSER)
    assert status == 200 and b"A named graph of this dataset" in body
    objects = sorted({q.object.value for q in store if isinstance(q.object, ox.NamedNode)
                      and q.object.value.startswith(BASE)} - set(subjects(store)))
    for iri in objects:
        assert get(server, "/id/" + local(iri), "text/turtle")[0] == 303


def test_links_to_a_thing_are_bounded_and_ordered(server, store):
    status, _, body = get(server, "/data/person/stalin.nt")
    lines = body.decode().splitlines()
    linked = [line for line in lines if line.split(" ", 2)[2].startswith(f"<{STALIN}>")]
    assert 0 < len(linked) <= INCOMING
    assert linked == sorted(linked, key=lambda line: (line.split(" ")[0], line.split(" ")[1]))
    # the document names its topic
    assert f"<http://xmlns.com/foaf/0.1/primaryTopic> <{STALIN}> ." in body.decode()


def test_blank_nodes_are_followed_and_labelled_in_one_order(server, graph):
    status, _, body = get(server, f"/data/{local(MARKUP)}.nt")
    text = body.decode()
    assert '"inner <i>"' in text and '"55.75"' in text
    assert "_:b1" in text and "_:b2" in text
    # the same description, byte for byte, from two stores that labelled the blank nodes differently
    outputs = set()
    for _ in range(2):
        s = ox.Store()
        s.load(path=str(graph), format=ox.RdfFormat.N_QUADS)
        d = lookup(s, Describe(MARKUP))
        outputs.add((tuple(str(t) for t in d.triples), html_page(d, local(MARKUP), {})))
    assert len(outputs) == 1
    assert get(server, f"/data/{local(MARKUP)}.nt")[2] == body


def test_an_iri_beyond_ascii_is_percent_encoded_in_links(server):
    path = local(MOSCOW)
    assert "%D0%BC" in path
    status, headers, _ = get(server, "/id/" + path, "text/turtle")
    assert (status, headers["Location"]) == (303, f"/data/{path}.ttl")
    about, _ = described(server, MOSCOW, "ttl")
    assert f'<{MOSCOW}> <http://www.w3.org/2000/01/rdf-schema#label> "Москва"@ru' in about


# ------------------------------------------------------------------------------------------------- pages


def test_the_page_is_escaped_and_links_to_the_graph(server):
    status, headers, body = get(server, f"/page/{local(MARKUP)}", BROWSER)
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "<script" not in page and "<img" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;Co&quot;" in page
    title = re.search(r"<title>(.*?)</title>", page).group(1)
    assert title.startswith("&lt;script&gt;")
    assert f'href="/id/{local(MOSCOW)}"' in page and "Москва" in page
    for ext, (media, _) in TYPES.items():
        assert f'<link rel="alternate" type="{media}" href="/data/{local(MARKUP)}.{ext}"' in page
    # nothing fetched from elsewhere: no scripts, images, stylesheets or frames
    assert not re.search(r"<(script|img|iframe|object|embed)\b|rel=\"stylesheet\"|<[^>]*\ssrc=", page)


def test_a_persons_page(server, store):
    status, _, body = get(server, "/page/person/stalin", BROWSER)
    page = body.decode()
    assert "<title>Iosif Vissarionovich Stalin</title>" in page
    assert "Links to it" in page and f'href="/id/{local(a_letter(store))}"' in page
    assert 'href="/ontology#role"' in page


# ------------------------------------------------------------------------------------------------ ontology


def test_the_ontology_negotiates(server):
    for accept, target in (("text/turtle", "/ontology.ttl"), ("application/ld+json", "/ontology.jsonld"),
                           ("application/rdf+xml", "/ontology.rdf"), ("application/n-triples", "/ontology.nt"),
                           (BROWSER, "/ontology.html"), (None, "/ontology.ttl")):
        status, headers, _ = get(server, "/ontology", accept)
        assert (status, headers["Location"]) == (303, target) and "Accept" in headers["Vary"]
    assert get(server, "/ontology", "image/png")[0] == 406
    assert get(server, "/ontology.txt")[0] == 404
    for ext, (media, fmt) in TYPES.items():
        status, headers, body = get(server, f"/ontology.{ext}")
        assert status == 200 and headers["Content-Type"].startswith(media)
        triples = [q.triple for q in ox.parse(body, format=fmt)]
        assert ox.Triple(ox.NamedNode(ONTOLOGY_IRI), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                         ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology")) in triples
    assert get(server, "/ontology.ttl")[2] == (ROOT / "ontology" / "pbo.ttl").read_bytes()
    _, _, body = get(server, "/ontology.html")
    assert b'<dt id="Letter">' in body and b'<dt id="sourceLine">' in body


# --------------------------------------------------------------------------------------- the w3id.org rules


def rules(text: str) -> list[tuple[list[tuple[str, str, bool]], str, str, str]]:
    """The RewriteRule lines, each with the RewriteCond lines before it: (conditions, pattern, target, flags)."""
    out, conds = [], []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if parts[0] == "RewriteCond":
            assert len(parts) == 3 and parts[1] == "%{HTTP_ACCEPT}", f".htaccess:{n}: {line}"
            negated = parts[2].startswith("!")
            conds.append((parts[1], parts[2].lstrip("!"), negated))
        elif parts[0] == "RewriteRule":
            assert len(parts) == 4, f".htaccess:{n}: {line}"
            _, pattern, target, flags = parts
            assert flags in ("[R=303,L]",), f".htaccess:{n}: {flags}"
            assert target.startswith(PLACEHOLDER + "/"), f".htaccess:{n}: {target}"
            re.compile(pattern)
            for _, p, _ in conds:
                re.compile(p)
            out.append((conds, pattern, target, flags))
            conds = []
        else:
            assert line in ("Options +FollowSymLinks", "RewriteEngine on"), f".htaccess:{n}: {line}"
    assert not conds, "a RewriteCond with no RewriteRule after it"
    return out


def redirect(path: str, accept: str) -> str | None:
    """Where the rules send a request for https://w3id.org/politburo-kg/{path} (mod_rewrite's reading)."""
    for conds, pattern, target, _ in rules(HTACCESS.read_text(encoding="utf-8")):
        m = re.search(pattern, path)
        if m is None:
            continue
        if all(bool(re.search(p, accept)) != negated for _, p, negated in conds):
            return re.sub(r"\$(\d)", lambda g: m.group(int(g.group(1))), target)
    return None


def test_the_w3id_rules_are_well_formed_and_cover_the_namespace():
    text = HTACCESS.read_text(encoding="utf-8")
    assert "RewriteEngine on" in text
    found = rules(text)
    assert {pattern for _, pattern, _, _ in found} >= {"^id/(.+)$", "^ontology$"}
    assert (ROOT / "docs" / "w3id" / "README.md").is_file()
    host = PLACEHOLDER
    cases = {("id/person/stalin", "text/turtle"): f"{host}/data/person/stalin.ttl",
             ("id/person/stalin", "application/ld+json"): f"{host}/data/person/stalin.jsonld",
             ("id/person/stalin", "application/rdf+xml"): f"{host}/data/person/stalin.rdf",
             ("id/person/stalin", "application/n-triples"): f"{host}/data/person/stalin.nt",
             ("id/person/stalin", BROWSER): f"{host}/page/person/stalin",
             ("id/person/stalin", "text/turtle;q=0.5, application/ld+json"): f"{host}/id/person/stalin",
             ("id/person/stalin", "*/*"): f"{host}/id/person/stalin",
             ("ontology", "text/turtle"): f"{host}/ontology.ttl",
             ("ontology", BROWSER): f"{host}/ontology.html",
             ("ontology", ""): f"{host}/ontology",
             ("ontology.rdf", ""): f"{host}/ontology.rdf",
             ("", BROWSER): f"{host}/"}
    for (path, accept), target in cases.items():
        assert redirect(path, accept) == target, (path, accept)
    assert redirect("elsewhere", "text/turtle") is None


def test_the_w3id_rules_lead_to_the_served_documents(server, store):
    for iri in (STALIN, a_letter(store), BASE + "graph/authority"):
        path = "id/" + iri[len(BASE):]
        for accept in ("text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples",
                       BROWSER, "text/turtle;q=0.5, application/ld+json", "*/*"):
            target = redirect(path, accept)
            assert target is not None and target.startswith(PLACEHOLDER)
            status, headers, _ = get(server, target[len(PLACEHOLDER):], accept)
            if status == 303:  # the server negotiates what the rules left to it
                status, headers, _ = get(server, headers["Location"], accept)
            assert status == 200, (iri, accept, target)
    for accept in ("text/turtle", BROWSER, "application/ld+json;q=0.9, text/turtle;q=0.2", ""):
        target = redirect("ontology", accept)
        assert target is not None
        status, headers, _ = get(server, target[len(PLACEHOLDER):], accept or None)
        if status == 303:
            status, headers, _ = get(server, headers["Location"], accept or None)
        assert status == 200, accept


def test_the_w3id_readme_links_lead_somewhere():
    from .test_docs import test_links_lead_somewhere

    test_links_lead_somewhere(ROOT / "docs" / "w3id" / "README.md")
