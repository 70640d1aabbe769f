"""A remote SPARQL 1.1 endpoint as a store: queries sent over the SPARQL 1.1 Protocol, answers read back."""
from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox

from ..errors import QueryError, StoreError
from ..graphfile import MEDIA_TYPES, RDF_FORMATS
from .base import Result, Store, Term
from .results import RESULT_FORMATS, RESULT_MEDIA
from .sparql import lexical

# How `kg query --endpoint` sends a query (SPARQL 1.1 Protocol, section 2.1): `direct` POSTs the query as the
# body (application/sparql-query), `form` POSTs it form-encoded (query=…), `get` puts it in the URL; `auto`
# asks the endpoint once with a trivial query by direct POST and uses a form POST from then on if that is
# refused or left unanswered.
ENDPOINT_METHODS = ("auto", "direct", "form", "get")
METHOD_NAMES = {"direct": "direct POST", "form": "form POST", "get": "GET"}
# The trivial query `auto` sends, and how long it waits for its answer. Virtuoso 7.2 (Debian's) never answers
# a direct POST, so without a short wait every query would hang for the whole timeout; the probe is not the
# user's query, so a slow query is never sent twice.
PROBE_QUERY = "ASK {}"
PROBE_TIMEOUT = 3.0
_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


class EndpointStore(Store):
    """A remote SPARQL 1.1 endpoint, spoken to over the SPARQL 1.1 Protocol."""

    kind = "endpoint"

    def __init__(self, url: str, timeout: float = 60.0, method: str = "auto", probe_timeout: float = PROBE_TIMEOUT):
        if method not in ENDPOINT_METHODS:
            raise StoreError(f"unknown endpoint method {method!r}", hint=f"use one of {', '.join(ENDPOINT_METHODS)}")
        self.url = url
        self.timeout = timeout
        self.asked = method  # what the user chose; `method` becomes the one found for `auto`
        self.method = method
        self.probe_timeout = probe_timeout

    def query(self, sparql: str, source: str = "query") -> Result:
        method = self.resolve_method()
        body, ctype = self._send(_request(self.url, sparql, method), self.timeout, source, method)
        result = _parse_response(body, ctype.split(";")[0].strip().lower(), self.url)
        one_column = result.boolean is None and result.graph is None and len(result.columns) == 1
        if lexical(sparql).form == "ask" and one_column:
            # Virtuoso 7.2 answers ASK with a one-column table: a row for true, none for false
            result = Result([], [], boolean=bool(result.rows) and _truthy(result.rows[0][0]))
        return result

    def resolve_method(self) -> str:
        """The method queries go by: the one asked, or for `auto` what the endpoint answered the probe by."""
        if self.method == "auto":
            self.method = "direct" if self._takes_direct_post() else "form"
        return self.method

    def _takes_direct_post(self) -> bool:
        """Whether the endpoint answers the probe query sent by direct POST within the probe timeout."""
        try:
            with urllib.request.urlopen(_request(self.url, PROBE_QUERY, "direct"), timeout=self.probe_timeout) as r:
                r.read()
            return True
        except urllib.error.HTTPError:
            return False  # refused: 415, 405, or 400 from an endpoint that looked for a query= parameter
        except (urllib.error.URLError, OSError) as e:
            if _timed_out(e):
                return False  # no answer in time, as from Virtuoso 7.2
            raise _unreachable(e, self.url) from None

    def _send(self, req: urllib.request.Request, timeout: float, source: str, method: str) -> tuple[bytes, str]:
        other = "form" if method != "form" else "direct"
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.read(), resp.headers.get("Content-Type", "")
        except urllib.error.HTTPError as e:
            message = e.read().decode("utf-8", "replace").strip()[:500]
            # a 400 to a query sent as asked is the endpoint finding it invalid, unless direct POST was forced
            # on an endpoint that looks for a query= parameter only
            refused = e.code in (405, 411, 415, 501) or (e.code == 400 and self.asked == "direct")
            hint = (f"the endpoint may not take a query by {METHOD_NAMES[method]}: try --endpoint-method {other}"
                    if refused else None)
            if e.code == 400:
                raise QueryError(f"SPARQL syntax error (from the endpoint): {message}", file=source,
                                 hint=hint) from None
            raise StoreError(f"endpoint answered HTTP {e.code}: {message}", file=self.url, hint=hint) from None
        except (urllib.error.URLError, OSError) as e:
            if _timed_out(e):
                raise StoreError(f"endpoint did not answer within {timeout:g} s (query sent by {METHOD_NAMES[method]})",
                                 file=self.url, hint=f"a slow query, or an endpoint that leaves such requests "
                                                     f"unanswered: try --endpoint-method {other}") from None
            raise _unreachable(e, self.url) from None


def _timed_out(e: OSError) -> bool:
    """Whether the error is a timeout: urllib raises it bare while reading, wrapped in URLError while connecting."""
    return isinstance(e, TimeoutError) or isinstance(getattr(e, "reason", None), TimeoutError)


def _unreachable(e: OSError, url: str) -> StoreError:
    """The error for an endpoint that cannot be connected to."""
    return StoreError(f"endpoint cannot be reached: {getattr(e, 'reason', e)}", file=url,
                      hint="check the URL and that the server runs")


def _request(url: str, sparql: str, method: str) -> urllib.request.Request:
    """The HTTP request that carries a query by one of the protocol's three ways."""
    headers = {"Accept": _ACCEPT}
    if method == "direct":
        headers["Content-Type"] = "application/sparql-query; charset=utf-8"
        return urllib.request.Request(url, data=sparql.encode("utf-8"), method="POST", headers=headers)
    encoded = urllib.parse.urlencode({"query": sparql})
    if method == "form":
        headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
        return urllib.request.Request(url, data=encoded.encode("ascii"), method="POST", headers=headers)
    # keep parameters the URL already has (default-graph-uri=…)
    return urllib.request.Request(url + ("&" if urllib.parse.urlsplit(url).query else "?") + encoded,
                                  method="GET", headers=headers)


def _truthy(term: Term | None) -> bool:
    """Whether a literal stands for true (1, true, or any other non-empty value)."""
    return isinstance(term, ox.Literal) and term.value not in ("0", "false", "")


def _canonical(term: Term | None) -> Term | None:
    """The term with an xsd:boolean in its canonical form: Virtuoso writes every boolean as 1 or 0."""
    if isinstance(term, ox.Literal) and term.datatype.value == _XSD_BOOLEAN and term.value in ("0", "1"):
        return ox.Literal("true" if term.value == "1" else "false", datatype=term.datatype)
    return term


def _canonical_object(term: Term) -> Term:
    """A triple's object, canonical as `_canonical` makes it."""
    out = _canonical(term)
    assert out is not None
    return out


# text/plain is how older endpoints label N-Triples.
# CSV results lose term types (pyoxigraph refuses to read them back); the client asks for JSON anyway.
_READABLE_RESULTS = {media for media, fmt in RESULT_MEDIA.items() if fmt != "csv"}
_GRAPH_MEDIA = {**{MEDIA_TYPES[ext]: RDF_FORMATS[ext] for ext in ("nt", "ttl", "jsonld", "rdf")},
                "text/plain": ox.RdfFormat.N_TRIPLES}


def _parse_response(body: bytes, ctype: str, url: str) -> Result:
    try:
        if ctype in _GRAPH_MEDIA:
            return Result(["subject", "predicate", "object"], [],
                          graph=[ox.Triple(q.subject, q.predicate, _canonical_object(q.object))
                                 for q in ox.parse(body, format=_GRAPH_MEDIA[ctype])])
        if ctype in _READABLE_RESULTS:
            res = ox.parse_query_results(body, format=RESULT_FORMATS[RESULT_MEDIA[ctype]])
            if isinstance(res, ox.QueryBoolean):
                return Result([], [], boolean=bool(res))
            cols = [v.value for v in res.variables]
            return Result(cols, [[_canonical(sol[c]) for c in cols] for sol in res])
    except SyntaxError as e:
        raise StoreError(f"endpoint sent unreadable {ctype}: {e}", file=url) from None
    raise StoreError(f"endpoint answered with unsupported type {ctype or '(none)'}", file=url)
