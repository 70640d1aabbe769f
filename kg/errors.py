"""Typed errors of the library; the command line turns each into one message and an exit code."""
from __future__ import annotations


class KgError(Exception):
    """Base of every error the library raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None, hint: str | None = None):
        self.message = message
        self.file = file
        self.line = line
        self.hint = hint
        super().__init__(str(self))

    def __reduce__(self):
        # Errors raised in worker processes travel back pickled, with their file, line and hint.
        return _rebuild, (type(self), self.message, self.file, self.line, self.hint)

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        text = f"{where}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


def _rebuild(cls, message, file, line, hint):
    return cls(message, file=file, line=line, hint=hint)


class SourceError(KgError):
    """A source page cannot be read or has no letters in the edition's layout."""

    exit_code = 3


class CoverageError(KgError):
    """A strict build met lines it did not understand."""

    exit_code = 7


class QueryError(KgError):
    """A SPARQL query is missing or malformed."""

    exit_code = 4


class GraphError(KgError):
    """A graph file is missing or cannot be parsed."""

    exit_code = 5


class ValidationFailed(KgError):
    """The graph does not conform to the SHACL shapes."""

    exit_code = 6


class StoreError(KgError):
    """A triple store or SPARQL endpoint cannot be opened, reached or understood."""

    exit_code = 8


class ServeError(KgError):
    """The SPARQL server cannot start."""

    exit_code = 9
