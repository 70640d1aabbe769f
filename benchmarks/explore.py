#!/usr/bin/env python3
"""Time the network explorer at the scale of the whole edition: about 900 letters and 300 persons.

Usage: python benchmarks/explore.py [--letters 900] [--persons 300] [--runs 3] [--keep DIR]
Writes a synthetic graph in the graph's vocabulary (letters, requests, answers, decisions, notes, archival
references, persons), runs `kg explore` on it, and opens the page in Chromium (/usr/bin/chromium) to time
how long each view takes from loading to a settled, still network, and how long a search takes to answer.
Prints a Markdown table: medians of --runs runs.
"""
from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PREFIXES = """@prefix pbo: <https://w3id.org/politburo-kg/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix source: <https://w3id.org/politburo-kg/id/source/> .
@prefix person: <https://w3id.org/politburo-kg/id/person/> .
@prefix letter: <https://w3id.org/politburo-kg/id/letter/> .
@prefix transmission: <https://w3id.org/politburo-kg/id/transmission/> .
@prefix ref: <https://w3id.org/politburo-kg/id/ref/> .
@prefix note: <https://w3id.org/politburo-kg/id/note/> .
@prefix request: <https://w3id.org/politburo-kg/id/request/> .
@prefix response: <https://w3id.org/politburo-kg/id/response/> .
@prefix decision: <https://w3id.org/politburo-kg/id/decision/> .
"""
OUTCOMES = [("Agreed", 0.75), ("Rejected", 0.08), ("Abstained", 0.05), ("Amended", 0.07), ("OtherOutcome", 0.05)]


def lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def synthetic_graph(letters: int, persons: int, seed: int = 1934) -> str:
    """Turtle for a made-up edition: a few heavy correspondents, many persons named, chains to decisions."""
    rnd = random.Random(seed)
    out = [PREFIXES, "source:bench a pbo:SourcePage ; pbo:sourceFile \"bench.txt\" ."]
    names = ["stalin", "kaganovich", "molotov", "ordzhonikidze", "voroshilov", "kuibyshev", "zhdanov", "mikoyan"]
    names += [f"person{k:03d}" for k in range(persons - len(names))]
    for k, n in enumerate(names):
        alias = f' ; skos:altLabel "{n[:-1].title()}"' if k % 5 == 0 else ""
        out.append(f'person:{n} a foaf:Person ; skos:prefLabel "{n.title()} {k}"@en ; foaf:familyName "{n.title()}"'
                   f' ; pbo:role "Role of {n}"@en{alias} .')
    for o, _ in OUTCOMES:
        notation = o.replace("Outcome", "").lower()
        out.append(f'pbo:{o} a pbo:Outcome ; skos:notation "{notation}" ; skos:prefLabel "{notation}"@en .')
    start, span = date(1931, 6, 1), (date(1936, 10, 31) - date(1931, 6, 1)).days
    weights = [1 / (k + 1) for k in range(persons)]
    decisions = 0
    for i in range(letters):
        day = start + timedelta(days=rnd.randrange(span))
        r = rnd.random()
        if r < 0.6:
            senders, recipients = ["kaganovich"] + (["molotov"] if rnd.random() < 0.2 else []), ["stalin"]
        elif r < 0.85:
            senders, recipients = ["stalin"], ["kaganovich"] + (["molotov"] if rnd.random() < 0.3 else [])
        else:
            senders, recipients = [rnd.choice(names[2:40])], ["stalin"]
        named = set(senders + recipients) | set(rnd.choices(names, weights, k=rnd.randint(2, 9)))
        L = f"letter:bench-{i:04d}"
        sent = datetime(day.year, day.month, day.day, rnd.randrange(24), rnd.randrange(60))
        text = " ".join(rnd.choice(["grain", "procurement", "the plan", "Comrade", "we propose", "decision", "cipher",
                                    "Politburo", "the note", "urgently"]) for _ in range(rnd.randint(40, 160)))
        out.append(f'{L} a pbo:Letter , schema:Message ; rdfs:label "Letter {i} {day}" ; pbo:headingText "Letter {i}" ;'
                   f' schema:dateSent "{day}"^^xsd:date ; pbo:dateEditorial false ; schema:text {lit(text)} ;'
                   f' prov:wasQuotedFrom source:bench ; pbo:sourceLine {10 + 20 * i} ;'
                   f' schema:sender {", ".join("person:" + s for s in senders)} ;'
                   f' schema:recipient {", ".join("person:" + s for s in recipients)} ;'
                   f' schema:mentions {", ".join("person:" + p for p in sorted(named))} ;'
                   f' prov:hadPrimarySource ref:bench-{i:04d} ; pbo:hasFootnote note:bench-{i:04d} ;'
                   f' pbo:transmission transmission:bench-{i:04d} .')
        out.append(f'transmission:bench-{i:04d} a pbo:Transmission ; prov:startedAtTime "{sent.isoformat()}"^^xsd:dateTime ;'
                   f' pbo:date "{day}"^^xsd:date .')
        out.append(f'ref:bench-{i:04d} a pbo:ArchivalReference ; pbo:archive "RGASPI" ; pbo:fond "558" ; pbo:opis "11" ;'
                   f' pbo:delo "{80 + i // 40}" ; pbo:sheets "{1 + i % 40}" ; pbo:referenceIndex 1 ;'
                   f' pbo:citation "RGASPI F. 558. Op. 11. D. {80 + i // 40}. L. {1 + i % 40}" .')
        out.append(f'note:bench-{i:04d} a pbo:Footnote ; pbo:noteNumber "1" ; pbo:sourceLine {20 + 20 * i} ;'
                   f' rdf:value {lit("On the same day in cipher. Stalin agreed (Ibid. L. 5). " + text[:200])} .')
        if "stalin" in recipients and rnd.random() < 0.55:
            R = f"request:bench-{i:04d}"
            out.append(f'{L} pbo:makesRequest {R} .')
            out.append(f'{R} a pbo:Request ; pbo:requestText "Please let us know your opinion." ; pbo:sourceLine {15 + 20 * i} .')
            if rnd.random() < 0.9:
                outcome = rnd.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
                answered = sent + timedelta(hours=rnd.expovariate(1 / 14))
                out.append(f'response:bench-{i:04d} a pbo:Response ; pbo:respondsTo {R} ; pbo:outcome pbo:{outcome} ;'
                           f' schema:sender person:stalin ; pbo:date "{answered.date()}"^^xsd:date ;'
                           f' prov:generatedAtTime "{answered.isoformat(timespec="seconds")}"^^xsd:dateTime ;'
                           f' pbo:responseText "Stalin agreed" ; pbo:evidence "footnote" ;'
                           f' prov:wasDerivedFrom note:bench-{i:04d} ; prov:hadPrimarySource ref:bench-{i:04d} .')
                if rnd.random() < 0.7:
                    decisions += 1
                    D = f"decision:bench-{decisions:04d}"
                    dday = answered.date() + timedelta(days=rnd.randrange(3))
                    out.append(f'{R} pbo:ledTo {D} . {L} pbo:recordsDecision {D} .')
                    out.append(f'{D} a pbo:PolitburoDecision ; dcterms:date "{dday}"^^xsd:date ;'
                               f' pbo:wording "The PB decided on the matter of letter {i}" ;'
                               f' prov:wasDerivedFrom note:bench-{i:04d} .')
    return "\n".join(out) + "\n"


def kg() -> str:
    exe = Path(sys.executable).parent / "kg"
    return str(exe) if exe.exists() else (shutil.which("kg") or "kg")


def time_page(page_path: Path, runs: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {"correspondence": [], "decisions": [], "mentions": [], "search": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            t = time.perf_counter()
            page.goto(page_path.resolve().as_uri())
            page.wait_for_selector("html[data-stabilized='correspondence']", state="attached", timeout=120_000)
            times["correspondence"].append(time.perf_counter() - t)
            for view in ("decisions", "mentions"):
                t = time.perf_counter()
                page.click(f"#views button[data-view='{view}']")
                page.wait_for_selector(f"html[data-stabilized='{view}']", state="attached", timeout=120_000)
                times[view].append(time.perf_counter() - t)
            t = time.perf_counter()
            page.fill("#search", "Person12")
            page.wait_for_selector("#suggest li", timeout=10_000)
            times["search"].append(time.perf_counter() - t)
            assert page.evaluate("kgExplorer.network.physics.physicsEnabled") is False
            page.close()
        browser.close()
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--letters", type=int, default=900)
    ap.add_argument("--persons", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="Keep the graph and page in this folder.")
    a = ap.parse_args()
    work = a.keep or Path(tempfile.mkdtemp(prefix="kg-explore-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    graph, page = work / "graph.ttl", work / "explorer.html"
    graph.write_text(synthetic_graph(a.letters, a.persons), encoding="utf-8")
    builds = []
    for _ in range(a.runs):
        t = time.perf_counter()
        done = subprocess.run([kg(), "explore", "--graph", str(graph), "--out", str(page)], check=True,
                              capture_output=True, text=True)
        builds.append(time.perf_counter() - t)
    print(done.stdout.strip(), file=sys.stderr)
    times = time_page(page, a.runs)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"| explorer, {a.letters} letters / {a.persons} persons (synthetic) | median of {a.runs} runs |")
    print("|---|---|")
    print(f"| `kg explore` (SPARQL, networkx, write {page.stat().st_size / 1e6:.1f} MB page) | {statistics.median(builds):.2f} s |")
    print(f"| open in Chromium → correspondence settled, physics off | {med['correspondence']:.2f} s |")
    print(f"| switch to decisions → settled | {med['decisions']:.2f} s |")
    print(f"| switch to mentions → settled | {med['mentions']:.2f} s |")
    print(f"| search → suggestions shown | {med['search']:.3f} s |")
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
