"""Hypothesis strategies for text that comes from outside: articles, questions."""

from __future__ import annotations

from hypothesis import strategies as st

APOSTROPHE = "\u2019"
NNBSP = "\u202f"  # narrow no-break space, French typography before ? ! ; :
NBSP = "\u00a0"

# Pieces of French and English news text, heavy on what sentence splitting must get right.
TEXT_PIECES = st.sampled_from(
    [*"aAbBéÉMJpx3 \n\t\r.!?…,;:«»“”\"()'-", NBSP, NNBSP, APOSTROPHE, "U.S.", "M. ", "etc. ", "\n\n"]
)
news_texts = st.lists(TEXT_PIECES, max_size=300).map("".join)
