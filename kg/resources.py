"""Find the files the package needs at run time: ontology, shapes, authority data, queries."""
from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The folder `ontology` or `queries`: inside an installed wheel, else beside the package in a checkout."""
    for candidate in (_HERE / "_data" / name, _HERE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the package's {name}/ folder is missing; reinstall politburo-kg")


def ontology_file(name: str) -> Path:
    return data_dir("ontology") / name


def query_file(name: str) -> Path:
    return data_dir("queries") / f"{name}.rq"
