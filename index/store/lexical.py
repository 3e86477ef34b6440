"""Keyword index over passages: BM25 (bm25s) over the terms of `index.text.terms`, and a title field.

Row ids are positions in the list of texts given to `LexicalIndex.build`, the same order as the
vector store's rows. The title field records which terms each row's article title holds (a
headline often names the subject its passages only call "he" or "the company"); the second stage
reads it, BM25 does not. A saved index is a directory of `lexical.npz` (loaded with
`allow_pickle=False`) and `lexical.json`; nothing goes through pickle. Format 1 (no title field)
still loads, with no title terms.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from index.errors import IndexCorruptError, IndexNotBuiltError
from index.store.layout import LEXICAL_ARRAYS, LEXICAL_META
from index.text.terms import LexicalTokenizer, TokenizerSettings

FORMAT_VERSION = 2
_READABLE_FORMATS = (1, 2)


@dataclass(frozen=True)
class BM25Settings:
    """BM25 parameters (Lucene variant)."""

    k1: float = 1.2
    b: float = 0.75


@dataclass(frozen=True)
class TitleField:
    """Which rows' titles hold each term: CSC columns of sorted row numbers (no scores)."""

    indices: np.ndarray
    indptr: np.ndarray

    @classmethod
    def empty(cls, terms: int) -> TitleField:
        return cls(np.zeros(0, dtype=np.int32), np.zeros(terms + 1, dtype=np.int64))


class LexicalIndex:
    """BM25 over passage texts: term → (rows, precomputed scores) in a CSC matrix; titles beside it."""

    def __init__(
        self,
        vocabulary: dict[str, int],
        data: np.ndarray,
        indices: np.ndarray,
        indptr: np.ndarray,
        num_docs: int,
        tokenizer: TokenizerSettings,
        bm25: BM25Settings,
        titles: TitleField | None = None,
    ) -> None:
        self._vocabulary = vocabulary
        self._data = np.ascontiguousarray(data, dtype=np.float32)
        self._indices = np.ascontiguousarray(indices, dtype=np.int32)
        self._indptr = np.ascontiguousarray(indptr, dtype=np.int64)
        self._num_docs = int(num_docs)
        self.tokenizer_settings = tokenizer
        self.bm25_settings = bm25
        self._tokenizer = LexicalTokenizer(tokenizer)
        titles = titles or TitleField.empty(len(vocabulary))
        self._title_indices = np.ascontiguousarray(titles.indices, dtype=np.int32)
        self._title_indptr = np.ascontiguousarray(titles.indptr, dtype=np.int64)

    @classmethod
    def build(
        cls,
        texts: Sequence[str],
        tokenizer: TokenizerSettings | None = None,
        bm25: BM25Settings | None = None,
        titles: Iterable[str] | None = None,
    ) -> LexicalIndex:
        """Index `texts`; row i of every result is `texts[i]`, whose article title is `titles[i]`."""
        import bm25s

        tokenizer = tokenizer or TokenizerSettings()
        bm25 = bm25 or BM25Settings()
        splitter = LexicalTokenizer(tokenizer)
        vocabulary: dict[str, int] = {}
        corpus_ids = [
            [vocabulary.setdefault(term, len(vocabulary)) for term in splitter.terms(text)] for text in texts
        ]
        text_terms = len(vocabulary)
        title_ids = _title_term_ids(titles, splitter, vocabulary) if titles is not None else []
        if not vocabulary:
            empty = np.zeros(0, dtype=np.float32)
            no_rows = np.zeros(1, dtype=np.int64)
            return cls({}, empty, empty.astype(np.int32), no_rows, len(texts), tokenizer, bm25)
        if text_terms:
            model = bm25s.BM25(k1=bm25.k1, b=bm25.b, method="lucene")
            scores = model.build_index_from_ids(
                unique_token_ids=list(range(text_terms)), corpus_token_ids=corpus_ids, show_progress=False
            )
            data, indices, indptr = scores["data"], scores["indices"], scores["indptr"]
        else:
            data, indices, indptr = np.zeros(0), np.zeros(0, dtype=np.int32), np.zeros(1, dtype=np.int64)
        # Terms only titles hold have empty BM25 columns (their df over passage texts is 0).
        indptr = np.concatenate([indptr, np.full(len(vocabulary) - text_terms, indptr[-1], dtype=np.int64)])
        field = _title_field(title_ids, len(vocabulary)) if titles is not None else None
        return cls(vocabulary, data, indices, indptr, len(texts), tokenizer, bm25, field)

    def __len__(self) -> int:
        return self._num_docs

    def query_terms(self, query: str) -> list[str]:
        """The query's index terms (stop words removed, stemmed, folded), repeats removed; a word
        typed without its accents is read with them when only that form is in the index."""
        return list(dict.fromkeys(self._tokenizer.terms(query, known=self._has_term)))

    def _has_term(self, term: str) -> bool:
        column = self._vocabulary.get(term)
        return column is not None and self._indptr[column + 1] > self._indptr[column]

    def coverage(self, query: str) -> float:
        """Share of the query's terms that occur in the passages: near 0 for a query in another
        language (titles do not count: a foreign headline would)."""
        terms = self.query_terms(query)
        return sum(self._has_term(term) for term in terms) / len(terms) if terms else 0.0

    def idf(self, terms: Sequence[str]) -> np.ndarray:
        """Each term's BM25 idf over the passages; a term no passage holds gets the highest."""
        return self.idf_from_frequency(self.document_frequency(terms), self._num_docs)

    def document_frequency(self, terms: Sequence[str]) -> np.ndarray:
        """How many passages hold each term (0 for a term none holds)."""
        columns = [self._vocabulary.get(term) for term in terms]
        return np.array(
            [0 if c is None else self._indptr[c + 1] - self._indptr[c] for c in columns], dtype=np.float64
        )

    @staticmethod
    def idf_from_frequency(frequency: np.ndarray, documents: int) -> np.ndarray:
        """Lucene's idf, as bm25s computes it: log(1 + (N - df + 0.5) / (df + 0.5))."""
        return np.log1p((documents - frequency + 0.5) / (frequency + 0.5)).clip(min=0.0)

    def term_scores(self, terms: Sequence[str], rows: np.ndarray) -> np.ndarray:
        """BM25 contribution of each term (columns) to each row (lines); 0 where the row lacks it."""
        return self._per_term(terms, rows, self._indices, self._indptr, self._data)

    def title_holds(self, terms: Sequence[str], rows: np.ndarray) -> np.ndarray:
        """1.0 where the row's article title holds the term (rows x terms), else 0.0."""
        return self._per_term(terms, rows, self._title_indices, self._title_indptr, None)

    def _per_term(
        self,
        terms: Sequence[str],
        rows: np.ndarray,
        indices: np.ndarray,
        indptr: np.ndarray,
        data: np.ndarray | None,
    ) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.int64)
        out = np.zeros((len(rows), len(terms)), dtype=np.float32)
        for position, term in enumerate(terms):
            column = self._vocabulary.get(term)
            if column is None or column + 1 >= len(indptr):
                continue
            lo, hi = int(indptr[column]), int(indptr[column + 1])
            if lo == hi:
                continue
            holders = indices[lo:hi]  # sorted row numbers
            found = np.minimum(np.searchsorted(holders, rows), hi - lo - 1)
            present = holders[found] == rows
            out[present, position] = 1.0 if data is None else data[lo:hi][found[present]]
        return out

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
        np.savez(
            directory / LEXICAL_ARRAYS,
            data=self._data,
            indices=self._indices,
            indptr=self._indptr,
            title_indices=self._title_indices,
            title_indptr=self._title_indptr,
        )
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
                titles = (
                    TitleField(arrays["title_indices"], arrays["title_indptr"])
                    if "title_indptr" in arrays.files
                    else None
                )
        except (OSError, ValueError, KeyError) as error:
            raise IndexCorruptError(
                f"keyword index in {directory} is unreadable ({error}): rebuild the index"
            ) from error
        if meta.get("format_version") not in _READABLE_FORMATS:
            raise IndexCorruptError(
                f"keyword index in {directory} has another format version: rebuild the index"
            )
        terms = meta["terms"]
        titles = titles or TitleField.empty(len(terms))
        if (
            len(indptr) != len(terms) + 1
            or len(titles.indptr) != len(terms) + 1
            or (len(indices) and int(indices.max()) >= meta["num_docs"])
            or (len(titles.indices) and int(titles.indices.max()) >= meta["num_docs"])
        ):
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
            titles,
        )


def _title_term_ids(
    titles: Iterable[str], splitter: LexicalTokenizer, vocabulary: dict[str, int]
) -> list[list[int]]:
    """Each row's distinct title terms as vocabulary ids (new terms added); a title seen before is
    tokenized once (every passage of an article repeats it)."""
    seen: dict[str, list[int]] = {}
    out: list[list[int]] = []
    for title in titles:
        ids = seen.get(title)
        if ids is None:
            terms = dict.fromkeys(splitter.terms(title))
            ids = seen[title] = sorted(vocabulary.setdefault(term, len(vocabulary)) for term in terms)
        out.append(ids)
    return out


def _title_field(title_ids: list[list[int]], terms: int) -> TitleField:
    """CSC columns (term → sorted rows) from each row's title term ids."""
    counts = np.zeros(terms, dtype=np.int64)
    for ids in title_ids:
        counts[ids] += 1
    indptr = np.zeros(terms + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    indices = np.zeros(int(indptr[-1]), dtype=np.int32)
    cursor = indptr[:-1].copy()
    for row, ids in enumerate(title_ids):  # rows ascend, so each column comes out sorted
        indices[cursor[ids]] = row
        cursor[ids] += 1
    return TitleField(indices, indptr)


def top_k(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """Rows with the `k` highest positive scores, best first (ties by row id)."""
    if k <= 0 or scores.size == 0:
        return []
    k = min(k, scores.size)
    candidates = np.argpartition(-scores, k - 1)[:k] if k < scores.size else np.arange(scores.size)
    ranked = sorted(candidates.tolist(), key=lambda row: (-float(scores[row]), row))
    return [(row, float(scores[row])) for row in ranked if scores[row] > 0]
