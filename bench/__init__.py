"""Benchmarks: scripts that print figures (run `python -m bench.run_all`); not part of the test suite."""
