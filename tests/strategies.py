"""Hypothesis strategies for text that comes from outside: articles, questions."""

from __future__ import annotations

from hypothesis import strategies as st

APOSTROPHE = "\u2019"
NNBSP = "\u202f"  # narrow no-break space, French typography before ? ! ; :
NBSP = "\u00a0"
ZWSP = "\u200b"  # zero-width space: not white space to Python, all over scraped pages

# Pieces of French and English news text, heavy on what sentence splitting must get right.
TEXT_PIECES = st.sampled_from(
    [*"aAbBéÉMJpx3 \n\t\r.!?…,;:«»“”\"()'-", NBSP, NNBSP, APOSTROPHE, "U.S.", "M. ", "etc. ", "\n\n"]
)
# ... and what scraped news adds: sentences glued together, addresses, names that mix cases,
# and page furniture (date stamps, links, credits, invisible lines).
SCRAPED_PIECES = st.sampled_from(
    [
        ".Selon",
        "».Le",
        "?Parce",
        "devantsMais ",
        "BFMTVMoins ",
        "?par BFMTV",
        "M.Dupont",
        "J.-C.",
        "3.5",
        "1.200",
        "www.Example.fr/Page",
        "Jean.Dupont@Example.fr",
        "LinkedIn",
        "iPhone",
        "\nPlus\n",
        "\n27 mai\n",
        "\nLire aussi : Le titre\n",
        " (AFP)",
        "\n© Reuters\n",
        f"\n{ZWSP}\n",
        ZWSP,
    ]
)
news_texts = st.lists(TEXT_PIECES, max_size=300).map("".join)
scraped_news_texts = st.lists(st.one_of(TEXT_PIECES, SCRAPED_PIECES), max_size=200).map("".join)
