"""Open a published index version: check it, then hold its vectors, keywords and metadata."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from index.errors import IndexCorruptError
from index.store.layout import LEXICAL_DIR, PASSAGES_DB, VECTORS
from index.store.lexical import LexicalIndex
from index.store.manifest import Manifest
from index.store.passages_db import PassageDatabase
from index.store.sentence_vectors import SentenceVectors
from index.store.vectors import VectorIndex
from index.store.versions import IndexLocation


@dataclass
class LoadedIndex:
    """One index version in memory, ready to search."""

    directory: Path
    manifest: Manifest
    vectors: VectorIndex
    lexical: LexicalIndex
    database: PassageDatabase
    sentences: SentenceVectors | None = None

    @property
    def version(self) -> str:
        return self.directory.name

    def close(self) -> None:
        self.database.close()


def open_index(directory: Path, *, model: str | None = None, dimension: int | None = None) -> LoadedIndex:
    """Load one version directory, refusing a wrong model or a file that fails its checksum."""
    manifest = Manifest.load(directory)
    if model is not None:
        manifest.check_model(model, dimension)
    manifest.verify_files(directory)
    try:
        vectors = VectorIndex.load(directory / VECTORS)
        lexical = LexicalIndex.load(directory / LEXICAL_DIR)
        sentences = SentenceVectors.load(directory)
    except (RuntimeError, OSError, ValueError) as error:
        raise IndexCorruptError(
            f"{directory} cannot be read ({error}): rebuild with `qa-index rebuild`"
        ) from error
    if vectors.count != manifest.passages or vectors.dimension != manifest.dimension:
        raise IndexCorruptError(
            f"{directory} holds {vectors.count} vectors, not {manifest.passages}: rebuild"
        )
    if sentences is not None and sentences.passages != manifest.passages:
        raise IndexCorruptError(f"{directory} has sentence vectors for another passage count: rebuild")
    return LoadedIndex(
        directory, manifest, vectors, lexical, PassageDatabase(directory / PASSAGES_DB), sentences
    )


def open_published(index_dir: Path, *, model: str | None = None, dimension: int | None = None) -> LoadedIndex:
    """Load the version that INDEX_DIR/CURRENT points to."""
    return open_index(IndexLocation(index_dir).current(), model=model, dimension=dimension)


def published_articles(location: IndexLocation) -> tuple[Manifest, dict[str, str]]:
    """The published version's manifest and {article id: content hash}, read without loading its
    vectors (what a rebuild compares the articles with); raises whatever reading them raises."""
    current = location.current()
    manifest = Manifest.load(current)
    database = PassageDatabase(current / PASSAGES_DB)
    try:
        return manifest, {info.id: info.hash for info in database.articles()}
    finally:
        database.close()
