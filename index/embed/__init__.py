"""Text → vectors: the one place that imports sentence-transformers and torch, and the embedding cache."""
