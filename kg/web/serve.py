"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint with a query page, dumps, the explorer, descriptions, and
the graph's IRIs and ontology dereferenced."""
from __future__ import annotations

import contextlib
import html
import json
import os
import shutil
import signal
import socket
import tempfile
import threading
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import KgError, ServeError
from ..graphfile import to_bytes
from ..store.oxigraph import Dataset
from .deref import EXTENSIONS, Describe, Description
from .ontology import Ontology
from .workers import UPDATE_REFUSED, Answer, Job, Limits, QueryPool, StoreSpec, text_answer

TEMPLATES = Path(__file__).resolve().parent / "templates"
DUMP_FORMATS = ("ttl", "nt", "trig", "nq", "jsonld")
LOOPBACK = ("127.0.0.1", "localhost", "::1")
WRITE_METHODS = ["POST", "PUT", "DELETE", "PATCH"]
# Names clients give the service's own default graph in default-graph-uri (rdflib's Dataset sends the first
# with every query, Jena's the second): naming it is asking for the default dataset.
# Requests that may wait for a query worker at once (each on a thread); more wait for a thread first.
WAITING = 512
DEFAULT_GRAPH_NAMES = ("urn:x-rdflib:default", "urn:x-arq:DefaultGraph")


@dataclass
class Settings:
    """What the server serves and its limits."""

    graph: Path
    host: str = "127.0.0.1"
    port: int = 8000
    store_path: Path | None = None
    workers: int = 2
    timeout: float = 10.0
    max_rows: int = 100_000
    max_bytes: int = 100_000_000
    max_body: int = 1_000_000
    allow_service: bool = False
    base_url: str | None = None  # the public address, when behind a proxy
    per_client: int | None = None  # queries one client may run at once (default: all workers but one)
    proxies: str = "127.0.0.1,::1"  # proxies whose X-Forwarded-For names the client ("" trusts none)


@dataclass
class Site:
    """Everything prepared before the first request: worker pool, dumps, query page and VoID description."""

    settings: Settings
    pool: QueryPool
    dumps: dict[str, Path]
    void: dict[str, bytes]  # the VoID description in each RDF format it is offered in
    description: dict[str, bytes]  # the service description, likewise
    page: str
    workdir: Path
    triples: int
    base_url: str
    graphs: list[tuple[str, int]] = field(default_factory=list)  # the named graphs and their sizes
    notes: list[str] = field(default_factory=list)  # warnings for whoever starts the server
    ontology: Ontology | None = None
    explorer: Path | None = None
    explorer_error: str | None = None
    _explorer_lock: threading.Lock = field(default_factory=threading.Lock)

    def close(self) -> None:
        self.pool.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


def _write_dumps(graph: Path, workdir: Path, base_url: str) -> dict[str, Path]:
    """graph.<ext> for every dump format (the build's own files beside the graph when there) and cmif.xml."""
    from ..graphfile import read_quads, write
    from ..rdf.cmif import cmif

    quads = read_quads(graph)
    siblings = {fmt: graph.with_suffix("." + fmt) for fmt in DUMP_FORMATS} if graph.stem == "graph" else {}
    dumps = {f"graph.{fmt}": path for fmt, path in siblings.items() if path.is_file()}
    missing = [fmt for fmt in DUMP_FORMATS if f"graph.{fmt}" not in dumps]
    dumps.update((path.name, path) for path in write(quads, workdir, missing))
    path = workdir / "cmif.xml"
    path.write_bytes(cmif(quads, url=base_url + "/data/cmif.xml")[0])
    dumps["cmif.xml"] = path
    return dumps


def prepare(settings: Settings) -> Site:
    """Open the graph, describe it, write the dumps and start the query workers."""
    from ..store.oxigraph import OxigraphStore
    from .sandbox import available
    from .void import PREFIXES, SD_PREFIXES, describe, named_graphs, service_description

    graph = Path(settings.graph)
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    base_url = (settings.base_url or f"http://{host}:{settings.port}").rstrip("/")
    workdir = Path(tempfile.mkdtemp(prefix="kg-serve-"))
    try:
        # Loading here first means an on-disk store is filled once, before the workers open it read-only, and
        # that the build's quads file beside a file of triples is checked once, not by every worker.
        if settings.store_path is not None:
            store = OxigraphStore.on_disk(graph, settings.store_path)
            spec = StoreSpec(graph, settings.store_path, store.sha256, store.companion_sha256,
                             sandbox=not settings.allow_service)
        else:
            store = OxigraphStore.memory(graph)
            # Workers (and the ones that replace them later) load a copy taken now, so that a rebuild of the
            # files meanwhile cannot give them another graph than the one checked and described here.
            chosen = store.loaded.graphs or graph
            load = workdir / ("served" + chosen.suffix)
            shutil.copyfile(chosen, load)
            spec = StoreSpec(graph, load=load, sandbox=not settings.allow_service)
        notes = [store.loaded.note] if store.loaded.note else []
        dumps = _write_dumps(graph, workdir, base_url)
        triples = store.triple_count()
        graphs = named_graphs(store)
        void = rdf_formats(describe(store, base_url, dumps, triples), PREFIXES)
        description = rdf_formats(service_description(base_url, triples, graphs, settings.allow_service),
                                  SD_PREFIXES)
        store.close()
        del store
        page = query_page(settings, dumps, triples)
        ontology = _ontology()
        pool = QueryPool(spec, size=settings.workers, timeout=settings.timeout,
                         limits=Limits(settings.max_rows, settings.max_bytes), per_client=settings.per_client).start()
        if spec.sandbox and pool.unsandboxed:
            notes.append(f"the query workers could not give up the network ({pool.unsandboxed}); only the "
                         "reading of each query keeps SERVICE out")
        elif spec.sandbox and available() is not None:
            notes.append(f"the query workers cannot be kept off the network here ({available()})")
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    return Site(settings, pool, dumps, void, description, page, workdir, triples, base_url, graphs, notes,
                ontology=ontology)


def _ontology() -> Ontology:
    """The ontology file shipped with the package, in every format /ontology offers."""
    from ..namespace import PREFIXES as GRAPH_PREFIXES
    from ..resources import ontology_file
    from .ontology import load

    return load(ontology_file("pbo.ttl").read_bytes(),
                lambda triples: rdf_formats(triples, {**GRAPH_PREFIXES, "owl": "http://www.w3.org/2002/07/owl#"}))


def rdf_formats(triples: list, prefixes: dict[str, str]) -> dict[str, bytes]:
    """Triples serialized in each RDF format a description is offered in (by protocol.Format name)."""
    import pyoxigraph as ox

    from ..jsonld import jsonld

    return {"ttl": to_bytes(triples, ox.RdfFormat.TURTLE, prefixes=prefixes),
            "nt": to_bytes(triples, ox.RdfFormat.N_TRIPLES),
            "rdfxml": to_bytes(triples, ox.RdfFormat.RDF_XML, prefixes=prefixes),
            "jsonld": jsonld(triples)}


# ---------------------------------------------------------------------------------------------- the SPARQL endpoint


class _Refused(Exception):
    def __init__(self, status: int, message: str):
        self.answer = text_answer(status, message)


def _media(content_type: str) -> tuple[str, str | None]:
    """The media type of a Content-Type header, and its charset parameter if any."""
    parts = [p.strip() for p in content_type.split(";")]
    charset = next((p.split("=", 1)[1].strip().strip('"').lower() for p in parts[1:]
                    if p.lower().startswith("charset=")), None)
    return parts[0].lower(), charset


def _utf8(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise _Refused(400, f"The {what} is not UTF-8 (byte {e.start}); the protocol allows UTF-8 only.") from None


def _fields(method: str, params: dict[str, list[str]], content_type: str, body: bytes | None) -> dict[str, list[str]]:
    """The protocol's parameters of a request, from its URL and its body, or _Refused saying why not."""
    ctype, charset = _media(content_type)
    fields = {k: list(v) for k, v in params.items()}
    if method in ("GET", "HEAD"):
        if body:
            raise _Refused(400, "A GET request carries no body in the SPARQL Protocol; POST the query instead.")
        return fields
    if ctype == "application/sparql-update":
        raise _Refused(403, UPDATE_REFUSED)
    if charset not in (None, "utf-8", "utf8"):
        raise _Refused(415, f"charset={charset} is refused: SPARQL requests are UTF-8 only.")
    if ctype == "application/sparql-query":
        if "query" in fields:
            raise _Refused(400, "The query is the body of this request; it cannot also be in the URL.")
        fields["query"] = [_utf8(body or b"", "query")]
    elif ctype == "application/x-www-form-urlencoded":
        text = _utf8(body or b"", "form")
        try:
            form = urllib.parse.parse_qs(text, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise _Refused(400, "A form field is not percent-encoded UTF-8.") from None
        for k, v in form.items():
            fields.setdefault(k, []).extend(v)
    elif body:
        raise _Refused(415, f"Unsupported Content-Type {ctype or '(none)'}: send the query as "
                            "application/sparql-query or application/x-www-form-urlencoded.")
    return fields


def _dataset(fields: dict[str, list[str]]) -> Dataset | None:
    """The dataset a request names with default-graph-uri and named-graph-uri, or None for the service's own."""
    default, named = fields.get("default-graph-uri", []), fields.get("named-graph-uri", [])
    if not default and not named:
        return None
    if not named and all(iri in DEFAULT_GRAPH_NAMES for iri in default):
        return None
    return Dataset(tuple(default), tuple(named))


def sparql_answer(site: Site, method: str, params: dict[str, list[str]], content_type: str, body: bytes | None,
                  accept: str | None, client: str = "local") -> Answer:
    """The protocol's answer to one request at /sparql (GET params, form-encoded POST or a query body)."""
    from .protocol import HTML, negotiate

    try:
        fields = _fields(method, params, content_type, body)
    except _Refused as e:
        return e.answer
    if "update" in fields:
        return text_answer(403, UPDATE_REFUSED)
    fmt_hint = fields["format"][0] if fields.get("format") else None
    if method in ("GET", "HEAD") and "query" not in fields and set(fields) <= {"format"}:
        fmt = negotiate("description", accept, fmt_hint)
        if fmt is None:
            return text_answer(406, "The service description is offered as text/turtle, application/n-triples, "
                                    "application/rdf+xml and application/ld+json (and the query page as text/html).")
        if fmt is HTML:
            return Answer(303, "text/plain; charset=utf-8", b"The query page is at /.\n", {"Location": "/"})
        return Answer(200, fmt.content_type, site.description[fmt.name])
    queries = fields.get("query", [])
    if len(queries) != 1 or not queries[0].strip():
        return text_answer(400, "Give exactly one SPARQL query in the 'query' parameter (or as an "
                                "application/sparql-query body).")
    # A byte-order mark is an encoding's signature, not part of the query.
    sparql = queries[0].lstrip("\ufeff")
    job = Job(sparql, accept, fmt_hint, _dataset(fields), site.base_url + "/sparql", site.settings.allow_service)
    return site.pool.execute(job, client)


# ------------------------------------------------------------------------------------------------------- pages


def query_page(settings: Settings, dumps: dict[str, Path], triples: int) -> str:
    """The query page: the query library one click away, results as a table, download links; all inline."""
    from ..store.query import list_queries

    library = [{"name": q.name, "description": q.description, "text": q.text} for q in list_queries()]
    page = (TEMPLATES / "sparql.html").read_text(encoding="utf-8")
    links = "".join(f'<a href="/data/{html.escape(n)}">{html.escape(n)}</a> ' for n in sorted(dumps))
    values = {
        "TITLE": "politburo-kg SPARQL",
        "GRAPH": html.escape(settings.graph.name),
        "TRIPLES": f"{triples:,}",
        "TIMEOUT": f"{settings.timeout:g}",
        "MAXROWS": f"{settings.max_rows:,}",
        "DUMPS": links,
        # "</" cannot end the script element early once escaped
        "LIBRARY": json.dumps(library, ensure_ascii=False).replace("</", "<\\/"),
    }
    for key, value in values.items():
        page = page.replace("{{" + key + "}}", value)
    return page


def explorer_page(site: Site) -> tuple[int, str]:
    """The network explorer built from the served graph (once), or a page saying it is not part of this install."""
    with site._explorer_lock:
        if site.explorer is None and site.explorer_error is None:
            try:
                from ..explore.page import explore
            except ImportError:
                site.explorer_error = "missing"
            else:
                try:
                    site.explorer = explore(site.settings.graph, site.workdir / "explore.html").path
                except KgError as e:
                    site.explorer_error = str(e)
    if site.explorer is not None:
        return 200, site.explorer.read_text(encoding="utf-8")
    if site.explorer_error == "missing":
        message = "The network explorer is not built into this installation of politburo-kg."
    else:
        message = f"The network explorer could not be built from this graph: {site.explorer_error}"
    return 404, _message_page("Explorer not available", message)


def _message_page(title: str, message: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            '<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em}</style>'
            f'</head><body><h1>{html.escape(title)}</h1><p>{html.escape(message)}</p>'
            '<p><a href="/">Query page</a> · <a href="/.well-known/void">Dataset description</a></p></body></html>')


# ----------------------------------------------------------------------------------------------------- the app


def app(site: Site):
    """The ASGI application: the routes below, with the site in the application's state."""
    import anyio
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.routing import Route

    routes = [
        Route("/", _index, methods=["GET"]),
        Route("/sparql", _sparql, methods=["GET", "POST"]),
        Route("/sparql/", _sparql, methods=["GET", "POST"]),
        Route("/explore", _explore, methods=["GET"]),
        Route("/data/{name}", _data, methods=["GET"]),
        Route("/data/{path:path}", _description, methods=["GET"]),
        Route("/page/{path:path}", _page, methods=["GET"]),
        Route("/id/{path:path}", _thing, methods=["GET"]),
        Route("/ontology", _ontology_route, methods=["GET"]),
        Route("/ontology.{ext}", _ontology_route, methods=["GET"]),
        Route("/.well-known/void", _void, methods=["GET"]),
        Route("/{path:path}", _elsewhere, methods=["GET", "HEAD", *WRITE_METHODS]),
    ]
    # Pages on other sites (YASGUI, notebooks in a browser) may query; the data is public and read-only, and no
    # credentials are honoured, so any origin and any request header may come, and the truncation note is shown.
    middleware = [Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"],
                             expose_headers=["X-Result-Truncated"], max_age=600)]
    application = Starlette(routes=routes, middleware=middleware)
    # /sparql and /sparql/ are both the endpoint; other paths are not redirected either
    application.router.redirect_slashes = False
    application.state.site = site
    # Queries wait for a worker (fairly, kg.web.workers.Scheduler) on threads of their own: waiting on the threads
    # that every other request and every answer's relay share would let one client's queue starve the others.
    application.state.waiting = anyio.CapacityLimiter(WAITING)
    return application


def _respond(a: Answer, vary: bool = False):
    """The HTTP response of an answer; a spooled body is relayed in blocks and closed after."""
    from starlette.concurrency import iterate_in_threadpool
    from starlette.responses import Response, StreamingResponse

    headers = dict(a.headers)
    if vary:
        headers["Vary"] = "Accept"
    if isinstance(a.body, (bytes, bytearray)):
        return Response(a.body, status_code=a.status, media_type=a.content_type, headers=headers)
    spool = a.body

    def pieces():
        try:
            while block := spool.read(1 << 16):
                yield block
        finally:
            spool.close()

    return StreamingResponse(iterate_in_threadpool(pieces()), status_code=a.status, media_type=a.content_type,
                             headers=headers)


async def _read_body(request, max_body: int) -> bytes | None:
    """The request's body, or None when it is larger than max_body."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_body:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_body:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def _sparql(request):
    import anyio.to_thread

    site: Site = request.app.state.site
    max_body = site.settings.max_body
    body: bytes | None = b""
    declared = request.headers.get("content-length")
    if request.method == "POST" or (declared and declared != "0") or "transfer-encoding" in request.headers:
        body = await _read_body(request, max_body)
        if body is None:
            return _respond(text_answer(413, f"Request body larger than {max_body:,} bytes."))
    query_string = request.scope.get("query_string", b"")
    if len(query_string) > max_body:
        return _respond(text_answer(414, f"Request URL longer than {max_body:,} bytes: POST the query instead."))
    try:
        params = urllib.parse.parse_qs(query_string.decode("utf-8"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        return _respond(text_answer(400, "A URL parameter is not percent-encoded UTF-8."))
    client = request.client.host if request.client else "local"
    a = await anyio.to_thread.run_sync(sparql_answer, site, request.method, params,
                                       request.headers.get("content-type", ""), body, request.headers.get("accept"),
                                       client, limiter=request.app.state.waiting)
    return _respond(a, vary=True)


async def _index(request):
    from starlette.responses import HTMLResponse

    return HTMLResponse(request.app.state.site.page)


async def _explore(request):
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import HTMLResponse

    status, page = await run_in_threadpool(explorer_page, request.app.state.site)
    return HTMLResponse(page, status_code=status)


async def _data(request):
    from starlette.responses import FileResponse

    site: Site = request.app.state.site
    name = request.path_params["name"]
    if name == "context.jsonld":
        from ..resources import ontology_file

        return FileResponse(ontology_file("context.jsonld"), media_type="application/ld+json")
    path = site.dumps.get(name)
    if path is None:
        if name.rsplit(".", 1)[-1] in EXTENSIONS:
            # the description of an IRI one step under /id/ (any other is under /data/… with a slash)
            return await _description(request)
        return _respond(text_answer(404, f"No dump named {name}; there are: "
                                         f"{', '.join(sorted(site.dumps))}, context.jsonld."))
    from .void import MEDIA_TYPES

    ext = name.rsplit(".", 1)[-1]
    return FileResponse(path, media_type=MEDIA_TYPES[ext], filename=name, content_disposition_type="inline")


async def _void(request):
    from .protocol import negotiate

    site: Site = request.app.state.site
    fmt = negotiate("graph", request.headers.get("accept"), request.query_params.get("format"))
    if fmt is None or fmt.name not in site.void:
        return _respond(text_answer(406, "The description is offered as text/turtle, application/n-triples, "
                                         "application/rdf+xml and application/ld+json."), vary=True)
    return _respond(Answer(200, fmt.content_type, site.void[fmt.name]), vary=True)


async def _elsewhere(request):
    if request.method in ("GET", "HEAD"):
        return _respond(text_answer(404, f"Nothing at {request.url.path}: the endpoint is /sparql, the query "
                                         "page /, the dumps /data/, the description /.well-known/void, the graph's "
                                         "things /id/…, the ontology /ontology."))
    allow = "GET, HEAD, POST" if request.url.path in ("/sparql", "/sparql/") else "GET, HEAD"
    return _respond(Answer(405, "text/plain; charset=utf-8",
                           b"This server is read-only: it accepts no writes (no SPARQL Update, "
                           b"no Graph Store Protocol).\n", {"Allow": allow}))


# ------------------------------------------------------------------------------------------- dereferencing


DEREF_TYPES = ("text/turtle, application/ld+json, application/rdf+xml, application/n-triples and text/html")


async def _lookup(request, iri: str, probe: bool = False):
    """What a worker finds about an IRI (a Description, or for a probe whether it is known), or an Answer if none."""
    import anyio.to_thread

    site: Site = request.app.state.site
    client = request.client.host if request.client else "local"
    job = Describe(iri, probe=probe, limit=site.settings.max_rows)
    return await anyio.to_thread.run_sync(site.pool.describe, job, client, limiter=request.app.state.waiting)


def _unknown(iri: str) -> Answer:
    return text_answer(404, f"The graph says nothing about <{iri}>.")


async def _thing(request):
    """/id/{path}: 303 See Other to the description in the format the client prefers, 404 for an unknown IRI."""
    from .deref import FORMAT_EXTENSION, ID_BASE, url_path
    from .protocol import negotiate

    path = request.path_params["path"]
    iri = ID_BASE + path
    if not path:
        return _respond(text_answer(404, "/id/ alone names nothing; the graph's things are at /id/person/…, "
                                         "/id/letter/… and so on (see the query page)."), vary=True)
    found = await _lookup(request, iri, probe=True)
    if isinstance(found, Answer):
        return _respond(found, vary=True)
    if not found:
        return _respond(_unknown(iri), vary=True)
    fmt = negotiate("description", request.headers.get("accept"))
    if fmt is None:
        return _respond(text_answer(406, f"<{iri}> is described in {DEREF_TYPES}."), vary=True)
    target = "/page/" + url_path(path) if fmt.name == "html" else \
        f"/data/{url_path(path)}.{FORMAT_EXTENSION[fmt.name]}"
    return _respond(Answer(303, "text/plain; charset=utf-8", f"See {target}\n".encode(), {"Location": target}),
                    vary=True)


async def _description(request):
    """/data/{path}.{ext}: the description of the IRI under /id/{path} in the format its extension names."""
    from starlette.concurrency import run_in_threadpool

    from .deref import EXTENSIONS, ID_BASE, document_triples, url_path
    from .protocol import NotRepresentable, write_graph

    site: Site = request.app.state.site
    path = request.path_params.get("path") or request.path_params["name"]
    stem, _, ext = path.rpartition(".")
    if ext not in EXTENSIONS or not stem:
        return _respond(text_answer(404, f"Nothing at /data/{path}: a description is at /data/{{path}}.ttl, .jsonld, "
                                         ".rdf or .nt for the IRI under /id/{path}."))
    iri = ID_BASE + stem
    found = await _lookup(request, iri)
    if isinstance(found, Answer):
        return _respond(found)
    if found is None:
        return _respond(_unknown(iri))
    assert isinstance(found, Description)
    # the document's own URL, as Location headers and links write it
    triples = document_triples(found, f"{site.base_url}/data/{url_path(stem)}.{ext}")
    fmt = EXTENSIONS[ext]
    try:
        body = await run_in_threadpool(write_graph, triples, fmt)
    except NotRepresentable as e:
        return _respond(text_answer(406, str(e)))
    from .protocol import GRAPH_TYPES

    content_type = next(f.content_type for f in GRAPH_TYPES.values() if f.name == fmt)
    return _respond(Answer(200, content_type, body, _truncated(found)))


def _truncated(d: Description) -> dict[str, str]:
    if d.cut:
        return {"X-Result-Truncated": f"more than {len(d.about)} triples about it; first {len(d.about)} sent"}
    return {}


async def _page(request):
    """/page/{path}: the description of the IRI under /id/{path} as a page for people."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import HTMLResponse

    from .deref import ID_BASE, html_page

    site: Site = request.app.state.site
    path = request.path_params["path"]
    iri = ID_BASE + path
    found = await _lookup(request, iri) if path else None
    if isinstance(found, Answer):
        message = found.body.decode("utf-8") if isinstance(found.body, bytes) else "The lookup failed."
        return HTMLResponse(_message_page("Not available now", message), status_code=found.status)
    if not isinstance(found, Description):
        return HTMLResponse(_message_page("Not found", f"The graph says nothing about <{iri}>."), status_code=404)
    labels = site.ontology.labels if site.ontology else {}
    page = await run_in_threadpool(html_page, found, path, labels)
    return HTMLResponse(page, headers=_truncated(found))


async def _ontology_route(request):
    """/ontology: 303 to /ontology.{ext} by Accept; /ontology.ttl, .jsonld, .rdf, .nt, .html: the ontology."""
    from .ontology import EXTENSIONS
    from .protocol import GRAPH_TYPES, HTML, negotiate

    site: Site = request.app.state.site
    assert site.ontology is not None
    ext = request.path_params.get("ext")
    if ext is None:
        fmt = negotiate("description", request.headers.get("accept"))
        if fmt is None:
            return _respond(text_answer(406, f"The ontology is offered as {DEREF_TYPES}."), vary=True)
        target = "/ontology." + next(e for e, name in EXTENSIONS.items() if name == fmt.name)
        return _respond(Answer(303, "text/plain; charset=utf-8", f"See {target}\n".encode(), {"Location": target}),
                        vary=True)
    name = EXTENSIONS.get(ext)
    if name is None:
        return _respond(text_answer(404, "The ontology is at /ontology.ttl, .jsonld, .rdf, .nt and .html."))
    content_type = HTML.content_type if name == "html" else \
        next(f.content_type for f in GRAPH_TYPES.values() if f.name == name)
    return _respond(Answer(200, content_type, site.ontology.formats[name]))


@dataclass
class Server:
    """A prepared site and its listening socket; run() serves until interrupted."""

    site: Site
    sock: socket.socket
    _uvicorn: Any = None  # the uvicorn server while it runs

    @property
    def url(self) -> str:
        return self.site.base_url + "/"

    def run(self) -> None:
        """Serve until Ctrl-C, SIGTERM or stop(), then end the workers."""
        import uvicorn

        class Uvicorn(uvicorn.Server):
            @contextlib.contextmanager
            def capture_signals(self):
                # uvicorn re-raises the signal after shutting down, which would kill the process before the
                # workers are ended and the dumps removed; a stop by signal is a normal end here.
                if threading.current_thread() is not threading.main_thread():
                    yield
                    return
                before = {s: signal.signal(s, self.handle_exit) for s in (signal.SIGINT, signal.SIGTERM)}
                try:
                    yield
                finally:
                    for s, handler in before.items():
                        signal.signal(s, handler)

        # A query sent by GET travels in the request line: let it come in whole, so that one longer than a body
        # may be is answered with 414 (h11's default of 16 KB dropped the connection without an answer).
        config = uvicorn.Config(app(self.site), log_level="warning", access_log=False, lifespan="off",
                                timeout_graceful_shutdown=2, http="h11",
                                proxy_headers=bool(self.site.settings.proxies),
                                forwarded_allow_ips=self.site.settings.proxies or None,
                                h11_max_incomplete_event_size=2 * self.site.settings.max_body + 16_384)
        self._uvicorn = Uvicorn(config)
        try:
            self._uvicorn.run(sockets=[self.sock])
        finally:
            self.close()

    def stop(self) -> None:
        """Ask a running server to finish (from another thread)."""
        if self._uvicorn is not None:
            self._uvicorn.should_exit = True

    def close(self) -> None:
        self.site.close()
        self.sock.close()


def listen(host: str, port: int) -> socket.socket:
    """A listening socket, or a ServeError saying why not."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as e:
        raise ServeError(f"cannot resolve host {host!r}: {e.strerror}", hint="give --host 127.0.0.1") from None
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError as e:
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port}: {e.strerror}", hint="choose another --port") from None
    sock.set_inheritable(True)
    return sock


def start(settings: Settings) -> Server:
    """Bind the address, then prepare the site; nothing is left running if either fails."""
    sock = listen(settings.host, settings.port)
    if settings.port == 0:
        settings.port = sock.getsockname()[1]
    try:
        site = prepare(settings)
    except BaseException:
        sock.close()
        raise
    return Server(site, sock)


def default_workers() -> int:
    """One worker per core, at least two, so that one slow query never blocks the endpoint."""
    return max(2, os.cpu_count() or 2)
