"""`qa-index follow`: one round with a JSON summary, errors as sentences, and --every stopped by a signal."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from devtools.fake_embedder import FakeEmbedder
from devtools.feed_server import FeedServer, Story, page, rss
from index.build.pipeline import rebuild
from index.cli.main import main as qa_index
from tests.conftest import PROJECT_ROOT


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def _feeds_file(tmp_path: Path, server: FeedServer) -> Path:
    path = tmp_path / "feeds.toml"
    path.write_text(
        f'[[feed]]\nname = "quotidien"\nurl = "{server.url("/rss.xml")}"\ncollection = "monde"\n\n'
        f'[[feed]]\nname = "disparu"\nurl = "{server.url("/gone.xml")}"\n',
        encoding="utf-8",
    )
    return path


def test_follow_once_prints_one_json_summary(server, tmp_path, capsys, monkeypatch):
    server.route("/hekla", page("Éruption du Hekla", ["Le volcan Hekla est entré en éruption en Islande."]))
    server.route("/rss.xml", rss([Story("Éruption du Hekla", server.url("/hekla"), "")]))
    monkeypatch.setattr("index.feeds.follower.embedder_from", lambda settings: FakeEmbedder())
    monkeypatch.setenv("QA_FEEDS_HOST_DELAY_SECONDS", "0")
    args = ["--feeds", str(_feeds_file(tmp_path, server)), "--articles", str(tmp_path / "a")]

    code = qa_index(["follow", "--once", *args, "--index", str(tmp_path / "i"), "--json"])

    summary = json.loads(capsys.readouterr().out)
    assert code == 0
    assert (summary["items_new"], summary["items_changed"], summary["items_unchanged"]) == (1, 0, 0)
    assert [(f["feed"], f["reason"]) for f in summary["failures"]] == [("disparu", "HTTP 404 Not Found")]
    assert [f["name"] for f in summary["feeds"]] == ["quotidien", "disparu"]
    assert summary["rebuild"]["articles"] == 1 and summary["published"]
    assert len(list((tmp_path / "a" / "monde" / "quotidien").glob("*.txt"))) == 1


def test_without_a_feeds_file_it_says_how_to_give_one(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("QA_FEEDS_FILE", raising=False)
    assert qa_index(["follow", "--once", "--articles", str(tmp_path), "--index", str(tmp_path / "i")]) == 1
    assert "no feeds file: pass --feeds FILE or set QA_FEEDS_FILE" in capsys.readouterr().err


def test_a_bad_interval_is_refused_with_a_sentence(capsys):
    with pytest.raises(SystemExit) as exited:
        qa_index(["follow", "--every", "often"])
    assert exited.value.code == 2
    assert "'often' is not a duration: write a number and a unit" in capsys.readouterr().err


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_follow_every_runs_rounds_until_a_signal_and_exits_cleanly(server, tmp_path, stop_signal):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "local.txt").write_text("Local\n\nUn article local.", encoding="utf-8")
    rebuild(articles, tmp_path / "index", FakeEmbedder())  # nothing new to index: no model is loaded
    command = [sys.executable, "-m", "index", "follow", "--every", "1s", "--json"]
    command += ["--feeds", str(_feeds_file(tmp_path, server)), "--articles", str(articles)]
    command += ["--index", str(tmp_path / "index")]
    process = subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "QA_FEEDS_HOST_DELAY_SECONDS": "0", "QA_FEEDS_RETRY_SECONDS": "0.5"},
    )
    try:
        assert process.stdout is not None
        rounds = [json.loads(process.stdout.readline()) for _ in range(2)]  # two rounds, a second apart
        process.send_signal(stop_signal)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)

    assert process.returncode == 0, err
    assert "stopped following feeds" in err and "Traceback" not in err
    # Both feeds fail (nothing is served); the first wait (0.5 s) is over by the next round.
    assert [sorted(f["feed"] for f in round_["failures"]) for round_ in rounds] == [
        ["disparu", "quotidien"]
    ] * 2
    assert server.paths().count("/gone.xml") >= 2
