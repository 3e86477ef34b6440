"""Benchmarks: scripts that print figures (run `python bench/run_all.py`); not part of the test suite."""
