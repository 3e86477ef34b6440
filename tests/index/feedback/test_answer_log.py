"""The answer log: answers survive restarts, user ids stay hashed, feedback becomes an evaluation set."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest

from devtools.fake_embedder import FakeEmbedder
from index.build.options import BuildOptions
from index.build.pipeline import rebuild
from index.cli.main import main
from index.errors import ArticleIndexError
from index.evaluation.metrics import run_evaluation
from index.evaluation.squad import load_squad
from index.feedback.answer_log import AnswerLog, FeedbackError, UnreadableFeedbackError
from index.feedback.export import answer_span, paragraph_spans
from index.ingest.passages import SplitSettings
from index.search.retriever import Answer, RetrievalOptions, Retriever
from index.store.loader import open_published
from index.store.versions import IndexLocation

VOLCANO = (
    "Volcans d'Islande\n\n"
    "Le volcan Hekla est entré en éruption ce matin. Les cendres couvrent la vallée de Thjorsa.\n\n"
    "Les vols vers Reykjavik sont annulés. Les compagnies aériennes remboursent les billets."
)
TRAIN = (
    "Grève des trains\n\n"
    "Les conducteurs de train sont en grève depuis lundi. Aucun train ne circule en Bretagne.\n\n"
    "Le syndicat réclame une hausse des salaires. La direction propose une prime de fin d'année."
)
HARBOUR = (
    "Brèves\n\n"
    "Le port de Brest accueille un cargo géant. Les dockers déchargent des conteneurs de bananes.\n\n"
    "Le phare du Minou sera repeint en juin. Les travaux coûtent trois cent mille euros."
)
VINEYARD = (
    "Brèves\n\n"
    "Les vendanges commencent en Bourgogne. Les vignerons espèrent un excellent millésime de pinot.\n\n"
    "Une cave coopérative ouvre à Beaune. Elle vinifiera les raisins de quarante domaines."
)
ARTICLES = {"volcan.txt": VOLCANO, "train.txt": TRAIN, "port.txt": HARBOUR, "vigne.txt": VINEYARD}
SMALL_PASSAGES = BuildOptions(split=SplitSettings(target_words=12, max_words=30))

USER = 987654321012345678  # a Discord snowflake
OTHER_USER = 123456789098765432
CHANNEL = 555666777888999000
DAY = 24 * 3600.0


class Clock:
    """A settable clock so expiry and the last-24-hours figure can be tested without waiting."""

    def __init__(self, now: float | None = None) -> None:
        self.now = time.time() if now is None else now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def index_dir(write_articles, tmp_path: Path, fake_embedder: FakeEmbedder) -> Path:
    rebuild(write_articles(ARTICLES), tmp_path / "index", fake_embedder, SMALL_PASSAGES)
    return tmp_path / "index"


@pytest.fixture
def retriever(index_dir: Path, fake_embedder: FakeEmbedder) -> Iterator[Retriever]:
    quote_everything = RetrievalOptions(min_confidence=0.0)
    searcher = Retriever(open_published(index_dir), fake_embedder, quote_everything)
    yield searcher
    searcher.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def log(index_dir: Path, clock: Clock) -> Iterator[AnswerLog]:
    answer_log = AnswerLog(IndexLocation(index_dir).feedback, clock=clock)
    yield answer_log
    answer_log.close()


def _ask(log: AnswerLog, retriever: Retriever, question: str, k: int = 2, **kwargs: object) -> int:
    return log.record_answer(question, retriever.answer(question, k), user_id=USER, **kwargs)  # type: ignore[arg-type]


# --- answers and pages ------------------------------------------------------------------------


def test_answer_and_its_pages_survive_a_restart(index_dir: Path, retriever: Retriever, clock: Clock) -> None:
    question = "le volcan Hekla en éruption"
    first = retriever.answer(question, 2)
    with AnswerLog(IndexLocation(index_dir).feedback, clock=clock) as log:
        answer_id = log.record_answer(
            question,
            first,
            user_id=USER,
            collections=["islande"],
            channel_id=CHANNEL,
            since=date(2019, 3, 1),
            until=date(2019, 3, 31),
        )
        second = retriever.answer(question, 2, offset=2)
        assert log.add_shown(answer_id, second.hits) == [2, 3]

    with AnswerLog(IndexLocation(index_dir).feedback, clock=clock) as reopened:
        stored = reopened.get_answer(answer_id)
    assert stored is not None
    assert (stored.question, stored.collections, stored.answered) == (question, ("islande",), True)
    assert stored.index_version == retriever.version
    assert (stored.since, stored.until) == (date(2019, 3, 1), date(2019, 3, 31))  # later pages keep it
    hits = [*first.hits, *second.hits]
    assert [(p.rank, p.row, p.article_id, p.start, p.end, p.text) for p in stored.shown] == [
        (rank, h.row, h.article.id, h.passage.start, h.passage.end, h.passage.text)
        for rank, h in enumerate(hits)
    ]
    assert stored.shown[0].title == "Volcans d'Islande" and stored.shown[0].article_id == "volcan.txt"
    assert all(stored.has_shown(hit) for hit in hits)


def test_a_page_never_repeats_a_passage_already_shown(log: AnswerLog, retriever: Retriever) -> None:
    question = "grève des conducteurs de train"
    answer_id = _ask(log, retriever, question)
    again = retriever.answer(question, 3)  # the first two again, then one new passage

    assert log.add_shown(answer_id, again.hits) == [2]
    stored = log.get_answer(answer_id)
    assert stored is not None and len(stored.shown) == 3
    assert stored.shown[2].row == again.hits[2].row


def test_unknown_answer_cannot_be_paged_or_voted_on(log: AnswerLog, retriever: Retriever) -> None:
    assert log.get_answer(999) is None
    with pytest.raises(FeedbackError, match="ask the question again"):
        log.add_shown(999, retriever.answer("volcan", 1).hits)
    with pytest.raises(FeedbackError, match="answer 999"):
        log.record_vote(999, USER, 1)
    assert issubclass(FeedbackError, ArticleIndexError)


def test_answers_expire_after_max_age(index_dir: Path, retriever: Retriever, clock: Clock) -> None:
    with AnswerLog(IndexLocation(index_dir).feedback, clock=clock) as log:
        answer_id = _ask(log, retriever, "le port de Brest")
        clock.now += 29 * DAY
        assert log.get_answer(answer_id) is not None
        clock.now += 2 * DAY
        assert log.get_answer(answer_id) is None
    with AnswerLog(IndexLocation(index_dir).feedback, clock=clock, max_age_days=60) as patient:
        assert patient.get_answer(answer_id) is not None


def test_abstention_is_stored_without_passages(log: AnswerLog) -> None:
    nothing = Answer("quelle heure est-il ?", [], answered=False, index_version="v1", seconds=0.01)
    stored = log.get_answer(log.record_answer(nothing.question, nothing, user_id=USER))
    assert stored is not None and stored.answered is False and stored.shown == ()


def test_worker_threads_can_record_at_once(log: AnswerLog, retriever: Retriever) -> None:
    answer = retriever.answer("les vendanges en Bourgogne", 2)

    def record(n: int) -> int:
        answer_id = log.record_answer(f"question {n}", answer, user_id=n)
        log.record_vote(answer_id, n, 1)
        return answer_id

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(record, range(80)))

    assert len(set(ids)) == 80
    assert log.stats().thumbs_up == 80


# --- privacy ----------------------------------------------------------------------------------


def _every_stored_value(path: Path) -> list[object]:
    with sqlite3.connect(path) as connection:
        tables = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return [
            value for table in tables for row in connection.execute(f"SELECT * FROM {table}") for value in row
        ]


def _raw_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_user_and_channel_ids_are_never_stored_raw(index_dir: Path, retriever: Retriever) -> None:
    path = IndexLocation(index_dir).feedback
    with AnswerLog(path) as log:
        answer_id = _ask(log, retriever, "le volcan Hekla", channel_id=CHANNEL)
        log.record_vote(answer_id, USER, 1)
        log.record_choice(answer_id, OTHER_USER, 1)
        data = _raw_bytes(path)  # the database and its write-ahead log, before any checkpoint
    data += _raw_bytes(path)
    values = _every_stored_value(path)

    for raw in (USER, OTHER_USER, CHANNEL):
        assert str(raw).encode() not in data
        assert raw.to_bytes(8, "big") not in data and raw.to_bytes(8, "little") not in data
        assert all(str(raw) not in str(value) for value in values)
    with sqlite3.connect(path) as connection:
        hashes = {h for (h,) in connection.execute("SELECT user_hash FROM feedback")}
        asker = connection.execute("SELECT user_hash FROM answers").fetchone()[0]
    assert len(hashes) == 2 and asker in hashes  # one pseudonym per user, the same across tables


def test_each_log_has_its_own_salt(tmp_path: Path, retriever: Retriever) -> None:
    answer = retriever.answer("le volcan Hekla", 1)
    hashes = []
    for name in ("a", "b"):
        with AnswerLog(tmp_path / name / "feedback.sqlite") as log:
            log.record_answer("q", answer, user_id=USER)
        with sqlite3.connect(tmp_path / name / "feedback.sqlite") as connection:
            hashes.append(connection.execute("SELECT user_hash FROM answers").fetchone()[0])
    assert hashes[0] != hashes[1]


def test_with_collection_off_no_user_is_recorded_and_votes_are_refused(
    index_dir: Path, retriever: Retriever
) -> None:
    path = IndexLocation(index_dir).feedback
    with AnswerLog(path, collect_feedback=False) as log:
        answer_id = _ask(log, retriever, "le volcan Hekla", channel_id=CHANNEL)
        assert log.get_answer(answer_id) is not None  # paging still works
        with pytest.raises(FeedbackError, match="turned off"):
            log.record_vote(answer_id, USER, 1)
        with pytest.raises(FeedbackError, match="turned off"):
            log.record_choice(answer_id, USER, 0)
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT user_hash, channel_hash FROM answers").fetchall() == [(None, None)]
        assert connection.execute("SELECT COUNT(*) FROM feedback").fetchone()[0] == 0


# --- feedback, stats and labels ---------------------------------------------------------------


def test_a_users_latest_vote_and_choice_win(log: AnswerLog, retriever: Retriever) -> None:
    answer_id = _ask(log, retriever, "le volcan Hekla", k=3)
    log.record_vote(answer_id, USER, 1)
    log.record_vote(answer_id, USER, -1)
    log.record_vote(answer_id, OTHER_USER, 1)
    log.record_choice(answer_id, USER, 0)
    log.record_choice(answer_id, USER, 2)

    stats = log.stats()
    assert (stats.thumbs_up, stats.thumbs_down, stats.choices) == (1, 1, 1)
    [label] = log.labelled_questions()
    assert (label.source, label.start) == ("choice", log.get_answer(answer_id).shown[2].start)  # type: ignore[union-attr]


def test_choice_must_name_a_shown_passage_and_vote_must_be_one(log: AnswerLog, retriever: Retriever) -> None:
    answer_id = _ask(log, retriever, "le volcan Hekla", k=2)
    with pytest.raises(FeedbackError, match="no passage ranked 5"):
        log.record_choice(answer_id, USER, 5)
    with pytest.raises(ValueError, match="vote"):
        log.record_vote(answer_id, USER, 2)


def test_stats_on_a_known_set(log: AnswerLog, retriever: Retriever, clock: Clock) -> None:
    volcano = retriever.answer("le volcan Hekla en éruption", 2)
    train = retriever.answer("grève des conducteurs de train", 1)
    abstention = Answer("quelle heure est-il ?", [], answered=False, index_version="v", seconds=0.5)
    for seconds, answer in ((0.1, volcano), (0.2, volcano), (0.3, train), (0.4, volcano)):
        log.record_answer(answer.question, replace(answer, seconds=seconds), user_id=USER)
        clock.now += DAY  # the first three answers are more than a day old at the end
    last = log.record_answer(abstention.question, abstention, user_id=USER)
    log.record_vote(last, USER, -1)
    log.record_vote(1, OTHER_USER, 1)
    log.record_choice(1, OTHER_USER, 1)

    stats = log.stats()

    assert (stats.questions, stats.answered, stats.abstentions, stats.last_day) == (5, 4, 1, 2)
    assert stats.median_ms == pytest.approx(300.0)
    assert stats.p95_ms == pytest.approx(480.0)  # numpy's linear interpolation
    assert (stats.thumbs_up, stats.thumbs_down, stats.choices) == (1, 1, 1)
    quoted = {h.article.id: 0 for h in [*volcano.hits, *train.hits]}
    for answer in (volcano, volcano, train, volcano):
        for hit in answer.hits:
            quoted[hit.article.id] += 1
    top = stats.most_quoted[0]
    assert (top.id, top.title, top.first, top.times) == (
        "volcan.txt",
        "Volcans d'Islande",
        3,
        quoted["volcan.txt"],
    )
    assert {(a.id, a.times) for a in stats.most_quoted} == set(quoted.items())
    assert next(a for a in stats.most_quoted if a.id == "train.txt").first == 1
    assert json.loads(json.dumps(stats.to_json()))["most_quoted"][0]["id"] == "volcan.txt"


def test_labels_come_from_choices_then_thumbs_up_never_thumbs_down(
    log: AnswerLog, retriever: Retriever, clock: Clock
) -> None:
    chosen = _ask(log, retriever, "le volcan Hekla", k=3)
    liked = _ask(log, retriever, "grève des conducteurs de train")
    disliked = _ask(log, retriever, "le port de Brest")
    log.record_vote(chosen, USER, -1)
    log.record_choice(chosen, OTHER_USER, 1)
    log.record_vote(liked, USER, 1)
    log.record_vote(disliked, USER, -1)

    labels = {label.answer_id: label for label in log.labelled_questions()}

    assert set(labels) == {chosen, liked}
    assert labels[chosen].source == "choice" and labels[liked].source == "vote"
    assert labels[chosen].text == log.get_answer(chosen).shown[1].text  # type: ignore[union-attr]
    assert labels[liked].text == log.get_answer(liked).shown[0].text  # type: ignore[union-attr]


def test_a_repeated_question_keeps_its_latest_label(
    log: AnswerLog, retriever: Retriever, clock: Clock
) -> None:
    older = _ask(log, retriever, "le volcan Hekla", k=3)
    newer = _ask(log, retriever, "Le volcan  Hekla")
    log.record_choice(older, USER, 2)
    clock.now += 60
    log.record_vote(newer, USER, 1)

    [label] = log.labelled_questions()
    assert label.answer_id == newer


# --- SQuAD export -------------------------------------------------------------------------------


def test_paragraphs_keep_their_exact_text_and_answers_are_first_sentences() -> None:
    text = "Un. Deux.\n\n  Trois quatre.\n \n\n\nCinq."
    spans = paragraph_spans(text)
    assert [text[s:e] for s, e in spans] == ["Un. Deux.", "Trois quatre.", "Cinq."]
    assert text[slice(*answer_span(text, 0, 9))] == "Un."


@dataclass(frozen=True)
class _EvalHit:
    article_id: str
    start: int
    end: int
    text: str
    score: float


def _label_every_article(log: AnswerLog, retriever: Retriever) -> dict[str, int]:
    """A 👍 or a choice on one question per article; returns answer ids by article."""
    questions = {
        "volcan.txt": "les vols vers Reykjavik annulés",
        "train.txt": "le syndicat réclame une hausse des salaires",
        "port.txt": "le phare du Minou repeint",
        "vigne.txt": "les vendanges en Bourgogne millésime de pinot",
    }
    ids = {}
    for article, question in questions.items():
        answer_id = _ask(log, retriever, question, k=3)
        shown = log.get_answer(answer_id).shown  # type: ignore[union-attr]
        assert shown[0].article_id == article  # the fake embedder finds each on its own words
        log.record_vote(answer_id, USER, 1)
        ids[article] = answer_id
    return ids


def test_export_is_a_squad_file_that_the_evaluation_scores_perfectly(
    log: AnswerLog, retriever: Retriever, index_dir: Path, tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    _label_every_article(log, retriever)
    out = tmp_path / "feedback.json"

    report = log.export_squad(out, retriever.index.database)

    assert (report.questions, report.articles, report.missing_articles, report.changed_passages) == (
        4,
        4,
        0,
        0,
    )
    raw = json.loads(out.read_text(encoding="utf-8"))
    assert raw["version"] == "1.1"
    titles = [entry["title"] for entry in raw["data"]]
    assert len(set(titles)) == 4 and "Brèves (port.txt)" in titles and "Brèves (vigne.txt)" in titles
    for entry in raw["data"]:
        assert len(entry["paragraphs"]) == 2  # every paragraph kept, labelled or not
        for paragraph in entry["paragraphs"]:
            for qa in paragraph["qas"]:
                [answer] = qa["answers"]
                start = answer["answer_start"]
                assert paragraph["context"][start : start + len(answer["text"])] == answer["text"]

    squad = load_squad(out, name="feedback")
    assert len(squad.questions) == 4
    volcano = next(a for a in squad.articles if a.title == "Volcans d'Islande")
    assert volcano.text == VOLCANO.split("\n\n", 1)[1]  # paragraphs in order, joined as the evaluator does

    # Evaluate as `qa-index eval` would: an index built from the exported articles.
    records = [{"id": a.id, "title": a.title, "text": a.text} for a in squad.articles]
    articles = tmp_path / "squad-articles"
    articles.mkdir()
    (articles / "squad.jsonl").write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    rebuild(articles, tmp_path / "squad-index", fake_embedder, SMALL_PASSAGES)
    squad_retriever = Retriever(open_published(tmp_path / "squad-index"), fake_embedder)
    try:

        def search(question: str, k: int) -> list[_EvalHit]:
            return [
                _EvalHit(
                    h.article.id.removeprefix("squad.jsonl#"),
                    h.passage.start,
                    h.passage.end,
                    h.passage.text,
                    h.score,
                )
                for h in squad_retriever.search(question, k)
            ]

        metrics, _ = run_evaluation(search, squad.questions, k=5)
    finally:
        squad_retriever.close()
    assert metrics.recall_at_1 == metrics.recall_at_5 == 1.0
    assert metrics.answer_in_passage_at_5 == 1.0


def test_export_skips_labels_whose_article_left_the_index(
    log: AnswerLog, retriever: Retriever, write_articles, index_dir: Path, tmp_path: Path, fake_embedder
) -> None:
    _label_every_article(log, retriever)
    remaining = {name: text for name, text in ARTICLES.items() if name != "train.txt"}
    articles = write_articles(remaining)
    (articles / "train.txt").unlink()
    rebuild(articles, index_dir, fake_embedder, SMALL_PASSAGES)
    loaded = open_published(index_dir)
    try:
        report = log.export_squad(tmp_path / "out.json", loaded.database)
    finally:
        loaded.close()
    assert (report.questions, report.articles, report.missing_articles) == (3, 3, 1)


def test_export_follows_a_passage_that_moved_within_its_article(
    log: AnswerLog, retriever: Retriever, write_articles, index_dir: Path, tmp_path: Path, fake_embedder
) -> None:
    _label_every_article(log, retriever)
    moved = VOLCANO.replace("Volcans d'Islande\n\n", "Volcans d'Islande\n\nMise à jour à midi.\n\n")
    rebuild(write_articles({**ARTICLES, "volcan.txt": moved}), index_dir, fake_embedder, SMALL_PASSAGES)
    loaded = open_published(index_dir)
    try:
        report = log.export_squad(tmp_path / "out.json", loaded.database)
    finally:
        loaded.close()
    squad = load_squad(tmp_path / "out.json")
    question = next(q for q in squad.questions if "Reykjavik" in q.text)
    context = _article(squad, question.article_id).text[question.start : question.end]
    assert report.questions == 4 and context.startswith("Les vols vers Reykjavik")


# --- command line -------------------------------------------------------------------------------


def test_cli_exports_and_prints_stats(
    log: AnswerLog, retriever: Retriever, index_dir: Path, tmp_path, capsys
) -> None:
    _label_every_article(log, retriever)
    out = tmp_path / "exported.json"

    assert main(["feedback", "export", str(out), "--index", str(index_dir)]) == 0
    assert "exported 4 questions from 4 articles" in capsys.readouterr().out
    assert len(load_squad(out).questions) == 4

    assert main(["feedback", "export", str(out), "--index", str(index_dir), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["questions"] == 4

    assert main(["feedback", "stats", "--index", str(index_dir)]) == 0
    printed = capsys.readouterr().out
    assert "4 questions, 0 without a relevant passage" in printed and "4 👍" in printed
    assert "Volcans d'Islande (volcan.txt)" in printed

    assert main(["feedback", "stats", "--index", str(index_dir), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["thumbs_up"] == 4


def test_cli_export_never_writes_into_an_index_folder(
    log: AnswerLog, retriever: Retriever, index_dir: Path, capsys
) -> None:
    """`feedback export var/index/CURRENT` (a slip of the tab key) would overwrite what is served."""
    _label_every_article(log, retriever)
    current = index_dir / "CURRENT"
    before = current.read_bytes()
    for out in (current, index_dir / "export.json", next((index_dir / "versions").iterdir()) / "x.json"):
        assert main(["feedback", "export", str(out), "--index", str(index_dir)]) == 1
        assert "never writes into an index" in capsys.readouterr().err
    assert current.read_bytes() == before and not (index_dir / "export.json").exists()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "folder"])
def test_a_damaged_feedback_file_is_moved_aside_by_the_bot_and_named_by_the_cli(
    index_dir: Path, capsys, caplog, damage
) -> None:
    """The bot used to stop at start with a traceback; no hand repair, and the old file is kept."""
    from bot.settings import BotSettings  # the bot opens it through the same function
    from index.assembly import answer_log_from

    path = IndexLocation(index_dir).feedback
    AnswerLog(path).close()
    if damage == "garbage":
        path.write_bytes(b"not a database " * 300)
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:100])
    else:
        path.unlink()
        (path / "stray").mkdir(parents=True)
    kept = sorted(p.name for p in path.rglob("*")) if path.is_dir() else path.read_bytes()

    assert main(["feedback", "stats", "--index", str(index_dir)]) == 1
    assert "is not a readable feedback database" in capsys.readouterr().err

    settings = BotSettings(_env_file=None, index_dir=index_dir)  # type: ignore[call-arg]
    with answer_log_from(settings) as log:
        nothing = Answer("volcan ?", [], answered=False, index_version="v1", seconds=0.01)
        assert log.get_answer(log.record_answer("volcan ?", nothing, user_id=1)) is not None
    assert "moved to" in caplog.text and "start afresh" in caplog.text
    (aside,) = path.parent.glob("feedback.sqlite.unreadable-*")
    assert (sorted(p.name for p in aside.rglob("*")) if aside.is_dir() else aside.read_bytes()) == kept


def test_a_locked_feedback_file_is_not_mistaken_for_a_damaged_one(index_dir: Path, monkeypatch) -> None:
    path = IndexLocation(index_dir).feedback
    AnswerLog(path).close()

    def locked(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr("index.feedback.answer_log.sqlite3.connect", locked)
    with pytest.raises(FeedbackError, match="cannot be opened") as raised:
        AnswerLog(path)
    assert not isinstance(raised.value, UnreadableFeedbackError) and path.is_file()


def test_cli_says_when_no_feedback_was_collected(index_dir: Path, tmp_path: Path, capsys) -> None:
    assert main(["feedback", "stats", "--index", str(index_dir)]) == 1
    assert "no feedback has been collected yet" in capsys.readouterr().err
    assert main(["feedback", "export", str(tmp_path / "x.json"), "--index", str(index_dir)]) == 1
    assert not (tmp_path / "x.json").exists()


def _article(squad, article_id: str):
    return next(article for article in squad.articles if article.id == article_id)
