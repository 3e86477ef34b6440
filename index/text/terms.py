"""Text → keyword terms: lower-case, stop words out, Snowball stemming, accents folded.

The keyword index stores terms made this way and search makes a question's terms the same way
(`TokenizerSettings` is saved with the index), so both sides share this module.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

_WORD = re.compile(r"\w+", re.UNICODE)

# Question words are not in the Snowball lists but carry no topic in a question.
_EXTRA_STOPWORDS = {
    "french": (
        "quel quelle quels quelles qui quoi que qu quand comment combien pourquoi où ou lequel laquelle "
        "lesquels lesquelles dont est il elle ils elles a ont été etait était sont fait faire peut "
        "cela ceci celui celle ceux celles cet cette ces son sa ses leur leurs plus moins aussi très"
    ),
    "english": "what which who whom whose when where why how does did do many much",
}


def fold_accents(text: str) -> str:
    """Lower-case and strip diacritics: 'Élysée' → 'elysee' (œ/æ ligatures expanded)."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("œ", "oe").replace("æ", "ae"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# Endings a French word typed without accents most often lost them from (longest first).
_ACCENTED_ENDINGS = (("ees", "ées"), ("ee", "ée"), ("eres", "ères"), ("ere", "ère"), ("es", "és"), ("e", "é"))


@lru_cache(maxsize=8)
def stopword_set(languages: tuple[str, ...]) -> frozenset[str]:
    """Accent-folded stop words of the given languages (bm25s Snowball lists plus question words)."""
    from bm25s import stopwords

    tables = {
        "french": stopwords.STOPWORDS_FRENCH,
        "english": stopwords.STOPWORDS_EN_PLUS,
        "spanish": stopwords.STOPWORDS_SPANISH,
        "german": stopwords.STOPWORDS_GERMAN,
    }
    words: set[str] = set()
    for language in languages:
        words.update(fold_accents(word) for word in tables[language])
        words.update(fold_accents(word) for word in _EXTRA_STOPWORDS.get(language, "").split())
    return frozenset(words)


@dataclass(frozen=True)
class TokenizerSettings:
    """How text becomes index terms; saved with the index so queries are tokenized the same way."""

    stemmer: str | None = "french"
    stopword_languages: tuple[str, ...] = ("french", "english")
    fold_accents: bool = True
    min_letters: int = 2


@dataclass
class LexicalTokenizer:
    """Words → terms: lower-case, drop stop words and 1-letter words, stem, then fold accents."""

    settings: TokenizerSettings = field(default_factory=TokenizerSettings)

    def __post_init__(self) -> None:
        self._stop = stopword_set(self.settings.stopword_languages)
        self._cache: dict[str, str | None] = {}
        self._stem = None
        if self.settings.stemmer:
            import Stemmer

            self._stem = Stemmer.Stemmer(self.settings.stemmer).stemWord

    def terms(self, text: str, known: Callable[[str], bool] | None = None) -> list[str]:
        """The index terms of one text, in order (repeats kept: BM25 counts them).

        With `known` (a question's terms, checked against an index), a word typed without accents
        whose term the index lacks is tried with an accented French ending ("surnommee" →
        "surnommée"): the stemmer reads accented endings, so the unaccented form stems differently.
        """
        out: list[str] = []
        cache = self._cache
        for word in _WORD.findall(text.lower()):
            term = cache.get(word, "")
            if term == "":
                term = self._term(word)
                if len(cache) < 500_000:
                    cache[word] = term
            if term is not None and known is not None and not known(term):
                term = next((t for t in self._accented_terms(word) if known(t)), term)
            if term is not None:
                out.append(term)
        return out

    def _accented_terms(self, word: str) -> list[str]:
        """Terms of the word with its unaccented French ending accented: -e, -es, -ee, -ees → é..."""
        if self._stem is None or not word.isascii():
            return []
        out = []
        for plain, accented in _ACCENTED_ENDINGS:
            if word.endswith(plain) and len(word) > len(plain) + 2:
                term = self._term(word[: -len(plain)] + accented)
                if term is not None:
                    out.append(term)
        return out

    def _term(self, word: str) -> str | None:
        folded = fold_accents(word)
        if folded in self._stop or (len(folded) < self.settings.min_letters and not folded.isdigit()):
            return None
        # Snowball rules expect the accents (French 'é' endings), so stem first and fold after.
        stemmed = self._stem(word) if self._stem is not None else word
        return fold_accents(stemmed) if self.settings.fold_accents else stemmed
