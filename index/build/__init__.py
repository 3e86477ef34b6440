"""Rebuild: articles → passages → vectors → a verified version, published atomically."""
