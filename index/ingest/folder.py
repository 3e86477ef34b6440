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

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import ArticlesError
from index.ingest.decode import decode
from index.ingest.html_page import parse_html
from index.ingest.json_records import parse_json, parse_jsonl
from index.ingest.origin import Item, Origin, Parser, Skip
from index.ingest.plain_text import parse_markdown, parse_text
from index.records import Article, ArticleWarning, SkippedFile
from index.settings import DEFAULTS

SUPPORTED_EXTENSIONS = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl")
# Files that document a folder rather than being an article in it.
_NOT_ARTICLE_STEMS = frozenset({"readme", "license", "licence", "copying", "changelog", "contributing"})
# A link may point anywhere (`notes.txt -> ../.env`): only what lies inside the folder is read.
OUTSIDE_THE_FOLDER = (
    "a link to a file or folder outside the articles folder: not read (copy it into the folder)"
)
NAME_NOT_TEXT = "its name is not UTF-8 text (or holds a line break): rename it"


@dataclass(frozen=True)
class ArticleLoad:
    """The articles read from a folder, the files (or records) left out, and the files looked at."""

    articles: list[Article]
    skipped: list[SkippedFile]
    files_seen: int
    warnings: list[ArticleWarning] = field(default_factory=list)


def load_articles(root: Path, *, max_bytes: int = DEFAULTS.max_article_bytes) -> ArticleLoad:
    """Read every article under `root`, in path order; raise `ArticlesError` if it is no folder."""
    scan = _scan(root)
    articles: list[Article] = []
    skipped = list(scan.problems)
    warnings: list[ArticleWarning] = []
    for item in _read_all(scan.files, root, max_bytes):
        if isinstance(item, Article):
            articles.append(item)
        elif isinstance(item, ArticleWarning):
            warnings.append(item)
        else:
            skipped.append(item)
    return ArticleLoad(articles=articles, skipped=skipped, files_seen=len(scan.files), warnings=warnings)


def iter_articles(
    root: Path, *, max_bytes: int = DEFAULTS.max_article_bytes
) -> Iterator[Article | SkippedFile | ArticleWarning]:
    """Stream `load_articles`: articles, skips and warnings in order, one file in memory at a time."""
    scan = _scan(root)
    yield from scan.problems
    yield from _read_all(scan.files, root, max_bytes)


def iter_article_files(root: Path) -> Iterator[Path]:
    """Every non-hidden file under `root` (links followed inside it), sorted by relative path."""
    yield from _scan(root).files


# --- walking the folder -------------------------------------------------------------------


@dataclass(frozen=True)
class _Scan:
    files: list[Path]
    problems: list[SkippedFile]


def _scan(root: Path) -> _Scan:
    check_articles_folder(root)
    real_root = os.path.realpath(root)
    relative: list[str] = []
    problems: list[SkippedFile] = []
    visited: set[str] = set()

    def report(error: OSError) -> None:
        where = Path(error.filename or root)
        problems.append(SkippedFile(_relative(where, root), f"cannot read folder: {_os_reason(error)}"))

    for folder, dirs, files in os.walk(root, onerror=report, followlinks=True):
        real = os.path.realpath(folder)
        base = Path(folder).relative_to(root)
        if not _inside(real, real_root):  # a linked folder elsewhere on the machine
            problems.append(SkippedFile(base.as_posix(), OUTSIDE_THE_FOLDER))
            dirs.clear()
            continue
        if real in visited:  # a symbolic link loop, or two links to one folder
            dirs.clear()
            continue
        visited.add(real)
        # Real folders before links to them, so a folder linked inside keeps its own path as id.
        shown = [name for name in dirs if not name.startswith(".")]
        for name in [name for name in shown if not _usable_name(name)]:
            problems.append(SkippedFile(_printable((base / name).as_posix()), NAME_NOT_TEXT))
            shown.remove(name)
        dirs[:] = sorted(shown, key=lambda name: (os.path.islink(os.path.join(folder, name)), name))
        for name in files:
            if name.startswith("."):
                continue
            if not _usable_name(name):  # an article id must be text the database and Discord take
                problems.append(SkippedFile(_printable((base / name).as_posix()), NAME_NOT_TEXT))
            elif _inside(os.path.realpath(Path(folder) / name), real_root):
                relative.append((base / name).as_posix())
            else:
                problems.append(SkippedFile((base / name).as_posix(), OUTSIDE_THE_FOLDER))
    return _Scan(files=[root / name for name in sorted(relative)], problems=problems)


def _usable_name(name: str) -> bool:
    """Whether a file or folder name can be an article id: UTF-8 text on one line."""
    return not any("\udc80" <= char <= "\udcff" or char in "\r\n" for char in name)


def _printable(name: str) -> str:
    """A name with undecodable bytes shown as U+FFFD and line breaks as spaces, safe to print."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return text.replace("\r", " ").replace("\n", " ")


def _inside(real_path: str, real_root: str) -> bool:
    """Whether a resolved path is the root or lies under it."""
    return real_path == real_root or real_path.startswith(real_root.rstrip(os.sep) + os.sep)


def check_articles_folder(root: Path) -> None:
    """Refuse, with a sentence, an articles folder that is missing, a file, or unreadable."""
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


def _read_all(
    files: list[Path], root: Path, max_bytes: int
) -> Iterator[Article | SkippedFile | ArticleWarning]:
    """Read files in order, leaving out articles whose content was already seen."""
    first_by_hash: dict[str, str] = {}
    real_root = os.path.realpath(root)
    for path in files:
        for item in _read_file(path, root, real_root, max_bytes):
            if isinstance(item, SkippedFile):
                yield item
                continue
            article = item.article
            first = first_by_hash.setdefault(article.hash, article.id)
            if first == article.id:
                yield from item.warnings
                yield article
            else:
                yield item.place.skipped(article.path, f"duplicate of {first}")


def _read_file(path: Path, root: Path, real_root: str, max_bytes: int) -> list[Item]:
    origin = Origin(_relative(path, root))
    try:
        parse = _parser_for(path)
        if not _inside(os.path.realpath(path), real_root):  # replaced by a link since the scan
            raise Skip(OUTSIDE_THE_FOLDER)
        data = _read_bytes(path, max_bytes)
        text = decode(data, html=parse is parse_html)
        return list(parse(text, origin))
    except Skip as skip:
        return [SkippedFile(origin.path, skip.reason, skip.line)]


def _parser_for(path: Path) -> Parser:
    if path.name.split(".")[0].lower() in _NOT_ARTICLE_STEMS:
        raise Skip("looks like a README or licence file, not an article: rename it if it is one")
    suffix = path.suffix.lower()
    parsers: dict[str, Parser] = {
        ".txt": parse_text,
        ".md": parse_markdown,
        ".markdown": parse_markdown,
        ".html": parse_html,
        ".htm": parse_html,
        ".json": parse_json,
        ".jsonl": parse_jsonl,
    }
    if suffix not in parsers:
        kind = suffix or "(no extension)"
        raise Skip(f"unsupported file type {kind} (use {', '.join(SUPPORTED_EXTENSIONS)})")
    return parsers[suffix]


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refusing oversized files before reading them."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise Skip("not a regular file (a device, pipe or socket)")
        if info.st_size > max_bytes:
            raise Skip(_too_large(info.st_size, max_bytes))
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise Skip(f"cannot read file: {_os_reason(error)}") from error
    if len(data) > max_bytes:  # it grew after the size check
        raise Skip(_too_large(len(data), max_bytes))
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
