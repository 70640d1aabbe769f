"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint with a query page, dumps, the explorer and a VoID description."""
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

from .errors import KgError, ServeError
from .workers import Answer, QueryPool, StoreSpec, text_answer

TEMPLATES = Path(__file__).resolve().parent / "templates"
DUMP_FORMATS = ("ttl", "nt", "trig", "nq", "jsonld")
LOOPBACK = ("127.0.0.1", "localhost", "::1")
WRITE_METHODS = ["POST", "PUT", "DELETE", "PATCH"]
UPDATE_REFUSED = "This endpoint is read-only: SPARQL Update is refused."


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
    max_body: int = 1_000_000
    allow_service: bool = False
    base_url: str | None = None  # the public address, when behind a proxy


@dataclass
class Site:
    """Everything prepared before the first request: worker pool, dumps, query page and VoID description."""

    settings: Settings
    pool: QueryPool
    dumps: dict[str, Path]
    void: dict[str, bytes]  # the description in each format it is offered in
    page: str
    workdir: Path
    triples: int
    base_url: str
    explorer: Path | None = None
    explorer_error: str | None = None
    _explorer_lock: threading.Lock = field(default_factory=threading.Lock)

    def close(self) -> None:
        self.pool.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


def _write_dumps(graph: Path, workdir: Path, base_url: str) -> dict[str, Path]:
    """graph.<ext> for every dump format (the build's own files beside the graph when there) and cmif.xml."""
    from .cmif import cmif
    from .export import read_quads, write

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
    from .store import OxigraphStore
    from .void import describe

    graph = Path(settings.graph)
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    base_url = (settings.base_url or f"http://{host}:{settings.port}").rstrip("/")
    workdir = Path(tempfile.mkdtemp(prefix="kg-serve-"))
    try:
        # Loading here first means an on-disk store is filled once, before the workers open it read-only.
        if settings.store_path is not None:
            store = OxigraphStore.on_disk(graph, settings.store_path)
        else:
            store = OxigraphStore.memory(graph)
        dumps = _write_dumps(graph, workdir, base_url)
        triples = store.triple_count()
        void = _void_formats(describe(store, base_url, dumps, triples))
        spec = StoreSpec(graph, settings.store_path, store.sha256)
        store.close()
        del store
        page = query_page(settings, dumps, triples)
        pool = QueryPool(spec, size=settings.workers, timeout=settings.timeout, max_rows=settings.max_rows).start()
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    return Site(settings, pool, dumps, void, page, workdir, triples, base_url)


def _void_formats(description: list) -> dict[str, bytes]:
    """The VoID description serialized in each format it is offered in."""
    import pyoxigraph as ox

    from .export import jsonld
    from .void import PREFIXES

    return {"ttl": ox.serialize(description, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES),
            "nt": ox.serialize(description, format=ox.RdfFormat.N_TRIPLES),
            "jsonld": jsonld(description)}


# ---------------------------------------------------------------------------------------------- the SPARQL endpoint


def _form_fields(body: bytes) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)


def sparql_answer(site: Site, method: str, params: dict[str, list[str]], content_type: str, body: bytes,
                  accept: str | None) -> Answer:
    """The protocol's answer to one request at /sparql (GET params, form-encoded POST or a query body)."""
    from .protocol import negotiate, query_form, result_kind, uses_service

    ctype = content_type.split(";")[0].strip().lower()
    fields = {k: list(v) for k, v in params.items()}
    if method == "POST":
        if ctype == "application/sparql-update":
            return text_answer(403, UPDATE_REFUSED)
        if ctype == "application/sparql-query":
            fields.setdefault("query", []).append(body.decode("utf-8", "replace"))
        elif ctype == "application/x-www-form-urlencoded":
            for k, v in _form_fields(body).items():
                fields.setdefault(k, []).extend(v)
        elif body:
            return text_answer(415, f"Unsupported Content-Type {ctype or '(none)'}: send the query as "
                                    "application/sparql-query or application/x-www-form-urlencoded.")
    if "update" in fields:
        return text_answer(403, UPDATE_REFUSED)
    queries = fields.get("query", [])
    if len(queries) != 1 or not queries[0].strip():
        return text_answer(400, "Give exactly one SPARQL query in the 'query' parameter (or as an "
                                "application/sparql-query body).")
    if fields.get("default-graph-uri") or fields.get("named-graph-uri"):
        return text_answer(400, "default-graph-uri and named-graph-uri are not supported: the default graph is "
                                "the union of every graph; use GRAPH in the query.")
    sparql = queries[0]
    form = query_form(sparql)
    if form == "update":
        return text_answer(403, UPDATE_REFUSED)
    if uses_service(sparql) and not site.settings.allow_service:
        return text_answer(403, "SERVICE (federated query to another endpoint) is disabled on this server "
                                "(kg serve --allow-service enables it).")
    kind = result_kind(form)
    fmt = negotiate(kind, accept, (fields.get("format") or [None])[0])
    if fmt is None:
        from .protocol import offered

        types = ", ".join(dict.fromkeys(offered(kind)))
        return text_answer(406, f"None of the types in Accept ({accept}) is offered for this query; "
                                f"offered: {types}.")
    return site.pool.execute(sparql, kind, fmt)


# ------------------------------------------------------------------------------------------------------- pages


def query_page(settings: Settings, dumps: dict[str, Path], triples: int) -> str:
    """The query page: the query library one click away, results as a table, download links; all inline."""
    from .query import list_queries

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
                from .explore import explore
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
    """The ASGI application."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.requests import Request
    from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
    from starlette.routing import Route

    max_body = site.settings.max_body

    async def read_body(request: Request) -> bytes | None:
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

    def respond(a: Answer) -> Response:
        return Response(a.body, status_code=a.status, media_type=a.content_type, headers=a.headers)

    async def sparql(request: Request) -> Response:
        body = b""
        if request.method == "POST":
            body = await read_body(request)
            if body is None:
                return respond(text_answer(413, f"Request body larger than {max_body:,} bytes."))
        params: dict[str, list[str]] = {}
        for k, v in request.query_params.multi_items():
            params.setdefault(k, []).append(v)
        accept = request.headers.get("accept")
        if request.method == "GET" and not params and accept and "text/html" in accept:
            return RedirectResponse("/", status_code=303)
        from starlette.concurrency import run_in_threadpool

        a = await run_in_threadpool(sparql_answer, site, request.method, params,
                                    request.headers.get("content-type", ""), body, accept)
        return respond(a)

    async def index(request: Request) -> Response:
        return HTMLResponse(site.page)

    async def explore(request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool

        status, page = await run_in_threadpool(explorer_page, site)
        return HTMLResponse(page, status_code=status)

    async def data(request: Request) -> Response:
        name = request.path_params["name"]
        if name == "context.jsonld":
            from .resources import ontology_file

            return FileResponse(ontology_file("context.jsonld"), media_type="application/ld+json")
        path = site.dumps.get(name)
        if path is None:
            return respond(text_answer(404, f"No dump named {name}; there are: "
                                            f"{', '.join(sorted(site.dumps))}, context.jsonld."))
        from .void import MEDIA_TYPES

        ext = name.rsplit(".", 1)[-1]
        return FileResponse(path, media_type=MEDIA_TYPES[ext], filename=name,
                            content_disposition_type="inline")

    async def void(request: Request) -> Response:
        from .protocol import CONTENT_TYPES, negotiate

        fmt = negotiate("graph", request.headers.get("accept"), request.query_params.get("format"))
        if fmt is None:
            return respond(text_answer(406, "The description is offered as text/turtle, application/n-triples "
                                            "and application/ld+json."))
        return Response(site.void[fmt], media_type=CONTENT_TYPES[fmt])

    async def read_only(request: Request) -> Response:
        return respond(Answer(405, "text/plain; charset=utf-8",
                              b"This server is read-only: it accepts no writes (no SPARQL Update, "
                              b"no Graph Store Protocol).\n", {"Allow": "GET, HEAD"}))

    routes = [
        Route("/", index, methods=["GET"]),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/explore", explore, methods=["GET"]),
        Route("/data/{name}", data, methods=["GET"]),
        Route("/.well-known/void", void, methods=["GET"]),
        Route("/{path:path}", read_only, methods=WRITE_METHODS),
    ]
    # Pages on other sites (YASGUI, notebooks in a browser) may query; the data is public and read-only.
    middleware = [Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                             allow_headers=["Accept", "Content-Type"])]
    return Starlette(routes=routes, middleware=middleware)


@dataclass
class Server:
    """A prepared site and its listening socket; run() serves until interrupted."""

    site: Site
    sock: socket.socket
    _uvicorn: object = None

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

        config = uvicorn.Config(app(self.site), log_level="warning", access_log=False, lifespan="off",
                                timeout_graceful_shutdown=2)
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
