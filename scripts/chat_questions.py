"""PIAF's questions retyped as people type in a chat: lower case, no accents, common abbreviations.

    .venv/bin/python -m scripts.chat_questions [--out /tmp/qa-exp/piaf-chat.json] [--seed 12]
    .venv/bin/qa-index eval /tmp/qa-exp/piaf-chat.json --part reporting

Writes a SQuAD v1.1 file with PIAF's articles, contexts and answers and the retyped questions
(same ids), outside the repository (it is derived from PIAF, which stays in ../shared/eval).
Deterministic: each question's choices come from a generator seeded with the seed and the
question's id, so the file is the same on every machine and does not depend on question order.

The rules, in order: lower case; each phrase below is abbreviated with probability 0.7 (whole
words only; "qu'est-ce que" → "c koi" or "keske"); every accent dropped ("été" → "ete",
"œ" → "oe"); the question mark and the space before it dropped.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIAF = ROOT.parent / "shared" / "eval" / "piaf" / "piaf-v1.1.json"
OUT = Path("/tmp/qa-exp/piaf-chat.json")
PROBABILITY = 0.7

# Written form → the chat forms people use for it (one is picked at random).
ABBREVIATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("qu'est-ce que", ("c koi", "keske")),
    ("qu'est ce que", ("c koi", "keske")),
    ("qu'est-ce qui", ("c koi ki",)),
    ("est-ce que", ("esk",)),
    ("pourquoi", ("pk", "pq", "pkoi")),
    ("quoi", ("koi",)),
    ("quand", ("qd",)),
    ("combien", ("cb", "cmb")),
    ("comment", ("cmt",)),
    ("quelles", ("kelles",)),
    ("quelle", ("kelle",)),
    ("quels", ("kels",)),
    ("quel", ("kel",)),
    ("qui", ("ki",)),
    ("beaucoup", ("bcp",)),
    ("c'est", ("c",)),
    ("dans", ("ds",)),
    ("avec", ("avc",)),
    ("pour", ("pr",)),
    ("toujours", ("tjr",)),
    ("aujourd'hui", ("ajd",)),
    ("adolescents", ("ados",)),
    ("adolescent", ("ado",)),
    ("il y a", ("ya",)),
    ("parce que", ("pcq",)),
    ("gouvernement", ("gvt",)),
    ("manifestation", ("manif",)),
    ("quelqu'un", ("qqn",)),
    ("quelque chose", ("qqch",)),
)


def strip_accents(text: str) -> str:
    text = text.replace("œ", "oe").replace("æ", "ae")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def chat_typed(question: str, rng: random.Random) -> str:
    """One question as typed in a chat (see the module's rules)."""
    text = question.lower().replace("\u2019", "'")
    for phrase, forms in ABBREVIATIONS:
        pattern = re.compile(rf"(?<![\w'-]){re.escape(phrase)}(?![\w'-])")

        def pick(_: re.Match[str], phrase: str = phrase, forms: tuple[str, ...] = forms) -> str:
            return rng.choice(forms) if rng.random() < PROBABILITY else phrase

        text = pattern.sub(pick, text)
    text = strip_accents(text)
    return re.sub(r"\s*\?+\s*$", "", text).strip()


def retype(squad: dict, seed: int) -> dict:
    out = json.loads(json.dumps(squad))
    for entry in out["data"]:
        for paragraph in entry["paragraphs"]:
            for qa in paragraph["qas"]:
                digest = hashlib.sha256(f"{seed}:{qa['id']}".encode()).digest()
                qa["question"] = chat_typed(qa["question"], random.Random(digest))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--source", type=Path, default=PIAF)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    squad = json.loads(args.source.read_text(encoding="utf-8"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(retype(squad, args.seed), ensure_ascii=False), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
