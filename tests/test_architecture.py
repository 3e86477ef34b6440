"""The layout's promises: the read side never imports the write side, `index` never imports `bot`,
and answering a question loads neither the HTML extractor nor lxml."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from devtools.fake_embedder import FakeEmbedder
from index.build.pipeline import rebuild
from tests.conftest import PROJECT_ROOT

READ_SIDE = ("index.store", "index.search", "index.text", "index.embed")
WRITE_SIDE = ("index.ingest", "index.build", "index.feeds")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth (function-level imports count too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _modules(package: str) -> dict[str, set[str]]:
    root = PROJECT_ROOT.joinpath(*package.split("."))
    return {_module_name(path): _imports(path) for path in sorted(root.rglob("*.py"))}


def _within(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == package or name.startswith(package + ".") for package in packages)


def test_the_read_side_never_imports_the_write_side() -> None:
    offences = [
        f"{module} imports {imported}"
        for package in READ_SIDE
        for module, imports in _modules(package).items()
        for imported in imports
        if _within(imported, WRITE_SIDE)
    ]
    assert offences == []


def test_index_never_imports_bot_or_devtools() -> None:
    offences = [
        f"{module} imports {imported}"
        for module, imports in _modules("index").items()
        for imported in imports
        if _within(imported, ("bot", "devtools", "tests"))
    ]
    assert offences == []


def test_the_checks_see_real_imports() -> None:
    """Guards the two tests above: they parse the files they claim to."""
    retriever = _modules("index.search")["index.search.retriever"]
    assert "index.store.loader" in retriever
    assert any(_within(name, WRITE_SIDE) for name in _modules("index.build")["index.build.pipeline"])


_ANSWER_ONE_QUESTION = """
import json, sys
from pathlib import Path
import bot.cli, bot.client, bot.runner
from devtools.fake_embedder import FakeEmbedder
from index import RetrievalOptions, Retriever, open_published

retriever = Retriever(open_published(Path(sys.argv[1])), FakeEmbedder(), RetrievalOptions(min_confidence=0.0))
answer = retriever.answer("Où le volcan est-il entré en éruption ?")
loaded = [name for name in ("trafilatura", "lxml", "index.ingest.html_page", "index.build.pipeline",
                            "index.feeds.follow", "httpx", "feedparser") if name in sys.modules]
print(json.dumps({"answered": answer.answered, "loaded": loaded}))
"""


def test_answering_a_question_loads_neither_trafilatura_nor_lxml(write_articles, tmp_path) -> None:
    articles = write_articles({"volcan.txt": "Hekla\n\nLe volcan Hekla est entré en éruption en Islande."})
    rebuild(articles, tmp_path / "index", FakeEmbedder())
    done = subprocess.run(
        [sys.executable, "-c", _ANSWER_ONE_QUESTION, str(tmp_path / "index")],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(done.stdout) == {"answered": True, "loaded": []}


@pytest.mark.parametrize("package", ["index", "bot"])
def test_every_public_module_has_a_docstring(package: str) -> None:
    missing = [
        str(path.relative_to(PROJECT_ROOT))
        for path in sorted(PROJECT_ROOT.joinpath(package).rglob("*.py"))
        if path.name != "__main__.py"
        and ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) is None
    ]
    assert missing == []
