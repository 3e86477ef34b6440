"""HTML articles: main text and metadata of a page; the one module that imports trafilatura."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

import lxml.etree
import lxml.html
import trafilatura

from index.ingest.origin import Item, Origin, Skip
from index.ingest.plain_text import split_title, trim_blank_lines

_log = logging.getLogger(__name__)
# trafilatura logs its own parse failures ("discarding data: None", "empty HTML tree") as errors,
# in the middle of a rebuild's output; what a page yields, or why it is skipped, is reported here.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)

# Page chrome that is never article text, dropped by the plain lxml fallback.
_NOISE_XPATH = "//head|//script|//style|//noscript|//template|//nav|//header|//footer|//aside|//form"
# lxml refuses a str that still carries an XML encoding declaration; the text is already decoded.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_BLOCK_TAGS = (
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
    "article", "section", "main", "blockquote", "pre", "table",
)  # fmt: skip


@dataclass(frozen=True)
class HtmlText:
    """What a page yields: its main text (paragraphs on separate lines) and metadata."""

    text: str
    title: str | None = None
    url: str | None = None
    date: str | None = None
    source: str | None = None


def extract_html(html: str) -> HtmlText | None:
    """Main text and metadata of a page, or None when it holds no text at all."""
    text = main_text(html) or plain_text(html)
    if not text:
        return None
    title, url, date, source = _metadata(html)
    return HtmlText(text=text, title=title, url=url, date=date, source=source)


def main_text(html: str) -> str:
    """The article body as trafilatura sees it (no navigation, footer or comments)."""
    try:
        text = trafilatura.extract(html, output_format="txt", include_comments=False)
    except Exception as error:  # a parser bug on one odd page must not stop a rebuild
        _log.warning("trafilatura failed on a page (%s); using plain text", error)
        return ""
    return (text or "").strip()


def plain_text(html: str) -> str:
    """Every visible line of the page outside obvious chrome: the fallback extractor."""
    try:
        tree = lxml.html.document_fromstring(_XML_DECLARATION.sub("", html))
    except (lxml.etree.ParserError, ValueError):
        return ""
    for element in tree.xpath(_NOISE_XPATH):
        element.drop_tree()
    for element in tree.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    lines = (line.strip() for line in tree.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def _metadata(html: str) -> tuple[str | None, str | None, str | None, str | None]:
    """Title, canonical URL, publication date and site name, where the page declares them."""
    try:
        meta = trafilatura.extract_metadata(html)
    except Exception as error:  # metadata is optional; the text alone is still an article
        _log.warning("trafilatura could not read page metadata (%s)", error)
        return None, None, None, None
    return (
        _clean(meta.title),
        _clean(meta.url),
        _clean(meta.date),
        _clean(meta.sitename),
    )


def _clean(value: object) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def parse_html(text: str, origin: Origin) -> Iterator[Item]:
    page = extract_html(text)
    if page is None:
        raise Skip("no text found in HTML")
    title, body = split_title(page.text, page.title, markdown=False)
    meta = {"url": page.url or "", "date": page.date or "", "source": page.source or ""}
    yield origin.record(origin.path, title, trim_blank_lines(body) or title, meta)
