"""Helpers for the ingestion tests: write files, and read a load's single article or skip."""

from __future__ import annotations

from pathlib import Path

from index.ingest.folder import ArticleLoad
from index.records import Article, SkippedFile

NEWS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Rome talks end without a deal | The Daily Example</title>
  <meta property="og:title" content="Rome talks end without a deal">
  <meta property="og:site_name" content="The Daily Example">
  <link rel="canonical" href="https://daily.example/world/rome-talks">
  <meta property="article:published_time" content="2022-03-15T09:30:00Z">
</head>
<body>
  <header><a href="/">The Daily Example</a> <a href="/subscribe">Subscribe now</a></header>
  <nav><ul><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li>
  <li><a href="/login">Log in to your account</a></li></ul></nav>
  <main>
    <article>
      <h1>Rome talks end without a deal</h1>
      <p>National security adviser Jake Sullivan met Yang Jiechi in Rome on Monday for seven
      hours of talks about the war in Ukraine and the sanctions imposed on Moscow.</p>
      <p>Officials said the United States warned China against helping Russia evade the
      sanctions, and that any military support would carry significant consequences.</p>
      <p>Neither side announced an agreement, but both described the meeting as candid and
      said further contacts between the two delegations were expected in the coming weeks.</p>
    </article>
  </main>
  <aside>Most read: ten recipes for the weekend</aside>
  <footer><p>Copyright 2022 The Daily Example. All rights reserved.</p>
  <a href="/privacy">Privacy policy</a> <a href="/cookies">Cookie settings</a></footer>
</body>
</html>
"""


def write(root: Path, relative: str, content: str | bytes) -> Path:
    """Create `root/relative` (and its folders) holding `content` (str is written as UTF-8)."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_bytes(content.encode("utf-8"))
    else:
        path.write_bytes(content)
    return path


def only_article(load: ArticleLoad) -> Article:
    assert load.skipped == [], [skip.describe() for skip in load.skipped]
    assert len(load.articles) == 1
    return load.articles[0]


def only_skip(load: ArticleLoad) -> SkippedFile:
    assert load.articles == []
    assert len(load.skipped) == 1
    return load.skipped[0]


def by_id(load: ArticleLoad) -> dict[str, Article]:
    return {article.id: article for article in load.articles}
