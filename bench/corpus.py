"""Synthetic French-looking articles for benchmarks, drawn from the PIAF contexts' words (read in place)."""

from __future__ import annotations

import json
import random
import re
from functools import lru_cache
from pathlib import Path

# The shared PIAF set beside the project checkout (../shared), read in place for its words.
PIAF = Path(__file__).resolve().parents[2] / "shared" / "eval" / "piaf" / "piaf-v1.1.json"
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_ARTICLES_PER_FILE = 1000


@lru_cache(maxsize=1)
def _piaf() -> dict:
    return json.loads(PIAF.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def french_words() -> list[str]:
    """Every word of every PIAF context, in order: sampling from it keeps French word frequencies."""
    return [w for a in _piaf()["data"] for p in a["paragraphs"] for w in _WORD.findall(p["context"])]


def questions(limit: int = 200) -> list[str]:
    """Real French questions (PIAF), to time queries with."""
    found = [q["question"] for a in _piaf()["data"] for p in a["paragraphs"] for q in p["qas"]]
    return found[:limit]


def article_text(rng: random.Random, words: list[str], count: int) -> str:
    """About `count` words as sentences of 8-24 words, in paragraphs of 3-6 sentences."""
    paragraphs, sentences, written = [], [], 0
    while written < count:
        size = rng.randint(8, 24)
        picked = rng.choices(words, k=size)
        sentences.append(picked[0].capitalize() + " " + " ".join(picked[1:]) + ".")
        written += size
        if len(sentences) >= rng.randint(3, 6):
            paragraphs.append(" ".join(sentences))
            sentences = []
    if sentences:
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


def write_corpus(
    folder: Path, passages: int, *, words_per_article: int = 500, seed: int = 0, collections: int = 0
) -> int:
    """Write about `passages` 100-word passages as JSON-lines articles; returns how many articles.

    With `collections`, the files are dealt into that many subfolders (`section-0`, ...).
    """
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    words = french_words()
    articles = max(1, passages * 72 // words_per_article)  # the splitter makes ~72-word passages
    for first in range(0, articles, _ARTICLES_PER_FILE):
        part = first // _ARTICLES_PER_FILE
        target = folder / f"section-{part % collections}" if collections else folder
        target.mkdir(exist_ok=True)
        with (target / f"part-{part:05d}.jsonl").open("w", encoding="utf-8") as out:
            for number in range(first, min(first + _ARTICLES_PER_FILE, articles)):
                title = " ".join(rng.choices(words, k=rng.randint(4, 9))).capitalize()
                text = article_text(rng, words, words_per_article)
                record = {
                    "id": number,
                    "title": title,
                    "text": text,
                    "date": f"2024-01-{number % 28 + 1:02d}",
                }
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return articles


def change_one_article(folder: Path, seed: int = 1) -> str:
    """Rewrite the text of the first article of the first file; returns its id."""
    path = sorted(folder.rglob("*.jsonl"))[0]
    lines = path.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    record["text"] = article_text(random.Random(seed), french_words(), 500)
    lines[0] = json.dumps(record, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f"{path.name}#{record['id']}"
