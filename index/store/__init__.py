"""One index version on disk: its layout, manifest, vectors (FAISS), keywords (BM25), passages (SQLite)."""
