"""A folder of articles → `Article` records, with a report of every file that was left out.

Formats, chosen by extension (case-insensitive):

- ``.txt``, ``.md``, ``.markdown``: optional front matter (a ``---`` block, or leading
  ``url:``/``date:``/``source:``/``title:`` lines ended by a blank line), then the title
  (front-matter ``title``, else the first non-empty line, ``#`` marks stripped for Markdown),
  then the body. The body is kept character for character (only line endings become ``\\n``
  and blank lines around it are trimmed) because quotes are exact slices of ``Article.text``.
  A file that is only a title keeps the title as its text, so a one-line article is not lost.
- ``.html``, ``.htm``: main text, title, URL, date and site name via trafilatura, with a plain
  lxml extraction as fallback (see `index.html_text`). A title repeated as the first line of
  the text is removed from the text.
- ``.json`` (a list of objects, ``{"articles": [...]}`` or one object) and ``.jsonl`` (one
  object per line): ``text`` or ``body`` is required; ``title`` falls back to the text's first
  line (which then leaves the text, as in a ``.txt`` file); ``id``, ``url``, ``date`` and
  ``source`` are optional. Records are numbered from 1 (JSONL: by line).

Ids are stable across rebuilds: the POSIX path relative to the folder for one-article files,
``"{path}#{id}"`` or ``"{path}#{number}"`` for JSON records.

Nothing disappears silently, except hidden files and folders (a name starting with "."):

- other extensions are reported as "unsupported file type .pdf (...)";
- README, LICENSE, CHANGELOG-like files are reported as not articles, whatever their extension;
- text must be UTF-8 (a BOM is fine); other encodings are reported, never guessed, with the
  first bad byte, so the maintainer can re-save the file. An HTML page that declares its
  charset in a ``<meta>`` tag is decoded with that charset, since that is not a guess;
- empty, binary, oversized, unreadable and duplicate files are reported with a reason.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from index.errors import ArticlesError
from index.html_text import extract_html
from index.models import Article, SkippedFile

DEFAULT_MAX_BYTES = 20_000_000
SUPPORTED_EXTENSIONS = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl")
FRONT_MATTER_KEYS = ("url", "date", "source", "title")
# Files that document a folder rather than being an article in it.
_NOT_ARTICLE_STEMS = frozenset({"readme", "license", "licence", "copying", "changelog", "contributing"})
_BINARY_SAMPLE_BYTES = 8192
_BINARY_CONTROL_SHARE = 0.1
_TEXT_CONTROL_BYTES = frozenset(b"\t\n\r\f\v\x1b")
_KEY_VALUE_LINE = re.compile(r"^\s*(url|date|source|title)\s*:(.*)$", re.IGNORECASE)
_ATX_CLOSING = re.compile(r"\s+#+\s*$")
_SETEXT_UNDERLINE = re.compile(r"^\s*(=+|-+)\s*$")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


@dataclass(frozen=True)
class ArticleLoad:
    """The articles read from a folder, the files (or records) left out, and the files looked at."""

    articles: list[Article]
    skipped: list[SkippedFile]
    files_seen: int


def load_articles(root: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ArticleLoad:
    """Read every article under `root`, in path order; raise `ArticlesError` if it is no folder."""
    scan = _scan(root)
    articles: list[Article] = []
    skipped = list(scan.problems)
    for item in _read_all(scan.files, root, max_bytes):
        if isinstance(item, Article):
            articles.append(item)
        else:
            skipped.append(item)
    return ArticleLoad(articles=articles, skipped=skipped, files_seen=len(scan.files))


def iter_articles(root: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Article | SkippedFile]:
    """Stream `load_articles`: articles and skips in the same order, one file in memory at a time."""
    scan = _scan(root)
    yield from scan.problems
    yield from _read_all(scan.files, root, max_bytes)


def iter_article_files(root: Path) -> Iterator[Path]:
    """Every non-hidden file under `root` (symbolic links followed), sorted by relative path."""
    yield from _scan(root).files


# --- walking the folder -------------------------------------------------------------------


@dataclass(frozen=True)
class _Scan:
    files: list[Path]
    problems: list[SkippedFile]


def _scan(root: Path) -> _Scan:
    _check_root(root)
    relative: list[str] = []
    problems: list[SkippedFile] = []
    visited: set[str] = set()

    def report(error: OSError) -> None:
        where = Path(error.filename or root)
        problems.append(SkippedFile(_relative(where, root), f"cannot read folder: {_os_reason(error)}"))

    for folder, dirs, files in os.walk(root, onerror=report, followlinks=True):
        real = os.path.realpath(folder)
        if real in visited:  # a symbolic link loop, or two links to one folder
            dirs.clear()
            continue
        visited.add(real)
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        base = Path(folder).relative_to(root)
        relative.extend((base / name).as_posix() for name in files if not name.startswith("."))
    return _Scan(files=[root / name for name in sorted(relative)], problems=problems)


def _check_root(root: Path) -> None:
    if not root.exists():
        raise ArticlesError(
            f"articles folder {root} does not exist: create it and put .txt, .md, .html, .json "
            "or .jsonl files in it, or set QA_ARTICLES_DIR"
        )
    if not root.is_dir():
        raise ArticlesError(
            f"articles folder {root} is a file, not a folder: set QA_ARTICLES_DIR to the folder "
            "that holds the articles"
        )
    if not os.access(root, os.R_OK | os.X_OK):
        raise ArticlesError(f"articles folder {root} cannot be read: give the bot's user read access to it")


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix() or "."
    except ValueError:
        return path.as_posix()


# --- one file -----------------------------------------------------------------------------


class _Skip(Exception):
    """Raised while reading a file: the whole file (or one record) is left out for `reason`."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


@dataclass(frozen=True)
class _Origin:
    """The file an article comes from, as seen from the articles folder."""

    path: str

    @property
    def collection(self) -> str:
        head, _, rest = self.path.partition("/")
        return head if rest else ""

    def article(self, article_id: str, title: str, text: str, meta: dict[str, str]) -> Article:
        return Article(
            id=article_id,
            title=title,
            text=text,
            path=self.path,
            url=meta.get("url") or None,
            date=meta.get("date") or None,
            source=meta.get("source") or None,
            collection=self.collection,
        )


@dataclass(frozen=True)
class _Place:
    """Where a record sits: a JSONL line, a JSON list item, or (neither) the whole file."""

    line: int | None = None
    item: int | None = None

    @property
    def number(self) -> int:
        return self.line or self.item or 1

    def skipped(self, path: str, reason: str) -> SkippedFile:
        prefix = f"item {self.item}: " if self.item is not None else ""
        return SkippedFile(path, prefix + reason, self.line)


_WHOLE_FILE = _Place()


@dataclass(frozen=True)
class _Record:
    """An article before the duplicate check, with its place for the report."""

    article: Article
    place: _Place = _WHOLE_FILE


_Item = _Record | SkippedFile
_Parser = Callable[[str, _Origin], Iterator[_Item]]


def _read_all(files: list[Path], root: Path, max_bytes: int) -> Iterator[Article | SkippedFile]:
    """Read files in order, leaving out articles whose content was already seen."""
    first_by_hash: dict[str, str] = {}
    for path in files:
        for item in _read_file(path, root, max_bytes):
            if isinstance(item, SkippedFile):
                yield item
                continue
            article = item.article
            first = first_by_hash.setdefault(article.hash, article.id)
            if first == article.id:
                yield article
            else:
                yield item.place.skipped(article.path, f"duplicate of {first}")


def _read_file(path: Path, root: Path, max_bytes: int) -> list[_Item]:
    origin = _Origin(_relative(path, root))
    try:
        parse = _parser_for(path)
        data = _read_bytes(path, max_bytes)
        text = _decode(data, html=parse is _parse_html)
        return list(parse(text, origin))
    except _Skip as skip:
        return [SkippedFile(origin.path, skip.reason, skip.line)]


def _parser_for(path: Path) -> _Parser:
    if path.name.split(".")[0].lower() in _NOT_ARTICLE_STEMS:
        raise _Skip("looks like a README or licence file, not an article: rename it if it is one")
    suffix = path.suffix.lower()
    parsers: dict[str, _Parser] = {
        ".txt": _parse_text,
        ".md": _parse_markdown,
        ".markdown": _parse_markdown,
        ".html": _parse_html,
        ".htm": _parse_html,
        ".json": _parse_json,
        ".jsonl": _parse_jsonl,
    }
    if suffix not in parsers:
        kind = suffix or "(no extension)"
        raise _Skip(f"unsupported file type {kind} (use {', '.join(SUPPORTED_EXTENSIONS)})")
    return parsers[suffix]


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refusing oversized files before reading them."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise _Skip("not a regular file (a device, pipe or socket)")
        if info.st_size > max_bytes:
            raise _Skip(_too_large(info.st_size, max_bytes))
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise _Skip(f"cannot read file: {_os_reason(error)}") from error
    if len(data) > max_bytes:  # it grew after the size check
        raise _Skip(_too_large(len(data), max_bytes))
    return data


def _too_large(size: int, max_bytes: int) -> str:
    return f"file is {_size(size)}, over the {_size(max_bytes, exact=True)} limit (QA_MAX_ARTICLE_BYTES)"


def _size(count: int, *, exact: bool = False) -> str:
    for unit, scale in (("MB", 1_000_000), ("KB", 1_000)):
        if count >= scale:
            amount = f"{count / scale:g}" if exact else f"{count / scale:.1f}"
            return f"{amount} {unit}"
    return f"{count} bytes"


def _os_reason(error: OSError) -> str:
    if isinstance(error, PermissionError):
        return "permission denied; give the bot's user read access"
    if isinstance(error, FileNotFoundError):
        return "it vanished or is a broken symbolic link"
    return error.strerror or str(error)


# --- bytes → text -------------------------------------------------------------------------


def _decode(data: bytes, *, html: bool = False) -> str:
    """UTF-8 text with "\\n" line endings, or a `_Skip` that says how to fix the file."""
    if not data.strip():
        raise _Skip("empty file")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _Skip("UTF-16 text, not UTF-8; save it as UTF-8")
    if _looks_binary(data[:_BINARY_SAMPLE_BYTES]):
        raise _Skip("binary file, not text")
    text = _utf8_text(data, html=html)
    if not text.strip():
        raise _Skip("empty file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _utf8_text(data: bytes, *, html: bool) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        declared = _declared_charset_text(data) if html else None
        if declared is None:
            raise _not_utf8(data, error) from error
        return declared


def _looks_binary(sample: bytes) -> bool:
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in _TEXT_CONTROL_BYTES)
    return controls > _BINARY_CONTROL_SHARE * len(sample)


def _not_utf8(data: bytes, error: UnicodeDecodeError) -> _Skip:
    line = data.count(b"\n", 0, error.start) + 1
    return _Skip(
        f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}); save it as UTF-8",
        line=line,
    )


def _declared_charset_text(data: bytes) -> str | None:
    """The page decoded with the charset its own <meta> tag declares, if it declares one."""
    match = _META_CHARSET.search(data[:4096])
    if match is None:
        return None
    try:
        return data.decode(match.group(1).decode("ascii"))
    except (LookupError, UnicodeDecodeError):
        return None


# --- text and Markdown --------------------------------------------------------------------


def _parse_text(text: str, origin: _Origin) -> Iterator[_Item]:
    yield _Record(_plain_article(text, origin, markdown=False))


def _parse_markdown(text: str, origin: _Origin) -> Iterator[_Item]:
    yield _Record(_plain_article(text, origin, markdown=True))


def _plain_article(text: str, origin: _Origin, *, markdown: bool) -> Article:
    meta, body = split_front_matter(text)
    title, body = split_title(body, meta.get("title"), markdown=markdown)
    if not title:
        raise _Skip("no text after the front matter")
    return origin.article(origin.path, title, trim_blank_lines(body) or title, meta)


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Known keys (lower-cased) from a leading ``---`` block or ``key: value`` lines, and the rest."""
    lines = text.split("\n")
    if lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() in ("---", "...")), 0)
        if end:
            return _key_values(lines[1:end]), "\n".join(lines[end + 1 :])
        return {}, text
    header = _leading_block(lines)
    if header and all(_KEY_VALUE_LINE.match(line) for line in header):
        return _key_values(header), "\n".join(lines[len(header) :])
    return {}, text


def _leading_block(lines: list[str]) -> list[str]:
    """The lines before the first blank line."""
    for index, line in enumerate(lines):
        if not line.strip():
            return lines[:index]
    return lines


def _key_values(lines: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in lines:
        match = _KEY_VALUE_LINE.match(line)
        if match:
            values[match.group(1).lower()] = _unquote(match.group(2).strip())
    return {key: value for key, value in values.items() if value}


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def split_title(body: str, title: str | None, *, markdown: bool) -> tuple[str, str]:
    """The title (given, else the first non-empty line) and the text after the title line.

    A given title that the text repeats as its first line is removed from the text.
    """
    lines = body.split("\n")
    index = next((i for i, line in enumerate(lines) if _title_of(line, markdown)), None)
    if index is None:
        return title or "", ""
    first = _title_of(lines[index], markdown)
    if title and first != title:
        return title, body
    rest = lines[index + 1 :]
    if markdown and rest and _SETEXT_UNDERLINE.match(rest[0]):
        rest = rest[1:]
    return title or first, "\n".join(rest)


def _title_of(line: str, markdown: bool) -> str:
    if markdown:
        line = _ATX_CLOSING.sub("", line.strip().lstrip("#"))
    return line.strip()


def trim_blank_lines(text: str) -> str:
    """`text` without its leading and trailing blank lines; every other character is kept."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    end = len(lines)
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[start:end])


# --- HTML ---------------------------------------------------------------------------------


def _parse_html(text: str, origin: _Origin) -> Iterator[_Item]:
    page = extract_html(text)
    if page is None:
        raise _Skip("no text found in HTML")
    title, body = split_title(page.text, page.title, markdown=False)
    meta = {"url": page.url or "", "date": page.date or "", "source": page.source or ""}
    yield _Record(origin.article(origin.path, title, trim_blank_lines(body) or title, meta))


# --- JSON and JSON Lines ------------------------------------------------------------------


def _parse_json(text: str, origin: _Origin) -> Iterator[_Item]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise _Skip(_json_reason(error), line=error.lineno) from error
    records = _json_records(data)
    if not records:
        raise _Skip("no articles in this JSON file")
    places = [_Place(item=number) for number in range(1, len(records) + 1)]
    yield from _records(zip(places, records, strict=True), origin)


def _json_records(data: object) -> list[object]:
    if isinstance(data, dict) and "articles" in data:
        data = data["articles"]
        if not isinstance(data, list):
            raise _Skip(f'"articles" must be a list of objects, not {_json_type(data)}')
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list):
        return data
    raise _Skip(
        'expected a list of article objects, an object with an "articles" list, or one '
        f"article object, not {_json_type(data)}"
    )


def _parse_jsonl(text: str, origin: _Origin) -> Iterator[_Item]:
    yield from _records(_jsonl_lines(text, origin), origin)


def _jsonl_lines(text: str, origin: _Origin) -> Iterator[tuple[_Place, object]]:
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            yield _Place(line=number), json.loads(line)
        except json.JSONDecodeError as error:
            # A place with no record: `_records` reports it in order with the others.
            yield _Place(line=number), _InvalidJson(_json_reason(error))


@dataclass(frozen=True)
class _InvalidJson:
    reason: str


def _json_reason(error: json.JSONDecodeError) -> str:
    return f"invalid JSON: {error.msg} (column {error.colno})"


def _records(entries: Iterable[tuple[_Place, object]], origin: _Origin) -> Iterator[_Item]:
    """One article per JSON object; a bad or repeated record is reported and the rest load."""
    first_place_by_id: dict[str, _Place] = {}
    for place, record in entries:
        try:
            article = _record_article(record, place, origin)
        except _Skip as skip:
            yield place.skipped(origin.path, skip.reason)
            continue
        first = first_place_by_id.setdefault(article.id, place)
        if first is place:
            yield _Record(article, place)
        else:
            raw_id = article.id.rpartition("#")[2]
            yield place.skipped(origin.path, f'duplicate id "{raw_id}" (first at {_where(first)})')


def _where(place: _Place) -> str:
    return f"line {place.line}" if place.line is not None else f"item {place.item}"


def _record_article(record: object, place: _Place, origin: _Origin) -> Article:
    if isinstance(record, _InvalidJson):
        raise _Skip(record.reason)
    if not isinstance(record, dict):
        raise _Skip(f"expected an article object, not {_json_type(record)}")
    body = _string_field(record, "text")
    if body is None:
        body = _string_field(record, "body")
    if body is None or not body.strip():
        raise _Skip('no text: give each article a non-empty "text" (or "body") string')
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    given_title = (_string_field(record, "title") or "").strip() or None
    title, text = split_title(body, given_title, markdown=False)
    meta = {key: _string_field(record, key) or "" for key in ("url", "date", "source")}
    article_id = f"{origin.path}#{_record_id(record, place)}"
    return origin.article(article_id, title, trim_blank_lines(text) or title, meta)


def _record_id(record: dict[str, object], place: _Place) -> str:
    value = record.get("id")
    if value is None:
        return str(place.number)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _Skip(f'"id" must be a string or an integer, not {_json_type(value)}')
    if not str(value).strip():
        raise _Skip('"id" is empty: remove it or give the article an id')
    return str(value).strip()


def _string_field(record: dict[str, object], key: str) -> str | None:
    value = record.get(key)
    if value is None or isinstance(value, str):
        return value
    raise _Skip(f'"{key}" must be a string, not {_json_type(value)}')


def _json_type(value: object) -> str:
    """The JSON name of a decoded value's type, as the person who wrote the file knows it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"
