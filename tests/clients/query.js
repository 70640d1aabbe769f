#!/usr/bin/env node
// Runs one SPARQL query with Comunica over a source given as a bare URL (no type hint, so Comunica has to find
// out what the URL is) and prints the answer: SPARQL JSON results for SELECT and ASK, N-Triples otherwise.
// Usage: node query.js URL QUERY [TYPE]
//   TYPE (file, sparql, …) tells Comunica what the source is instead; `file` reads the URL as one RDF document.
//   COMUNICA_LOG=info (or debug) prints what Comunica does on stderr.
'use strict';

const { QueryEngine } = require('@comunica/query-sparql');

// Content-Length is for fetch itself to set (the Fetch standard forbids it in a request; browsers drop it). Comunica's
// SPARQL client sets it by hand on a POST, where Node 20's fetch, through the undici Comunica loads, sends it twice
// ("2541, 2541") and fails ("invalid content-length header"); so it is dropped here.
function fetchWithoutContentLength(input, init) {
  if (init && init.headers) {
    const headers = new Headers(init.headers);
    headers.delete('content-length');
    return fetch(input, { ...init, headers });
  }
  return fetch(input, init);
}

async function main() {
  const [url, query, type] = process.argv.slice(2);
  if (!url || !query) {
    process.stderr.write('usage: node query.js URL QUERY [TYPE]\n');
    return 2;
  }
  const context = { sources: [type ? { type, value: url } : url], fetch: fetchWithoutContentLength };
  if (process.env.COMUNICA_LOG) {
    const { LoggerPretty } = require('@comunica/logger-pretty');
    context.log = new LoggerPretty({ level: process.env.COMUNICA_LOG });
  }
  const engine = new QueryEngine();
  const result = await engine.query(query, context);
  const media = result.resultType === 'quads' ? 'application/n-triples' : 'application/sparql-results+json';
  const { data } = await engine.resultToString(result, media);
  await new Promise((resolve, reject) => {
    data.on('error', reject);
    data.on('end', resolve);
    data.pipe(process.stdout, { end: false });
  });
  return 0;
}

main().then((code) => { process.exitCode = code; }, (error) => {
  // fetch's errors keep what went wrong in their cause
  for (let e = error; e; e = e.cause) {
    process.stderr.write(`${e === error ? '' : 'caused by: '}${e.stack || e}\n`);
  }
  process.exitCode = 1;
});
