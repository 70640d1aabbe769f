"""Where queries run: Oxigraph in memory or on disk, or a remote SPARQL endpoint; reading a query before it runs;
the named queries and `kg query`."""
