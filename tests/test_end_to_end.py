"""The README's promise on the sample article: rebuild, then ask, with the real packaged model."""

from __future__ import annotations

import json

import pytest

from bot.cli import main as qa_bot
from index.cli.main import main as qa_index
from tests.conftest import SAMPLE_ARTICLES


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("index")
    assert qa_index(["rebuild", str(SAMPLE_ARTICLES), "--index", str(index_dir), "--json"]) == 0
    return index_dir


def _ask(capsys, index_dir, question: str) -> dict:
    capsys.readouterr()
    assert qa_bot(["ask", question, "--index", str(index_dir), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_rebuild_json_summary(tmp_path, capsys):
    assert qa_index(["rebuild", str(SAMPLE_ARTICLES), "--index", str(tmp_path), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["articles"] == 1 and summary["passages"] >= 4 and summary["skipped"] == []
    assert summary["passages_per_second"] > 0
    assert summary["furniture"] == {"txt": 1}  # the sample article's trailing "Plus"


def test_military_equipment_question_quotes_that_passage_first(sample_index, capsys):
    answer = _ask(capsys, sample_index, "Qu'est-ce que la Russie a demandé à la Chine ?")
    assert answer["answered"] is True
    first = answer["passages"][0]
    assert "des équipements militaires" in first["text"]
    assert first["article"]["title"].startswith("Le moment de vérité arrive")
    article_text = (SAMPLE_ARTICLES / "000_9f70dd34e1ce68a4.txt").read_text(encoding="utf-8")
    assert first["text"] in article_text  # quoted word for word


def test_the_trailing_link_is_never_quoted(sample_index, capsys):
    answer = _ask(capsys, sample_index, "Comment est décrit le partenariat entre Pékin et Moscou ?")
    assert answer["answered"] is True
    assert "illimité" in answer["passages"][0]["text"]
    assert not any(passage["text"].endswith("Plus") for passage in answer["passages"])


def test_rome_question_quotes_the_passage_naming_rome(sample_index, capsys):
    answer = _ask(capsys, sample_index, "Où Jake Sullivan a-t-il rencontré Yang Jiechi ?")
    assert answer["answered"] is True
    first = answer["passages"][0]
    assert "à Rome" in first["text"]
    start, end = first["highlights"][0]  # article offsets of the best sentence
    assert "Rome" in first["text"][start - first["start"] : end - first["start"]]


def test_ask_without_an_index_says_how_to_build_one(tmp_path, capsys):
    assert qa_bot(["ask", "Bonjour ?", "--index", str(tmp_path / "none")]) == 1
    assert "qa-index rebuild" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("question", "refusal"),
    [
        ("", "Ask a question, for example"),
        ("   ", "Ask a question, for example"),
        ("\t\n", "Ask a question, for example"),
        ("x" * 10_000, "10000 characters long; please ask in at most 500"),
        ("Rome \udcff ?", "not valid UTF-8"),  # how Python passes on argv bytes that are not UTF-8
    ],
)
def test_ask_refuses_what_the_bot_and_chat_refuse(question, refusal, sample_index, capsys):
    assert qa_bot(["ask", question, "--index", str(sample_index)]) == 2
    captured = capsys.readouterr()
    assert refusal in captured.err and captured.out == ""  # no quotes of noise


def test_chat_refuses_what_the_bot_refuses_and_goes_on_after_bytes_that_are_not_utf8(
    sample_index, monkeypatch, capsys
):
    import io

    lines = b"\xff\xfe not text\n" + b"x" * 2000 + b"\nQu'est-ce que la Russie a demande a la Chine ?\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(lines)))
    assert qa_bot(["chat", "--index", str(sample_index)]) == 0
    out = capsys.readouterr().out
    assert "not valid UTF-8" in out and "2000 characters" in out and "Chine" in out


def test_run_with_a_mistyped_index_folder_is_a_sentence_and_creates_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DISCORD_TOKEN", "some-token")
    typo = tmp_path / "typo" / "path"
    assert qa_bot(["run", "--index", str(typo)]) == 2
    assert "no index folder at" in capsys.readouterr().err
    assert not (tmp_path / "typo").exists()


def test_chat_reads_a_follow_up_with_the_question_before_it(sample_index, monkeypatch, capsys):
    import io

    lines = "Où Jake Sullivan a-t-il rencontré Yang Jiechi ?\nEt pourquoi ?\n".encode() + b"\xff ?\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(lines)))
    assert qa_bot(["chat", "--index", str(sample_index), "--json"]) == 0
    first, follow_up, refused = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["follow_up_of"] is None and "à Rome" in first["passages"][0]["text"]
    assert follow_up["asked"] == "Et pourquoi ?"
    assert follow_up["follow_up_of"] == "Où Jake Sullivan a-t-il rencontré Yang Jiechi ?"
    assert follow_up["question"].startswith("Où Jake Sullivan") and follow_up["answered"] is True
    assert "refused" in refused


def test_answers_state_a_confidence_and_an_off_topic_question_is_declined(sample_index, capsys):
    answer = _ask(capsys, sample_index, "Qu'est-ce que la Russie a demandé à la Chine ?")
    assert 0.5 < answer["confidence"] <= 1.0
    assert answer["passages"][0]["confidence"] == answer["confidence"]
    off_topic = _ask(capsys, sample_index, "Quelle est la recette de la tarte tatin ?")
    assert off_topic["answered"] is False and off_topic["passages"] == []
    assert 0.0 <= off_topic["confidence"] < 0.06


def test_ask_since_and_until_say_which_value_is_not_a_date(sample_index, capsys):
    assert qa_bot(["ask", "Pékin ?", "--since", "bientôt", "--index", str(sample_index)]) == 2
    assert "'bientôt' is not a date" in capsys.readouterr().err
    assert qa_bot(["ask", "Pékin ?", "--since", "2022", "--until", "2021", "--index", str(sample_index)]) == 2
    assert "since (2022) is after until (2021)" in capsys.readouterr().err


def test_ask_json_names_the_period_asked_and_an_undated_article_is_outside_it(sample_index, capsys):
    capsys.readouterr()
    question = [
        "ask",
        "Qu'est-ce que la Russie a demandé à la Chine ?",
        "--index",
        str(sample_index),
        "--json",
    ]
    assert qa_bot([*question, "--since", "2022-03"]) == 0
    narrowed = json.loads(capsys.readouterr().out)
    assert narrowed["period"] == {"since": "2022-03-01", "until": None}
    assert narrowed["answered"] is False  # the sample article has no date
    assert (
        _ask(capsys, sample_index, "Qu'est-ce que la Russie a demandé à la Chine ?")["passages"][0]["also_in"]
        == []
    )
