"""The commands of the store, the server and the exports, as a user runs them."""
from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.parse
import urllib.request

import pytest
from click.testing import CliRunner

from kg.cli import cli

from .conftest import kg_command
from .tools import free_port


def wait_for(url: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@pytest.fixture()
def runner():
    return CliRunner()


@pytest.fixture(scope="module")
def served(seed_graph):
    """`kg serve` started as a user starts it, on a free loopback port."""
    port = free_port()
    proc = subprocess.Popen([kg_command(), "serve", "--graph", str(seed_graph), "--port", str(port),
                             "--workers", "2", "--timeout", "5"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line.startswith("Serving "), line + proc.stderr.read()
    yield f"http://127.0.0.1:{port}/", proc
    if proc.poll() is None:
        proc.terminate()
        proc.wait(20)


def test_serve_prints_where_it_listens(served, seed_graph):
    url, _ = served
    with urllib.request.urlopen(url + "sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})) as r:
        assert r.read() == b'{"head": {}, "boolean": true}'


def test_query_against_the_served_endpoint(served, seed_graph, runner):
    url, _ = served
    local = runner.invoke(cli, ["query", "requests", "--graph", str(seed_graph), "--format", "csv"])
    remote = runner.invoke(cli, ["query", "requests", "--endpoint", url + "sparql", "--format", "csv"])
    assert remote.exit_code == 0, remote.output
    assert sorted(remote.stdout.splitlines()) == sorted(local.stdout.splitlines())


def test_serve_stops_cleanly_on_sigterm(seed_graph):
    port = free_port()
    proc = subprocess.Popen([kg_command(), "serve", "--graph", str(seed_graph), "--port", str(port),
                             "--workers", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().startswith("Serving ")
    wait_for(f"http://127.0.0.1:{port}/")
    workers = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(20) == 0
    time.sleep(0.5)
    for pid in workers:
        assert not os.path.exists(f"/proc/{pid}") or "zombie" in open(f"/proc/{pid}/status").read().lower()


def test_serve_on_a_taken_port_fails_with_code_9(served, seed_graph):
    url, _ = served
    port = urllib.parse.urlsplit(url).port
    r = subprocess.run([kg_command(), "serve", "--graph", str(seed_graph), "--port", str(port)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 9 and "cannot listen on 127.0.0.1" in r.stderr and "--port" in r.stderr


def test_serve_missing_graph_fails_with_code_5(tmp_path):
    r = subprocess.run([kg_command(), "serve", "--graph", str(tmp_path / "none.ttl"), "--port", str(free_port())],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 5 and "no such graph file" in r.stderr


def test_query_on_disk_store(runner, seed_graph, tmp_path):
    # a query without GROUP_CONCAT, whose lists come in another order from another store
    want = runner.invoke(cli, ["query", "requests", "--graph", str(seed_graph), "--format", "csv"]).stdout
    for _ in range(2):
        r = runner.invoke(cli, ["query", "requests", "--graph", str(seed_graph), "--format", "csv",
                                "--store-path", str(tmp_path / "store")])
        assert r.exit_code == 0, r.output
        assert sorted(r.stdout.splitlines()) == sorted(want.splitlines())
    assert (tmp_path / "store" / "kg-store.json").is_file()


def test_query_unreachable_endpoint_fails_with_code_8(runner):
    r = runner.invoke(cli, ["query", "letters", "--endpoint", f"http://127.0.0.1:{free_port()}/sparql"])
    assert r.exit_code == 8 and "cannot be reached" in r.stderr


def test_export_command(runner, seed_graph, tmp_path):
    r = runner.invoke(cli, ["export", "--graph", str(seed_graph), "--format", "cmif", "--out", str(tmp_path / "l.xml")])
    assert r.exit_code == 0 and "21 letters" in r.stdout
    r = runner.invoke(cli, ["export", "--graph", str(seed_graph), "--format", "jsonld", "--out", str(tmp_path / "g.jsonld")])
    assert r.exit_code == 0 and "quads (jsonld)" in r.stdout
    r = runner.invoke(cli, ["export", "--graph", str(seed_graph), "--format", "rdfxml", "--out", str(tmp_path / "x")])
    assert r.exit_code == 2
