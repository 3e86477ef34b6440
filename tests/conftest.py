"""Shared fixtures: sample articles, a fake embedder, and the real packaged model loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from devtools.fake_embedder import FakeEmbedder

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_ARTICLES = PROJECT_ROOT / "articles"


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="session")
def packaged_embedder():
    """The real default model, loaded once for the whole run (a few seconds)."""
    from index.assembly import embedder_from
    from index.settings import DEFAULTS

    return embedder_from(DEFAULTS)


@pytest.fixture
def write_articles(tmp_path: Path):
    """Write {relative path: text} into a fresh articles folder and return it."""

    def write(files: dict[str, str]) -> Path:
        root = tmp_path / "articles"
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        root.mkdir(exist_ok=True)
        return root

    return write
