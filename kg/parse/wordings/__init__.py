"""The wordings of each language the edition is read in, by language code; the engine takes one of them.

A second language (the Russian original, `ru.py`) is a module that builds a `Wordings` and is registered here.
"""
from __future__ import annotations

from .base import Wordings
from .en import EN

REGISTRY: dict[str, Wordings] = {EN.language: EN}
DEFAULT = EN.language


def register(wordings: Wordings) -> None:
    """Make a language's wordings available by its code (and replace the ones it had)."""
    REGISTRY[wordings.language] = wordings


def get(language: str | None = None) -> Wordings:
    """The wordings of a language (the default: English)."""
    try:
        return REGISTRY[language or DEFAULT]
    except KeyError:
        raise ValueError(f"no wordings for language {language!r}; known: {', '.join(sorted(REGISTRY))}") from None


__all__ = ["DEFAULT", "REGISTRY", "Wordings", "get", "register"]
