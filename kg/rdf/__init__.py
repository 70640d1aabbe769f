"""Records → graph: the graph built from the parsed pages and written in every RDF syntax (build, stream,
parallel, pipeline), `kg export` (with CMIF) and `kg validate`."""
