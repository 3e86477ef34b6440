"""Privacy as the README promises: no ids of people in stored questions, owner-only files, old
answers deleted, and nothing stored at all when feedback collection is off."""

from __future__ import annotations

import json
import sqlite3
import stat
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.answering import AnswerFlow
from bot.privacy import without_mentions, words_only
from bot.settings import BotSettings
from devtools.fake_embedder import FakeEmbedder
from index.assembly import answer_log_from
from index.feedback.answer_log import AnswerLog
from index.store.versions import IndexLocation
from tests.bot.conftest import live_index

IDS = ("987654321098765432", "887654321098765432", "787654321098765432", "687654321098765432")
QUESTION = f"<@{IDS[0]}> et <@!{IDS[1]}> au rôle <@&{IDS[2]}> dans <#{IDS[3]}> : grève des trains ?"


def test_mentions_lose_their_ids() -> None:
    assert without_mentions(QUESTION) == "@user et @user au rôle @role dans #channel : grève des trains ?"


def test_what_is_searched_is_the_words_without_markup() -> None:
    assert words_only(QUESTION) == "et au rôle dans : grève des trains ?"
    assert words_only("@everyone <:train:123456> grève <t:1700000000:R> @here ?") == "grève ?"
    assert words_only("user@example.org #1 et C# ?") == "user@example.org #1 et C# ?"


@given(st.text(alphabet=st.characters(blacklist_characters="<@#")))
def test_text_without_markup_is_searched_as_typed(text) -> None:
    assert words_only(text) == " ".join(text.split())


async def test_a_mention_in_a_question_does_not_change_its_answer(index_dir) -> None:
    live = live_index(index_dir, FakeEmbedder())
    await live.reload()
    flow = AnswerFlow(live, None, 2)
    plain = await flow.ask("grève des trains ?", user_id=1, channel_id=2)
    marked = await flow.ask(
        f"<@{IDS[0]}> @everyone grève des trains <:rail:{IDS[1]}> ?", user_id=3, channel_id=2
    )
    live.close()
    assert [hit.row for hit in marked.answer.hits] == [hit.row for hit in plain.answer.hits]
    assert marked.answer.confidence == pytest.approx(plain.answer.confidence)


async def test_stored_and_logged_questions_hold_no_ids(index_dir, tmp_path) -> None:
    live = live_index(index_dir, FakeEmbedder())
    await live.reload()
    log_file = tmp_path / "questions.jsonl"
    answer_log = AnswerLog(IndexLocation(index_dir).feedback)
    flow = AnswerFlow(live, answer_log, 2, log_file)

    asked = await flow.ask(QUESTION, user_id=42, channel_id=7)

    stored = answer_log.get_answer(asked.answer_id or 0)
    answer_log.close()
    live.close()
    database = IndexLocation(index_dir).feedback.read_bytes()
    for mention_id in IDS:
        assert mention_id not in (stored.question if stored else "")
        assert mention_id.encode() not in database
        assert mention_id not in log_file.read_text()
    assert json.loads(log_file.read_text())["question"].startswith("@user et @user")


async def test_files_holding_questions_are_readable_by_their_owner_only(index_dir, tmp_path) -> None:
    live = live_index(index_dir, FakeEmbedder())
    await live.reload()
    log_file = tmp_path / "questions.jsonl"
    answer_log = AnswerLog(IndexLocation(index_dir).feedback)
    await AnswerFlow(live, answer_log, 2, log_file).ask("grève des trains ?", user_id=1, channel_id=2)
    answer_log.close()
    live.close()
    for path in (IndexLocation(index_dir).feedback, log_file):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


async def test_answers_older_than_the_retention_are_deleted_with_their_votes(index_dir) -> None:
    live = live_index(index_dir, FakeEmbedder())
    await live.reload()
    now = [time.time()]
    answer_log = AnswerLog(IndexLocation(index_dir).feedback, retention_days=7, clock=lambda: now[0])
    flow = AnswerFlow(live, answer_log, 2)
    old = await flow.ask("grève des trains ?", user_id=1, channel_id=2)
    answer_log.record_vote(old.answer_id or 0, 1, 1)
    now[0] += 8 * 86_400
    recent = await flow.ask("volcan Hekla ?", user_id=1, channel_id=2)  # an hour later or more: purges
    answer_log.close()
    live.close()

    with sqlite3.connect(IndexLocation(index_dir).feedback) as connection:
        questions = [row[0] for row in connection.execute("SELECT question FROM answers")]
        votes = connection.execute("SELECT COUNT(*) FROM feedback").fetchone()[0]
    assert questions == ["volcan Hekla ?"] and votes == 0
    assert recent.answer_id is not None


async def test_with_collection_off_no_question_reaches_the_disk_but_buttons_still_page(index_dir) -> None:
    settings = BotSettings(_env_file=None, index_dir=index_dir, collect_feedback=False)  # type: ignore[call-arg]
    live = live_index(index_dir, FakeEmbedder(), min_confidence=0.0)
    await live.reload()
    answer_log = answer_log_from(settings)
    flow = AnswerFlow(live, answer_log, 1)

    asked = await flow.ask("grève des trains volcan ?", user_id=1, channel_id=2)
    page = (await flow.more(asked.answer_id or 0, viewer_id=1)).answer

    assert page.hits  # "More passages" works from memory
    answer_log.close()
    live.close()
    assert not IndexLocation(index_dir).feedback.exists()


def test_a_question_log_with_collection_off_is_refused_at_start(tmp_path) -> None:
    with pytest.raises(ValidationError, match="QA_QUESTION_LOG is set but QA_COLLECT_FEEDBACK=false"):
        BotSettings(_env_file=None, collect_feedback=False, question_log=tmp_path / "q.jsonl")  # type: ignore[call-arg]
