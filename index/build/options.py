"""What shapes an index and how a build runs, and what a build reports."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath
from typing import Any

from index.errors import ArticleIndexError
from index.ingest.passages import SplitSettings
from index.records import ArticleWarning, SkippedFile
from index.settings import DEFAULTS, VectorIndexKind
from index.store.vectors import APPROXIMATE_ABOVE
from index.text import TEXT_RULES


@dataclass(frozen=True)
class BuildOptions:
    """What shapes an index (splitter, titles embedded, vector index kind) and how it is built."""

    split: SplitSettings = field(default_factory=SplitSettings)
    embed_titles: bool = DEFAULTS.embed_titles
    vector_index: VectorIndexKind = DEFAULTS.vector_index
    keep_versions: int = DEFAULTS.keep_versions
    max_article_bytes: int = DEFAULTS.max_article_bytes
    strict: bool = False
    # Encode with sentence-transformers' multi-process pool on these devices, e.g. ("cuda:0",
    # "cuda:1") or ("cpu", "cpu"); empty means in this process on the embedder's own device.
    devices: tuple[str, ...] = ()
    # Passages embedded (and looked up in the cache) at a time: bounds the build's memory.
    batch_passages: int = 2048
    approximate_above: int = APPROXIMATE_ABOVE
    # Also embed each passage's sentences, to score passages by their best one (see sentence_vectors.py).
    sentence_vectors: bool = DEFAULTS.sentence_vectors

    def splitter_record(self) -> dict[str, Any]:
        return {
            **asdict(self.split),
            "embed_titles": self.embed_titles,
            "sentence_vectors": self.sentence_vectors,
            "text_rules": TEXT_RULES,
        }


@dataclass
class BuildReport:
    """What a rebuild did; printed as a summary or as JSON."""

    articles: int = 0
    passages: int = 0
    skipped: list[SkippedFile] = field(default_factory=list)
    warnings: list[ArticleWarning] = field(default_factory=list)  # articles kept, with a note
    seconds: float = 0.0
    embed_seconds: float = 0.0
    passages_embedded: int = 0
    sentences_embedded: int = 0
    articles_added: int = 0
    articles_changed: int = 0
    articles_removed: int = 0
    articles_unchanged: int = 0
    truncated_passages: int = 0
    # Pieces of page furniture (lines, glued credits) left out of passages, by article file type
    # ("txt", "html", ...); None when furniture is kept (QA_DROP_FURNITURE=false).
    furniture: dict[str, int] | None = field(default_factory=dict)
    full_rebuild_reason: str | None = None
    notes: list[str] = field(default_factory=list)  # what the build repaired or could not do
    version: str = ""
    index_dir: str = ""
    vector_index: str = "flat"
    recall_at_10: float | None = None

    def count_furniture(self, article_path: str, pieces: int) -> None:
        if self.furniture is not None:
            kind = file_type(article_path)
            self.furniture[kind] = self.furniture.get(kind, 0) + pieces

    @property
    def passages_per_second(self) -> float:
        return self.passages / self.seconds if self.seconds else 0.0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["skipped"] = [{"path": s.path, "line": s.line, "reason": s.reason} for s in self.skipped]
        data["warnings"] = [{"path": w.path, "line": w.line, "message": w.message} for w in self.warnings]
        data["passages_per_second"] = round(self.passages_per_second, 2)
        data["seconds"] = round(self.seconds, 3)
        data["embed_seconds"] = round(self.embed_seconds, 3)
        return data


_FILE_TYPES = {".markdown": "md", ".htm": "html"}


def file_type(article_path: str) -> str:
    """The kind of file an article comes from: "txt", "md", "html", "json", "jsonl" (or "other")."""
    suffix = PurePosixPath(article_path.partition("#")[0]).suffix.lower()
    kind = _FILE_TYPES.get(suffix, suffix.lstrip("."))
    return kind if kind in ("txt", "md", "html", "json", "jsonl") else "other"


class StrictBuildError(ArticleIndexError):
    """--strict was given and some files were skipped."""
