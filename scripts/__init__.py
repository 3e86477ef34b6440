"""Experiments and tools run from the project root: `python -m scripts.NAME`."""
