"""Tools shared by tests, benchmarks and scripts: the Discord emulator, a fake embedder, a harness."""
