"""How well "one story, quoted once" tells a repeated story from a shared topic.

    .venv/bin/python -m bench.duplicates_bench [--pairs 400] [--cosine]

Same-story pairs: real paragraphs (PIAF, XQuAD) beside a copy edited the way outlets and updates
edit wire copy: typography, a dateline or credit added, the first or last sentence cut, a sentence
added, a figure or a word changed, a passage boundary moved. Topic-only pairs: two different
paragraphs of the same Wikipedia article (same people, places and vocabulary), the hardest
negatives these sets hold; and bulletins written from one template (markets, results, weather).
Prints precision and recall of the shipped measure (share of repeated sentences) at several
bars (the shipped bar is index.search.stories.SAME_STORY), the overlap alone and Jaccard for
comparison, and with --cosine the packaged model's cosine, so the choice is measured, not assumed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
from collections.abc import Callable
from pathlib import Path

from index.search.stories import SAME_STORY, Fingerprint, overlap, shingles
from index.text.sentences import split_sentences

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
SETS = ("piaf/piaf-v1.1.json", "xquad/xquad.en.json", "xquad/xquad.es.json", "xquad/xquad.de.json")
PASSAGE_WORDS = 120
DATELINES = (
    "PARIS (AFP) - ",
    "(Reuters) ",
    "MADRID, 14 mars (AFP) — ",
    "Berlin (dpa) - ",
    "Par notre correspondant. ",
)
CREDITS = (" (avec AFP)", " — Reuters", " Lire aussi : notre dossier.", " (dpa/AFP)")
NEW_SENTENCES = (
    "Mise à jour à 18h : les autorités ont confirmé l'information.",
    "Update: officials confirmed the report on Tuesday.",
    "Las autoridades confirmaron la información el martes.",
    "Die Behörden bestätigten die Angaben am Dienstag.",
)


def articles(path: Path) -> list[list[str]]:
    """Each article's paragraphs, cut to about one passage."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    return [[_passage(p["context"]) for p in article["paragraphs"]] for article in data]


def _passage(text: str) -> str:
    words = text.split()
    return " ".join(words[:PASSAGE_WORDS])


def _typography(text: str, rng: random.Random) -> str:
    return text.replace("'", "\u2019").replace('"', "«").replace(" ,", ",").replace("  ", " ")


def _dateline(text: str, rng: random.Random) -> str:
    return rng.choice(DATELINES) + text


def _credit(text: str, rng: random.Random) -> str:
    return text + rng.choice(CREDITS)


def _cut_first(text: str, rng: random.Random) -> str:
    sentences = _sentences(text)
    return " ".join(sentences[1:]) if len(sentences) > 2 else text


def _cut_last(text: str, rng: random.Random) -> str:
    sentences = _sentences(text)
    return " ".join(sentences[:-1]) if len(sentences) > 2 else text


def _add_sentence(text: str, rng: random.Random) -> str:
    sentences = _sentences(text)
    where = rng.randrange(len(sentences) + 1)
    return " ".join([*sentences[:where], rng.choice(NEW_SENTENCES), *sentences[where:]])


def _change_figure(text: str, rng: random.Random) -> str:
    numbers = list(re.finditer(r"\d+", text))
    if numbers:
        found = rng.choice(numbers)
        return text[: found.start()] + str(int(found.group()) + rng.randrange(1, 9)) + text[found.end() :]
    words = text.split()
    words[rng.randrange(len(words))] = "différent"
    return " ".join(words)


def _sentences(text: str) -> list[str]:
    return [text[start:end].strip() for start, end in split_sentences(text)] or [text]


EDITS: tuple[Callable[[str, random.Random], str], ...] = (
    _typography,
    _dateline,
    _credit,
    _cut_first,
    _cut_last,
    _add_sentence,
    _change_figure,
)


def same_story_pairs(paragraphs: list[str], count: int, rng: random.Random) -> list[tuple[str, str]]:
    """A paragraph and a copy with two or three of the edits outlets make."""
    pairs = []
    for original in rng.sample(paragraphs, min(count, len(paragraphs))):
        copy = original
        for edit in rng.sample(EDITS, rng.choice((2, 3))):
            copy = edit(copy, rng)
        pairs.append((original, copy))
    return pairs


# Bulletins written from one template (markets, results, weather): different news, shared wording.
TEMPLATES = (
    "La Bourse de Paris a terminé la séance de {day} en {move} de {pct} %, à {points} points. "
    "Le CAC 40 a été porté par {company}, qui a gagné {pct2} % après la publication de ses résultats "
    "trimestriels. Les investisseurs restent attentifs aux décisions de la Banque centrale européenne.",
    "{team} a battu {other} sur le score de {goals} à {goals2}, {day} soir, lors de la {round}e journée "
    "du championnat. Grâce à cette victoire, {team} remonte à la {rank}e place du classement, à "
    "{gap} points du leader.",
    "Le conseil municipal a voté la rénovation de {work}, a annoncé le maire {mayor}. Les travaux "
    "commenceront au printemps et devraient durer deux ans, selon la mairie. L'opposition dénonce un "
    "projet trop coûteux pour les habitants du quartier.",
    "Météo-France a placé {count} départements en vigilance orange aux orages pour la journée de "
    "{day}. Des cumuls de {mm} millimètres de pluie sont attendus, accompagnés de rafales pouvant "
    "atteindre {kmh} km/h sur le littoral.",
)
SLOTS = {
    "day": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "move": ["hausse", "baisse"],
    "company": ["TotalEnergies", "LVMH", "Airbus", "Renault", "Danone", "Orange"],
    "team": ["Lyon", "Marseille", "Lille", "Rennes", "Nantes", "Nice"],
    "other": ["Brest", "Lens", "Reims", "Metz", "Lorient", "Toulouse"],
    "work": ["l'école Jaurès", "la piscine du port", "le pont de pierre", "la halle aux grains", "le stade"],
    "mayor": ["Dupont", "Martin", "Bernard", "Petit", "Durand"],
}


def template_pairs(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """Two bulletins from one template with different names and figures."""

    def fill(template: str) -> str:
        values = {slot: rng.choice(choices) for slot, choices in SLOTS.items()}
        numbers = {name: str(rng.randrange(2, 99)) for name in re.findall(r"\{(\w+)\}", template)}
        return template.format(**(numbers | values))

    pairs: list[tuple[str, str]] = []
    while len(pairs) < count:
        template = rng.choice(TEMPLATES)
        a, b = fill(template), fill(template)
        if a != b:
            pairs.append((a, b))
    return pairs


def topic_pairs(grouped: list[list[str]], count: int, rng: random.Random) -> list[tuple[str, str]]:
    """Two different paragraphs of one article."""
    pairs = [pair for paragraphs in grouped for pair in itertools.combinations(paragraphs, 2)]
    return rng.sample(pairs, min(count, len(pairs)))


def scores(pairs: list[tuple[str, str]], measure: Callable[[str, str], float]) -> list[float]:
    return [measure(a, b) for a, b in pairs]


def report(name: str, same: list[float], topic: list[float], bars: list[float]) -> None:
    print(f"\n{name}")
    print("   bar  precision  recall  negatives grouped")
    for bar in bars:
        true = sum(s >= bar for s in same)
        false = sum(s >= bar for s in topic)
        precision = true / (true + false) if true + false else 1.0
        print(f"  {bar:.2f}     {precision:.3f}   {true / len(same):.3f}   {false}/{len(topic)}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pairs", type=int, default=400, help="pairs of each kind per question set")
    parser.add_argument("--cosine", action="store_true", help="also measure the packaged model's cosine")
    args = parser.parse_args()
    rng = random.Random(20261130)
    same: list[tuple[str, str]] = []
    topic: list[tuple[str, str]] = []
    for name in SETS:
        grouped = articles(EVAL / name)
        same += same_story_pairs([p for ps in grouped for p in ps], args.pairs, rng)
        topic += topic_pairs(grouped, args.pairs, rng)
    templated = template_pairs(args.pairs, rng)
    print(f"{len(same)} same-story pairs, {len(topic)} topic-only pairs, {len(templated)} bulletins")

    def shingle_overlap(a: str, b: str) -> float:
        return overlap(shingles(a), shingles(b))

    def shipped(a: str, b: str) -> float:
        return Fingerprint.of(a).resemblance(Fingerprint.of(b))

    def jaccard(a: str, b: str) -> float:
        x, y = shingles(a), shingles(b)
        return len(x & y) / len(x | y) if x | y else 0.0

    bars = [0.3, 0.4, SAME_STORY, 0.6, 0.7]
    for label, negatives in (("topic-only pairs", topic), ("template bulletins", templated)):
        print(f"\n=== same story against {label}")
        shipped_name = f"shipped: share of the shorter passage in repeated sentences (bar {SAME_STORY})"
        report(shipped_name, *_both(same, negatives, shipped), bars)
        report("shingle overlap alone, 3 words", *_both(same, negatives, shingle_overlap), bars)
        report("shingle Jaccard, 3 words", *_both(same, negatives, jaccard), [0.2, 0.3, 0.4, 0.5, 0.6])
        if args.cosine:
            _cosine(same, negatives)


def _both(
    same: list[tuple[str, str]], other: list[tuple[str, str]], measure: Callable[[str, str], float]
) -> tuple[list[float], list[float]]:
    return scores(same, measure), scores(other, measure)


def _cosine(same: list[tuple[str, str]], topic: list[tuple[str, str]]) -> None:
    from index.embed.embedder import load_embedder
    from index.settings import PACKAGED_USE

    embedder = load_embedder(PACKAGED_USE)

    def cosines(pairs: list[tuple[str, str]]) -> list[float]:
        left = embedder.embed_passages([a for a, _ in pairs])
        right = embedder.embed_passages([b for _, b in pairs])
        return [float(x @ y) for x, y in zip(left, right, strict=True)]

    report("cosine, packaged multilingual USE", cosines(same), cosines(topic), [0.7, 0.8, 0.85, 0.9, 0.95])


if __name__ == "__main__":
    main()
