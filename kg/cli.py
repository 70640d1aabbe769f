"""The `kg` command: a thin layer over the library; each command parses options, calls one function, prints."""
from __future__ import annotations

import sys
from pathlib import Path

import click

DEFAULT_OUT = Path("build")


class KgGroup(click.Group):
    """Turns every library error into one line on stderr and its exit code; never a traceback."""

    def invoke(self, ctx):
        from .errors import KgError

        try:
            return super().invoke(ctx)
        except KgError as e:
            click.echo(f"Error: {e}", err=True)
            sys.exit(e.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="politburo-kg", prog_name="kg")
def cli():
    """Knowledge graph of the Stalin–Kaganovich correspondence (1931–1936).

    Builds an RDF graph of the letters, requests, answers and Politburo decisions from the edition's pages, answers
    SPARQL queries over it, checks it, draws its networks, serves it and exports it. `kg COMMAND --help` gives each
    command's options and an example.

    \b
    Example:
      kg build && kg query answers
    """


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Folder for graph.ttl, graph.nt, graph.trig, graph.nq and graph.jsonld.")
@click.option("--encoding", help="Encoding of the source pages (default: UTF-8, with or without BOM).")
@click.option("--authority", type=click.Path(dir_okay=False, path_type=Path),
              help="Another authority file of persons, places and organisations (Turtle).")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Write what every non-blank source line became (CSV; .tsv or .json by the name).")
@click.option("--strict", is_flag=True, help="Fail (exit code 7) if any source line was not understood.")
@click.option("-j", "--jobs", type=click.IntRange(min=1),
              help="Processes that parse and write  [default: one per core; 1 keeps the build in one process]")
@click.option("-q", "--quiet", is_flag=True, help="Print the summary only: no warnings, no progress bar.")
def build(sources, out, encoding, authority, report, strict, jobs, quiet):
    """Parse source pages and write the graph.

    Reads the edition's month pages (files, or folders of them; default: the bundled seeds/) and writes graph.ttl,
    graph.nt, graph.trig, graph.nq and graph.jsonld into --out. The same pages always give byte-identical files.
    A line it could not interpret is a warning on stderr (file:line: message); --report writes what every line
    became, --strict fails the build (exit code 7) on any line not understood.

    \b
    Examples:
      kg build
      kg build seeds --out build --report build/coverage.csv
      kg build seeds --strict --quiet -j 1
    """
    from .rdf.pipeline import run_build
    from .rdf.progress import progress_bar

    with progress_bar(quiet) as progress:
        result = run_build(list(sources), out, encoding=encoding, authority=authority, report=report, strict=strict,
                           progress=progress, jobs=jobs)
    if not quiet:
        for w in result.warnings:
            click.echo(f"warning: {w}", err=True)
        if result.unknown_names:
            click.echo("names not in the authority file (added as provisional; curate ontology/authority.ttl):",
                       err=True)
            for name, where in sorted(result.unknown_names.items()):
                click.echo(f"  {name}: {', '.join(where)}", err=True)
    s = result.summary()
    click.echo(
        f"Built {out / 'graph.ttl'} from {s['pages']} page{'s' if s['pages'] != 1 else ''}: "
        f"{s['letters']} letters, {s['requests']} requests, {s['responses']} responses, "
        f"{s['decisions']} PB decisions, {s['persons']} persons, {s['triples']} triples; "
        f"{s['accounted'] / max(s['lines'], 1):.1%} of {s['lines']} source lines accounted for; "
        f"{len(result.warnings)} warning{'s' if len(result.warnings) != 1 else ''}."
    )
    if report:
        click.echo(f"Coverage report: {report}")


@cli.command()
@click.argument("query", required=False)
@click.option("--graph", "graph", type=click.Path(path_type=Path), default=DEFAULT_OUT / "graph.ttl",
              show_default=True, help="Graph file (.ttl, .nt, .trig, .nq, .jsonld).")
@click.option("--sparql", help="An ad hoc SPARQL query instead of a named one.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True, help="table for people; csv, tsv or json for programs.")
@click.option("--store", type=click.Choice(["memory", "oxigraph"]), default="memory", show_default=True,
              help="memory: read the graph file for this query; oxigraph: an on-disk Oxigraph store in --store-path, "
                   "loaded from the graph once and reused while the file is unchanged.")
@click.option("--store-path", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the on-disk Oxigraph store (implies --store oxigraph).")
@click.option("--endpoint", metavar="URL",
              help="Ask a SPARQL 1.1 endpoint (kg serve, Oxigraph, Jena, Virtuoso, …) instead; parameters in the URL "
                   "(?default-graph-uri=…) are kept.")
@click.option("--endpoint-method", type=click.Choice(["auto", "direct", "form", "get"]), default="auto",
              show_default=True,
              help="How the query goes to --endpoint: direct: POSTed as the request body, of type "
                   "application/sparql-query; form: POSTed form-encoded (query=…); get: in the URL. auto sends a "
                   "trivial query by direct POST first and goes on by direct POST if the endpoint answers it, by "
                   "form POST if the endpoint refuses it "
                   "or leaves it unanswered for 3 s (Virtuoso 7.2 never answers a direct POST).")
def query(query, graph, sparql, fmt, store, store_path, endpoint, endpoint_method):
    """Run a named query or SPARQL over the graph.

    QUERY is the name of a query in queries/ (`kg queries` lists them) or a .rq file; --sparql gives the text of a
    query instead. It runs over the graph file read into memory (the default), over an on-disk Oxigraph store
    kept in --store-path, or at a SPARQL 1.1 endpoint (--endpoint). A table is for people; csv, tsv and json are
    for programs.

    \b
    Examples:
      kg query answers
      kg query requests --format csv
      kg query --sparql 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
      kg query letters --store-path build/store
      kg query letters --endpoint http://127.0.0.1:8000/sparql
    """
    from .errors import QueryError
    from .store.query import query as run_query
    from .store.query import resolve_query

    if sparql and query:
        raise click.UsageError("give a query name or file, or --sparql, not both")
    if sparql:
        text, source = sparql, "--sparql"
    elif query:
        q = resolve_query(query)
        text, source = q.text, str(q.path)
    else:
        raise QueryError("no query given", hint="name one (`kg queries` lists them), give a .rq file, or --sparql")
    if store_path and store == "memory":
        store = "oxigraph"
    click.echo(run_query(graph, text, fmt, source, store=store, store_path=store_path, endpoint=endpoint,
                         endpoint_method=endpoint_method,
                         warn=lambda note: click.echo(f"warning: {note}", err=True)), nl=False)


@cli.command()
def queries():
    """List the named queries and what they answer.

    Each name can be given to `kg query`; the queries are the .rq files in queries/, and their first comment lines
    are the descriptions shown.

    \b
    Example:
      kg queries
    """
    from .store.query import list_queries

    for q in list_queries():
        click.echo(f"{q.name:28s} {q.description}")


@cli.command()
@click.option("--graph", "graph", type=click.Path(path_type=Path), default=DEFAULT_OUT / "graph.ttl",
              show_default=True, help="Graph file to check.")
def validate(graph):
    """Check the graph against the SHACL shapes.

    Checks the graph file against the shapes in ontology/shapes.ttl (pySHACL) and that every typed literal is valid
    for its datatype. A violation (what a letter, request, response or decision must have) fails with exit code 6;
    warnings (what it should have) are listed on stderr and do not fail.

    \b
    Examples:
      kg validate
      kg validate --graph build/graph.nt
    """
    from .errors import ValidationFailed
    from .rdf.validate import validate as run_validate

    report = run_validate(graph)
    if not report.conforms:
        click.echo(report.text, err=True)
        raise ValidationFailed(f"{len(report.violations)} violation(s) of the shapes", file=str(graph))
    for w in report.warnings:
        click.echo(f"warning: {w}", err=True)
    extra = f"; {len(report.warnings)} warning{'s' if len(report.warnings) != 1 else ''}" if report.warnings else ""
    click.echo(f"Conforms: {graph} satisfies every shape ({report.focus_nodes} nodes checked{extra}).")


@cli.command()
@click.option("--graph", "graph", type=click.Path(path_type=Path), default=DEFAULT_OUT / "graph.ttl",
              show_default=True, help="Graph file to draw (.ttl, .nt, .trig, .nq, .jsonld).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_OUT / "explorer.html",
              show_default=True, help="The HTML page to write.")
@click.option("--view", type=click.Choice(["correspondence", "decisions", "mentions"]), default="correspondence",
              show_default=True, help="The network the page opens with (all three are in the page).")
def explore(graph, out, view):
    """Write an offline HTML page of the networks.

    One page, with everything it needs inside it, to explore who wrote to whom (correspondence), how requests became
    Politburo decisions (decisions) and who was named with whom (mentions). Open it from disk in any browser; it
    loads nothing from the network. The same graph always gives a byte-identical page.

    \b
    Examples:
      kg explore
      kg explore --view decisions --out build/decisions.html
    """
    from .explore.page import explore as run_explore
    from .explore.page import human_size

    result = run_explore(graph, out, view)
    c = result.counts
    click.echo(
        f"Wrote {result.path} ({human_size(result.size)}): correspondence {c['correspondence'][0]} persons and "
        f"{c['correspondence'][1]} links, decisions {c['decisions'][0]} nodes and {c['decisions'][1]} links, "
        f"mentions {c['mentions'][0]} persons and {c['mentions'][1]} links. Open it in a browser; it needs no network."
    )


@cli.command()
@click.option("--graph", "graph", type=click.Path(path_type=Path), default=DEFAULT_OUT / "graph.ttl",
              show_default=True, help="Graph file to serve (.ttl, .nt, .trig, .nq, .jsonld).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback lets other machines query.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="TCP port; 0 takes any free one (the address is printed).")
@click.option("--store-path", type=click.Path(file_okay=False, path_type=Path),
              help="Serve from an on-disk Oxigraph store in this folder (large graphs: loaded once, not per worker).")
@click.option("--workers", type=click.IntRange(1, 64),
              help="Query worker processes (default: one per core, at least 2).")
@click.option("--timeout", type=click.FloatRange(0.1), default=10.0, show_default=True,
              help="Seconds a query may run; then it is stopped and answered with HTTP 503.")
@click.option("--max-rows", type=click.IntRange(1), default=100_000, show_default=True,
              help="Rows (or triples) sent at most; more are cut and the X-Result-Truncated header says so.")
@click.option("--max-bytes", type=click.IntRange(1024), default=100_000_000, show_default=True,
              help="Bytes of an answer sent at most; the rows beyond are cut and X-Result-Truncated says so.")
@click.option("--max-body", type=click.IntRange(1024), default=1_000_000, show_default=True,
              help="Largest request body in bytes (HTTP 413 beyond).")
@click.option("--allow-service", is_flag=True, help="Let queries reach other endpoints with SERVICE (else HTTP 403).")
@click.option("--base-url", help="The server's public address, when a proxy stands in front (for VoID and links).")
@click.option("--per-client", type=click.IntRange(min=1),
              help="Queries one client (address) may run at once  [default: all workers but one]")
@click.option("--proxy", "proxies", default="127.0.0.1,::1", show_default=True,
              help="Addresses of the proxies in front whose X-Forwarded-For header names the client ('' trusts none).")
def serve(graph, host, port, store_path, workers, timeout, max_rows, max_bytes, max_body, allow_service, base_url,
          per_client, proxies):
    """Serve the graph over SPARQL, read-only.

    A SPARQL 1.1 Protocol endpoint at /sparql, with a query page at /, the explorer at /explore, the dumps under
    /data/ and a VoID description at /.well-known/void. The graph's IRIs are dereferenced: /id/… (the IRIs under
    https://w3id.org/politburo-kg/id/) answers 303 to its description, /data/….ttl (.jsonld, .rdf, .nt) or /page/…
    for a browser, by Accept (curl -L -H 'Accept: text/turtle' …/id/person/stalin); /ontology serves the
    ontology likewise. It listens on 127.0.0.1 unless --host says otherwise, refuses updates, and refuses SERVICE
    unless --allow-service; each query runs in a worker process with a time limit. Ctrl-C stops it.

    \b
    Examples:
      kg serve
      kg serve --port 0 --workers 4 --timeout 30
      kg query answers --endpoint http://127.0.0.1:8000/sparql
    """
    from .web.serve import LOOPBACK, Settings, default_workers, start

    server = start(Settings(graph, host, port, store_path=store_path, workers=workers or default_workers(),
                            timeout=timeout, max_rows=max_rows, max_bytes=max_bytes, max_body=max_body,
                            allow_service=allow_service, base_url=base_url, per_client=per_client, proxies=proxies))
    for note in server.site.notes:
        click.echo(f"warning: {note}", err=True)
    if host not in LOOPBACK:
        click.echo(f"warning: listening on {host}: every machine that can reach it can query the graph", err=True)
    click.echo(f"Serving {graph} ({server.site.triples} triples) at {server.url} "
               f"(SPARQL endpoint {server.url}sparql); Ctrl-C stops.")
    server.run()


@cli.command("export")
@click.option("--graph", "graph", type=click.Path(path_type=Path), default=DEFAULT_OUT / "graph.ttl",
              show_default=True, help="Graph file to export (TriG and N-Quads keep named graphs only if it has them).")
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "trig", "nq", "jsonld", "cmif"]), required=True,
              help="An RDF syntax, or cmif: the letters as TEI correspDesc (CMIF 1.1) for correspSearch.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File to write.")
@click.option("--url", help="cmif: the address the file will be published at (its idno).")
def export_graph(graph, fmt, out, url):
    """Write the graph in another syntax or as CMIF.

    Converts a graph file to Turtle, N-Triples, TriG, N-Quads or JSON-LD (kg build writes all five already), or
    writes its letters as CMIF 1.1 (TEI correspDesc), the format correspSearch harvests. TriG and N-Quads keep a
    named graph per source page when --graph has them.

    \b
    Examples:
      kg export --format cmif --out build/letters.xml
      kg export --graph build/graph.nq --format jsonld --out build/copy.jsonld
    """
    from .rdf.export import export

    done = export(graph, fmt, out, base_url=url)
    click.echo(f"Wrote {done.path}: {done.items} {done.unit} ({fmt}).")


def main():
    cli(prog_name="kg")


if __name__ == "__main__":
    main()
