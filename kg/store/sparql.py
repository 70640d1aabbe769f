"""Reading a SPARQL request before it runs: its form, its own dataset, whether it federates, how deep it nests.

Two readings, from the same text after the grammar's own codepoint escapes (``\\u0053ERVICE`` is SERVICE):

- the lexer (always): strings, IRIs and comments (which end at a line feed *or* a carriage return) are set aside
  and the keywords and brackets that remain are read; fast, and enough for `kg query`;
- rdflib's SPARQL parser (for `kg serve`): the query's algebra says its form, its dataset clause and every
  SERVICE pattern, wherever it is (sub-select, OPTIONAL, MINUS, UNION, GRAPH, EXISTS in a filter, a BIND,
  HAVING or ORDER BY). Where rdflib cannot read a query that Oxigraph may, the lexer's reading stands.

A request counts as federated if either reading finds SERVICE; the server's query workers cannot open
network connections in any case (`kg.web.sandbox`), so a reading both miss still reaches no other host.
"""
from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, TypeVar

from ..errors import QueryError

# Brackets ( { [ nested deeper than this are refused before any parser sees them: rdflib's recursive
# descent and Oxigraph's own parser exhaust their stacks on a few thousand levels.
MAX_DEPTH = 256
# Oxigraph parses and evaluates recursively, one level per operator of a chain: 3,000 BINDs, MINUSes or path
# steps in a row (no brackets needed) overflow an 8 MB thread stack and kill the process. Queries therefore
# run on threads with this much stack, reserved, not committed (pages are touched only as deep as a query
# goes), where chains of 10,000 still run; longer ones are refused first.
DEEP_STACK = 1 << 30
MAX_OPERATORS = 5000
FORMS = ("select", "ask", "construct", "describe")
UPDATE_WORDS = ("insert", "delete", "load", "clear", "create", "drop", "copy", "move", "add", "with")
KINDS = {"select": "solutions", "ask": "boolean", "construct": "graph", "describe": "graph"}

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# Strings, IRIs and comments, whose text must not be read as keywords. A comment runs to the end of the line,
# which the grammar ends at either 0x0A or 0x0D. A character escaped in a prefixed name (ex:p\#, ex:a\') is
# consumed first, so that it opens no comment or string.
_STRINGS = (r'\\.|"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\''
            r'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n\r]*')
_OPAQUE = re.compile(_STRINGS)
# The same without IRIs, for counting brackets: "?a<(((…)))&&2>1" is a comparison, not an IRI, and no IRI
# holds a bracket a query could nest. Without IRIs a "#" in one would open a comment, so IRIs holding "#"
# are still set aside.
_OPAQUE_BUT_IRIS = re.compile(_STRINGS.replace(r'|<[^<>"{}|^`\\\x00-\x20]*>', r'|<[^<>"{}|^`\\\x00-\x20()\[\]]*#'
                                                                             r'[^<>"{}|^`\\\x00-\x20]*>'))
_KEYWORD = re.compile(r"(?<![\w:?$])(" + "|".join(FORMS + UPDATE_WORDS) + r")(?![\w:])", re.I)
# SERVICE and FROM are looked for where IRIs are not set aside either (see _OPAQUE_BUT_IRIS), but not as a
# word inside an IRI (after "/", "#", ".", "-" or "<").
_SERVICE = re.compile(r"(?<![\w:?$/#.<-])service(?![\w:])", re.I)
_FROM = re.compile(r"(?<![\w:?$/#.<-])from(?![\w:])", re.I)
_OPEN, _CLOSE = "({[", ")}]"
# Names, variables and numbers, whose hyphens, dots and signs are no operators.
_NAMES = re.compile(r"[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+|(?:[^\W\d_][\w.-]*)?:[^\s(){}\[\];,!=<>+*/|^&#]*"
                    r"|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
# What Oxigraph nests one level deeper for each use in a row: graph pattern keywords, path and expression operators.
_OPERATOR = re.compile(r"(?<![\w:?$])(?:union|minus|optional|bind|filter|service|graph|exists)(?![\w:])"
                       r"|\|\||&&|!=|<=|>=|[=<>+*/|^!-]", re.I)

T = TypeVar("T")


@dataclass(frozen=True)
class QueryInfo:
    """What a request is, read before it runs."""

    form: str | None  # select, ask, construct, describe or update; None when nothing says
    service: bool  # federates to another endpoint (SERVICE)
    dataset: bool  # names its own dataset (FROM / FROM NAMED)
    depth: int  # deepest bracket nesting
    operators: int = 0  # operators that nest (UNION, BIND, path steps, ||, + …)
    parsed: bool = False  # read by the SPARQL parser, not only by the lexer

    @property
    def kind(self) -> str:
        """solutions, boolean or graph: what the form answers with (solutions when unknown)."""
        return KINDS.get(self.form or "", "solutions")


def unescape(text: str) -> str:
    """The text with the grammar's codepoint escapes (\\uXXXX, \\UXXXXXXXX) replaced, as parsers do first."""
    def char(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group(0)

    return _ESCAPE.sub(char, text)


def code(text: str) -> str:
    """The unescaped text with strings, IRIs and comments blanked out."""
    return _OPAQUE.sub(" ", unescape(text))


def words(text: str) -> str:
    """The code of a query with names, variables and numbers blanked too: its keywords, brackets, operators."""
    return _NAMES.sub(" ", code(text))


def _depth(bare: str) -> int:
    deepest = level = 0
    for ch in bare:
        if ch in _OPEN:
            level += 1
            deepest = max(deepest, level)
        elif ch in _CLOSE:
            level = max(0, level - 1)
    return deepest


def lexical(text: str) -> QueryInfo:
    """The lexer's reading of a request."""
    plain = unescape(text)
    bare = _NAMES.sub(" ", _OPAQUE.sub(" ", plain))
    loose = _OPAQUE_BUT_IRIS.sub(" ", plain)
    m = _KEYWORD.search(bare)
    form = None if m is None else m.group(1).lower() if m.group(1).lower() in FORMS else "update"
    service = bool(_SERVICE.search(bare) or _SERVICE.search(_NAMES.sub(" ", loose)))
    dataset = bool(_FROM.search(bare) or _FROM.search(_NAMES.sub(" ", loose)))
    return QueryInfo(form, service, dataset, _depth(loose), len(_OPERATOR.findall(bare)))


def check_depth(info: QueryInfo, source: str = "query") -> None:
    """Refuse a request nested deeper than MAX_DEPTH or chaining more than MAX_OPERATORS, before a parser recurses."""
    if info.depth > MAX_DEPTH:
        raise QueryError(f"the query nests brackets {info.depth} levels deep; at most {MAX_DEPTH} are read",
                         file=source, hint="flatten the query")
    if info.operators > MAX_OPERATORS:
        raise QueryError(f"the query chains {info.operators:,} operators; at most {MAX_OPERATORS:,} are read",
                         file=source, hint="put long lists of values in a VALUES block")


def read_query(text: str, source: str = "query", parse: bool = True) -> QueryInfo:
    """Form, dataset, SERVICE and depth of a request; parse=True adds the SPARQL parser's reading."""
    info = lexical(text)
    check_depth(info, source)
    if not parse:
        return info
    parsed = _parsed(text)
    if parsed is None:
        return info
    form, service, dataset = parsed
    return replace(info, form=form, service=service or info.service, dataset=dataset, parsed=True)


# rdflib's parser takes seconds on a query of a few hundred kilobytes (a long VALUES block): longer queries
# are read by the lexer alone, and the sandbox keeps them local.
MAX_PARSED = 64 * 1024


def _parsed(text: str) -> tuple[str, bool, bool] | None:
    if len(text) > MAX_PARSED:
        return None
    return _parsed_cached(text)


@lru_cache(maxsize=256)
def _parsed_cached(text: str) -> tuple[str, bool, bool] | None:
    return deep_call(_parse, text)


def _parse(text: str) -> tuple[str, bool, bool] | None:
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    # rdflib's recursive descent takes many Python frames per nesting level; the deep stack carries them.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 200_000))
    try:
        algebra = translateQuery(parseQuery(text)).algebra
    except (ParseBaseException, RecursionError):
        try:
            parseUpdate(text)
        except (ParseBaseException, RecursionError):
            return None
        return "update", False, False
    except Exception:  # rdflib's algebra has gaps (it raises plain Exceptions); the lexer's reading stands then
        return None
    form = {"SelectQuery": "select", "AskQuery": "ask", "ConstructQuery": "construct",
            "DescribeQuery": "describe"}.get(algebra.name)
    if form is None:
        return None
    return form, _has_service(algebra), bool(algebra.get("datasetClause"))


def _has_service(node: Any) -> bool:
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == "ServiceGraphPattern":
                return True
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return False


def deep_call(fn: Callable[..., T], *args: Any) -> T:
    """Call fn on a thread with a deep stack (DEEP_STACK), returning its value or raising its exception."""
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = fn(*args)
        except BaseException as e:  # handed to the caller's thread
            out["error"] = _bare(e)

    with _STACK_LOCK:
        before = threading.stack_size(DEEP_STACK)
        try:
            thread = threading.Thread(target=run, name="kg-deep")
            thread.start()
        finally:
            threading.stack_size(before)
    thread.join()
    if "error" in out:
        raise out["error"]
    return out["value"]


_STACK_LOCK = threading.Lock()


def _bare(error: BaseException) -> BaseException:
    """The error without its tracebacks (its own and its causes'), whose frames are released on this thread.

    pyoxigraph's results may only be dropped on the thread that made them; a traceback keeping one alive past
    the deep thread would drop it on the caller's.
    """
    seen: set[int] = set()
    e: BaseException | None = error
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        e.__traceback__ = None
        e = e.__cause__ or e.__context__
    return error
