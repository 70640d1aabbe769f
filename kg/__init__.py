"""politburo-kg: a cited knowledge graph of the Stalin–Kaganovich correspondence, 1931–1936."""

__version__ = "0.1.0"
