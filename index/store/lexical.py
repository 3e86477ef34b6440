"""Keyword index over passages: BM25 (bm25s) over the terms of `index.text.terms`.

Row ids are positions in the list of texts given to `LexicalIndex.build`, the same order as the
vector store's rows. A saved index is a directory of `lexical.npz` (loaded with
`allow_pickle=False`) and `lexical.json`; nothing goes through pickle.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from index.errors import IndexCorruptError, IndexNotBuiltError
from index.store.layout import LEXICAL_ARRAYS, LEXICAL_META
from index.text.terms import LexicalTokenizer, TokenizerSettings

FORMAT_VERSION = 1


@dataclass(frozen=True)
class BM25Settings:
    """BM25 parameters (Lucene variant)."""

    k1: float = 1.2
    b: float = 0.75


class LexicalIndex:
    """BM25 over passage texts: term → (rows, precomputed scores) in a CSC matrix."""

    def __init__(
        self,
        vocabulary: dict[str, int],
        data: np.ndarray,
        indices: np.ndarray,
        indptr: np.ndarray,
        num_docs: int,
        tokenizer: TokenizerSettings,
        bm25: BM25Settings,
    ) -> None:
        self._vocabulary = vocabulary
        self._data = np.ascontiguousarray(data, dtype=np.float32)
        self._indices = np.ascontiguousarray(indices, dtype=np.int32)
        self._indptr = np.ascontiguousarray(indptr, dtype=np.int64)
        self._num_docs = int(num_docs)
        self.tokenizer_settings = tokenizer
        self.bm25_settings = bm25
        self._tokenizer = LexicalTokenizer(tokenizer)

    @classmethod
    def build(
        cls,
        texts: Sequence[str],
        tokenizer: TokenizerSettings | None = None,
        bm25: BM25Settings | None = None,
    ) -> LexicalIndex:
        """Index `texts`; row i of every result is `texts[i]`."""
        import bm25s

        tokenizer = tokenizer or TokenizerSettings()
        bm25 = bm25 or BM25Settings()
        splitter = LexicalTokenizer(tokenizer)
        vocabulary: dict[str, int] = {}
        corpus_ids = [
            [vocabulary.setdefault(term, len(vocabulary)) for term in splitter.terms(text)] for text in texts
        ]
        if not vocabulary:
            empty = np.zeros(0, dtype=np.float32)
            no_rows = np.zeros(1, dtype=np.int64)
            return cls({}, empty, empty.astype(np.int32), no_rows, len(texts), tokenizer, bm25)
        model = bm25s.BM25(k1=bm25.k1, b=bm25.b, method="lucene")
        scores = model.build_index_from_ids(
            unique_token_ids=list(range(len(vocabulary))), corpus_token_ids=corpus_ids, show_progress=False
        )
        return cls(
            vocabulary, scores["data"], scores["indices"], scores["indptr"], len(texts), tokenizer, bm25
        )

    def __len__(self) -> int:
        return self._num_docs

    def query_terms(self, query: str) -> list[str]:
        """The query's index terms (stop words removed, stemmed, folded), repeats removed."""
        return list(dict.fromkeys(self._tokenizer.terms(query)))

    def coverage(self, query: str) -> float:
        """Fraction of the query's terms that occur in the corpus: near 0 for a query in another language."""
        terms = self.query_terms(query)
        if not terms:
            return 0.0
        return sum(term in self._vocabulary for term in terms) / len(terms)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every row (float32, zeros where no query term occurs)."""
        out = np.zeros(self._num_docs, dtype=np.float32)
        for term in self.query_terms(query):
            column = self._vocabulary.get(term)
            if column is None:
                continue
            lo, hi = self._indptr[column], self._indptr[column + 1]
            # a column lists each row once, so fancy-index addition is exact
            out[self._indices[lo:hi]] += self._data[lo:hi]
        return out

    def search(self, query: str, k: int, within: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The `k` best rows with a positive score, best first, as (row, score); only rows of
        `within` (sorted row numbers) when given."""
        scores = self.scores(query)
        if within is None:
            return top_k(scores, k)
        return [(int(within[i]), score) for i, score in top_k(scores[within], k)]

    def save(self, directory: Path) -> None:
        """Write `lexical.npz` and `lexical.json` into `directory` (created if missing)."""
        directory.mkdir(parents=True, exist_ok=True)
        terms = sorted(self._vocabulary, key=self._vocabulary.__getitem__)
        np.savez(directory / LEXICAL_ARRAYS, data=self._data, indices=self._indices, indptr=self._indptr)
        meta = {
            "format_version": FORMAT_VERSION,
            "num_docs": self._num_docs,
            "tokenizer": asdict(self.tokenizer_settings),
            "bm25": asdict(self.bm25_settings),
            "terms": terms,
        }
        (directory / LEXICAL_META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        """Read an index written by `save`; raises if files are missing or inconsistent."""
        meta_path, arrays_path = directory / LEXICAL_META, directory / LEXICAL_ARRAYS
        if not meta_path.exists() or not arrays_path.exists():
            raise IndexNotBuiltError(f"no keyword index in {directory}: rebuild the index")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            with np.load(arrays_path, allow_pickle=False) as arrays:
                data, indices, indptr = arrays["data"], arrays["indices"], arrays["indptr"]
        except (OSError, ValueError, KeyError) as error:
            raise IndexCorruptError(
                f"keyword index in {directory} is unreadable ({error}): rebuild the index"
            ) from error
        if meta.get("format_version") != FORMAT_VERSION:
            raise IndexCorruptError(
                f"keyword index in {directory} has another format version: rebuild the index"
            )
        terms = meta["terms"]
        if len(indptr) != len(terms) + 1 or (len(indices) and int(indices.max()) >= meta["num_docs"]):
            raise IndexCorruptError(f"keyword index in {directory} is inconsistent: rebuild the index")
        tokenizer_fields = dict(meta["tokenizer"])
        tokenizer_fields["stopword_languages"] = tuple(tokenizer_fields["stopword_languages"])
        return cls(
            {term: i for i, term in enumerate(terms)},
            data,
            indices,
            indptr,
            meta["num_docs"],
            TokenizerSettings(**tokenizer_fields),
            BM25Settings(**meta["bm25"]),
        )


def top_k(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """Rows with the `k` highest positive scores, best first (ties by row id)."""
    if k <= 0 or scores.size == 0:
        return []
    k = min(k, scores.size)
    candidates = np.argpartition(-scores, k - 1)[:k] if k < scores.size else np.arange(scores.size)
    ranked = sorted(candidates.tolist(), key=lambda row: (-float(scores[row]), row))
    return [(row, float(scores[row])) for row in ranked if scores[row] > 0]
