"""A round of following, against feeds served on 127.0.0.1: files written, failures contained, rebuilds."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from devtools.fake_embedder import FakeEmbedder
from devtools.feed_server import FeedServer, Story, atom, json_feed, page, rss
from index.feeds.config import Feed
from index.feeds.follow import FollowReport, follow_once
from index.feeds.state import FollowState
from index.ingest.folder import load_articles
from index.search.retriever import RetrievalOptions, Retriever
from index.store.loader import open_published
from tests.index.feeds.conftest import FAST, RETRY

HEKLA = ["Le volcan Hekla est entré en éruption ce matin en Islande.", "Les cendres couvrent la vallée."]
HEKLA_UPDATE = [*HEKLA, "Les vols vers Reykjavik sont annulés jusqu'à nouvel ordre."]


class Round:
    """Runs rounds into one articles folder and one index with one fake embedder."""

    def __init__(self, tmp_path: Path) -> None:
        self.articles = tmp_path / "articles"
        self.index = tmp_path / "index"
        self.embedder = FakeEmbedder()

    def __call__(self, feeds: list[Feed], **options) -> FollowReport:
        options.setdefault("fetch_options", FAST)
        options.setdefault("options", RETRY)
        return follow_once(feeds, self.articles, self.index, lambda: self.embedder, **options)

    def files(self) -> dict[str, str]:
        return {
            path.relative_to(self.articles).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(self.articles.rglob("*.txt"))
        }

    def ask(self, question: str) -> list[str]:
        loaded = open_published(self.index)
        retriever = Retriever(loaded, self.embedder, RetrievalOptions(min_confidence=0.0))
        try:
            return [hit.article.title for hit in retriever.answer(question, k=3).hits]
        finally:
            retriever.close()


def _hekla_site(
    server: FeedServer, paragraphs: list[str] = HEKLA, published: str = "2024-05-02T08:30:00+00:00"
):
    link = server.url("/monde/2024/05/02/eruption-du-hekla.html")
    server.route("/monde/2024/05/02/eruption-du-hekla.html", page("Éruption du Hekla", paragraphs))
    story = Story("Éruption du Hekla", link, "Le Hekla gronde.", guid="hekla-1", published=published)
    return server.route("/rss.xml", rss([story], title="Le Quotidien"), content_type="application/rss+xml")


def test_rss_atom_and_json_items_become_article_files_and_get_indexed(server, tmp_path):
    _hekla_site(server)
    train = Story("Grève des trains", server.url("/trains"), "Aucun train ne circule.", guid="urn:trains")
    server.route(
        "/trains", page("Grève des trains", ["Les conducteurs de train sont en grève depuis lundi."])
    )
    server.route("/atom.xml", atom([train]), content_type="application/atom+xml")
    opera = Story("Opéra de Lyon", None, "La saison de l'opéra de Lyon s'ouvre avec Carmen.", guid="op-1")
    server.route("/feed.json", json_feed([opera]), content_type="application/feed+json")
    run = Round(tmp_path)
    feeds = [
        Feed("quotidien", server.url("/rss.xml"), collection="monde"),
        Feed("rail", server.url("/atom.xml"), source="Le Rail"),
        Feed("culture", server.url("/feed.json")),
    ]

    report = run(feeds)

    files = run.files()
    # Words from the link (else the title), then a hash of the item's guid: stable across edits.
    assert sorted(files) == [
        "culture/opera-de-lyon-71a0ef7195.txt",
        "monde/quotidien/eruption-du-hekla-0024b94dc3.txt",
        "rail/trains-48072e5d9e.txt",
    ]
    hekla = next(text for name, text in files.items() if name.startswith("monde/quotidien/"))
    assert hekla.startswith(
        "title: Éruption du Hekla\n"
        f"url: {server.url('/monde/2024/05/02/eruption-du-hekla.html')}\n"
        "date: 2024-05-02T08:30:00+00:00\nsource: Le Quotidien\n\n"
    )
    assert "Les cendres couvrent la vallée." in hekla and "Abonnez-vous" not in hekla  # the page's main text
    rail = next(text for name, text in files.items() if name.startswith("rail/"))
    assert "source: Le Rail" in rail and "en grève depuis lundi" in rail
    (report_json,) = [report.to_json()]
    assert (report_json["items_new"], report_json["items_changed"], report_json["failures"]) == (3, 0, [])
    assert report.published and report.rebuild is not None and report.rebuild.articles == 3
    articles = {a.path: a for a in load_articles(run.articles).articles}  # the one ingestion path
    assert {a.collection for a in articles.values()} == {"monde", "rail", "culture"}
    assert run.ask("volcan Hekla éruption Islande")[0] == "Éruption du Hekla"
    assert run.ask("opéra de Lyon Carmen")[0] == "Opéra de Lyon"


def test_a_second_round_with_nothing_new_fetches_only_the_feeds_and_rewrites_nothing(server, tmp_path):
    _hekla_site(server)
    server.routes["/rss.xml"].etag = '"v1"'
    run = Round(tmp_path)
    feeds = [Feed("quotidien", server.url("/rss.xml"))]
    run(feeds)
    (path,) = run.articles.rglob("*.txt")
    written_at = path.stat().st_mtime_ns
    server.requests.clear()

    report = run(feeds)

    assert server.paths() == ["/robots.txt", "/rss.xml"]  # no page fetched again
    assert server.requests[1].headers.get("if-none-match") == '"v1"'
    assert report.feeds[0].status == "not-modified" and report.count("items_unchanged") == 1
    assert report.rebuild is None and path.stat().st_mtime_ns == written_at


def test_an_updated_item_is_rewritten_and_only_it_is_embedded_again(server, tmp_path):
    _hekla_site(server)
    train = Story("Grève des trains", server.url("/trains"), "Aucun train ne circule depuis lundi matin.")
    server.route("/atom.xml", atom([train]), content_type="application/atom+xml")
    run = Round(tmp_path)
    feeds = [Feed("quotidien", server.url("/rss.xml")), Feed("rail", server.url("/atom.xml"))]
    run(feeds)
    before = run.files()
    run.embedder.embedded.clear()

    _hekla_site(server, HEKLA_UPDATE, published="2024-05-02T11:00:00+00:00")
    report = run(feeds)

    after = run.files()
    changed = [name for name in after if after[name] != before[name]]
    assert len(changed) == 1 and changed[0].startswith("quotidien/") and sorted(after) == sorted(before)
    assert "Reykjavik" in after[changed[0]] and "date: 2024-05-02T11:00:00+00:00" in after[changed[0]]
    assert (report.count("items_changed"), report.count("items_unchanged")) == (1, 1)
    assert report.rebuild is not None and report.rebuild.articles_changed == 1
    assert run.embedder.embedded and all(
        "Trains" not in text and "train" not in text for text in run.embedder.embedded
    )
    assert run.ask("vols Reykjavik annulés")[0] == "Éruption du Hekla"


def test_failing_feeds_are_reported_and_the_others_go_on(server, tmp_path):
    _hekla_site(server)
    server.route(
        "/broken.xml",
        '<?xml version="1.0"?><rss version="2.0"><channel><item><title>Cut',
        content_type="application/rss+xml",
    )
    server.route("/slow.xml", rss([]), delay=5.0)
    server.route("/loop-a", status=302, headers={"Location": "/loop-b"})
    server.route("/loop-b", status=302, headers={"Location": "/loop-a"})
    server.route("/huge.xml", endless=True, content_type="application/rss+xml")
    server.route("/declared-huge.xml", b"x" * 300_000, content_type="application/rss+xml")
    server.route(
        "/home",
        page("Accueil", ["Bienvenue."]).replace(
            "<head>", '<head><link rel="alternate" type="application/rss+xml" href="/rss.xml">'
        ),
    )
    server.route("/ftp-redirect", status=301, headers={"Location": "ftp://example.invalid/feed"})
    names = ["missing", "broken", "slow", "loop", "huge", "declared", "home", "ftp"]
    paths = [
        "/missing.xml",
        "/broken.xml",
        "/slow.xml",
        "/loop-a",
        "/huge.xml",
        "/declared-huge.xml",
        "/home",
        "/ftp-redirect",
    ]
    feeds = [Feed(name, server.url(path)) for name, path in zip(names, paths, strict=True)]
    feeds.insert(3, Feed("quotidien", server.url("/rss.xml")))
    run = Round(tmp_path)

    report = run(feeds)

    reasons = {failure["feed"]: failure["reason"] for failure in report.to_json()["failures"]}
    assert set(reasons) == set(names)
    assert reasons["missing"] == "HTTP 404 Not Found"
    assert reasons["broken"].startswith("malformed XML")
    assert "timeout" in reasons["slow"]
    assert reasons["loop"].startswith("redirect loop: ") and reasons["loop"].endswith("/loop-a")
    assert "over the 200 KB limit" in reasons["huge"] and "stopped reading" in reasons["huge"]
    assert reasons["declared"] == "the response is 300 KB, over the 200 KB limit (QA_FEEDS_MAX_BYTES)"
    assert "HTML page" in reasons["home"] and server.url("/rss.xml") in reasons["home"]
    assert "not an http(s) URL" in reasons["ftp"]
    assert report.feeds[3].status == "ok" and report.count("items_new") == 1
    assert report.published is not None and run.ask("volcan Hekla")[0] == "Éruption du Hekla"


def test_a_failed_feed_waits_longer_after_each_failure_and_recovers(server, tmp_path):
    run = Round(tmp_path)
    feeds = [Feed("flaky", server.url("/flaky.xml"))]
    first = run(feeds)
    assert first.feeds[0].status == "failed"
    server.requests.clear()

    waiting = run(feeds)  # retry_seconds is 60: too early

    assert waiting.feeds[0].status == "waiting" and server.paths() == []
    state = FollowState.load(run.articles)
    assert state.feeds["flaky"].consecutive_failures == 1
    _time_passes(run.articles, "flaky")
    second = run(feeds)
    flaky = FollowState.load(run.articles).feeds["flaky"]
    assert flaky.consecutive_failures == 2 and second.feeds[0].status == "failed"
    wait = datetime.fromisoformat(flaky.next_retry or "") - datetime.fromisoformat(flaky.last_attempt or "")
    assert 119 <= wait.total_seconds() <= 121  # 60 s, then twice that

    _hekla_site(server)
    server.route("/flaky.xml", server.routes["/rss.xml"].body, content_type="application/rss+xml")
    _time_passes(run.articles, "flaky")
    recovered = run(feeds)

    assert recovered.feeds[0].status == "ok" and recovered.count("items_new") == 1
    flaky = FollowState.load(run.articles).feeds["flaky"]
    assert (flaky.consecutive_failures, flaky.next_retry, flaky.last_error) == (0, None, None)


def _time_passes(articles: Path, feed: str) -> None:
    """Move a failed feed's next try into the past, as if its wait were over."""
    state = FollowState.load(articles)
    state.feeds[feed].next_retry = "2000-01-01T00:00:00+00:00"
    state.save(articles)


def test_nothing_is_deleted_when_a_feed_fails_or_an_item_leaves_it(server, tmp_path):
    _hekla_site(server)
    run = Round(tmp_path)
    feeds = [Feed("quotidien", server.url("/rss.xml"))]
    run(feeds)
    stored = run.files()

    server.route("/rss.xml", rss([], title="Le Quotidien"), content_type="application/rss+xml")
    emptied = run(feeds)
    server.route("/rss.xml", "<html>maintenance</html>", status=503, headers={"Retry-After": "120"})
    failed = run(feeds, options=replace(RETRY, retry_seconds=0.001))

    assert emptied.feeds[0].status == "ok" and failed.feeds[0].status == "failed"
    assert run.files() == stored
    retry_at = FollowState.load(run.articles).feeds["quotidien"].next_retry
    assert retry_at is not None and failed.feeds[0].reason == "HTTP 503 Service Unavailable"
    assert run.ask("volcan Hekla")[0] == "Éruption du Hekla"


def test_a_link_that_is_not_html_uses_the_feed_text(server, tmp_path):
    server.route("/report.pdf", b"%PDF-1.7\n%binary", content_type="application/pdf")
    story = Story(
        "Rapport annuel", server.url("/report.pdf"), "Le rapport annuel publie les comptes de la société."
    )
    server.route("/rss.xml", rss([story]), content_type="application/rss+xml")
    run = Round(tmp_path)

    run([Feed("rapports", server.url("/rss.xml"))])

    (text,) = run.files().values()
    assert text.endswith("\n\nLe rapport annuel publie les comptes de la société.\n")
    assert "/report.pdf" in server.paths()


def test_the_same_story_in_two_feeds_is_stored_once(server, tmp_path):
    _hekla_site(server)
    hekla = rss(
        [
            Story(
                "Le Hekla se réveille",
                server.url("/monde/2024/05/02/eruption-du-hekla.html"),
                "",
                guid="other",
            )
        ]
    )
    server.route("/partner.xml", hekla, content_type="application/rss+xml")
    run = Round(tmp_path)
    feeds = [Feed("quotidien", server.url("/rss.xml")), Feed("partenaire", server.url("/partner.xml"))]

    first = run(feeds)
    second = run(feeds)

    assert list(run.files()) == [name for name in run.files() if name.startswith("quotidien/")]
    assert len(run.files()) == 1
    assert [f.items_duplicate for f in first.feeds] == [0, 1] and second.count("items_duplicate") == 1
    assert server.paths().count("/monde/2024/05/02/eruption-du-hekla.html") == 1


def test_robots_txt_is_obeyed_for_pages_and_feeds(server, tmp_path):
    server.route("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    server.route("/private/page", page("Secret", ["Texte interdit aux robots."]))
    story = Story("Une page privée", server.url("/private/page"), "Le résumé public de la page.")
    server.route("/rss.xml", rss([story]), content_type="application/rss+xml")
    server.route("/private/feed.xml", rss([story]), content_type="application/rss+xml")
    run = Round(tmp_path)

    report = run([Feed("public", server.url("/rss.xml")), Feed("private", server.url("/private/feed.xml"))])

    assert not any(path.startswith("/private/") for path in server.paths())
    assert server.paths().count("/robots.txt") == 1  # once per host
    (text,) = run.files().values()
    assert "Le résumé public de la page." in text
    assert report.failures[0].name == "private" and "robots.txt" in (report.failures[0].reason or "")


def test_a_file_deleted_by_hand_stays_deleted(server, tmp_path):
    _hekla_site(server)
    run = Round(tmp_path)
    feeds = [Feed("quotidien", server.url("/rss.xml"))]
    run(feeds)
    (path,) = run.articles.rglob("*.txt")
    path.unlink()

    _hekla_site(server, HEKLA_UPDATE, published="2024-05-03T08:00:00+00:00")
    report = run(feeds)

    assert not path.exists() and report.count("items_kept_deleted") == 1


def test_an_item_without_any_text_is_left_out_with_a_reason_and_tried_again(server, tmp_path):
    story = Story("Titre seul", server.url("/gone"), "")
    server.route("/rss.xml", rss([story]), content_type="application/rss+xml")
    server.route("/index.html", page("Accueil", ["Bienvenue."]))  # so the folder is not empty
    run = Round(tmp_path)

    report = run([Feed("vide", server.url("/rss.xml"))])

    (problem,) = report.items_skipped
    assert problem.link == server.url("/gone") and "HTTP 404" in problem.reason
    assert (
        run.files() == {}
        and report.rebuild_error is not None
        and "no usable articles" in report.rebuild_error
    )
    again = run([Feed("vide", server.url("/rss.xml"))])
    assert len(again.items_skipped) == 1  # validators were not kept: the item is tried again


def test_stopping_ends_the_round_before_the_next_request_and_skips_the_rebuild(server, tmp_path):
    _hekla_site(server)
    stop = threading.Event()
    stop.set()
    run = Round(tmp_path)

    report = run([Feed("quotidien", server.url("/rss.xml"))], stop=stop)

    assert report.stopped and report.feeds[0].status == "stopped" and report.rebuild is None
    assert server.paths() == []


def test_the_report_is_json_with_the_promised_fields(server, tmp_path):
    _hekla_site(server)
    report = Round(tmp_path)(
        [Feed("quotidien", server.url("/rss.xml")), Feed("gone", server.url("/gone.xml"))]
    )

    data = json.loads(json.dumps(report.to_json()))

    assert {
        "feeds",
        "items_new",
        "items_changed",
        "items_unchanged",
        "failures",
        "rebuild",
        "seconds",
    } <= set(data)
    assert data["failures"] == [
        {
            "feed": "gone",
            "url": server.url("/gone.xml"),
            "reason": "HTTP 404 Not Found",
            "retry_at": data["failures"][0]["retry_at"],
        }
    ]
    assert data["rebuild"]["articles"] == 1 and data["fetch_seconds_per_written_item"] > 0


def test_an_unreadable_state_file_is_set_aside_and_the_round_goes_on(server, tmp_path, caplog):
    _hekla_site(server)
    run = Round(tmp_path)
    state = run.articles / ".feeds" / "state.json"
    state.parent.mkdir(parents=True)
    state.write_text("{not json", encoding="utf-8")

    report = run([Feed("quotidien", server.url("/rss.xml"))])

    assert report.count("items_new") == 1 and "starting afresh" in caplog.text
    assert (run.articles / ".feeds" / "state.json.unreadable").read_text(encoding="utf-8") == "{not json"
    assert "quotidien" in FollowState.load(run.articles).feeds


def test_a_feed_cannot_send_the_follower_to_a_private_address(server, tmp_path):
    """An item linking to the bot's own machine (or redirecting there) would have its page quoted in
    Discord: only the hosts named in the feeds file may be local or private."""
    port = server.host.rsplit(":", 1)[1]
    server.route("/admin/secret.html", page("Secret", ["The admin password is hunter2."]))
    server.route(
        "/moved.html", status=302, headers={"Location": f"http://localhost:{port}/admin/secret.html"}
    )
    stories = [
        Story("Direct", f"http://localhost:{port}/admin/secret.html", "", guid="a"),
        Story("Metadata", "http://169.254.169.254/latest/meta-data/", "", guid="b"),
        Story("Redirected", server.url("/moved.html"), "", guid="c"),
    ]
    server.route("/rss.xml", rss(stories), content_type="application/rss+xml")
    run = Round(tmp_path)

    report = run([Feed("piège", server.url("/rss.xml"))])

    assert "/admin/secret.html" not in server.paths()
    assert not any("hunter2" in text for text in run.files().values())
    reasons = " ".join(problem.reason for problem in report.items_skipped)
    assert len(report.items_skipped) == 3 and reasons.count("private or local address") == 3
    assert "redirected to 'http://localhost" in reasons and "169.254.169.254" in reasons


def test_only_global_addresses_pass_unless_the_operator_named_the_host():
    from index.feeds.fetch import private_address_problem

    for url in (
        "http://127.0.0.1:8080/",
        "http://[::1]/",
        "http://10.1.2.3/",
        "http://192.168.0.1/x",
        "http://169.254.169.254/",
        "http://0.0.0.0/",
        "http://100.64.0.1/",
        "http://localhost/",
    ):
        assert private_address_problem(url, frozenset()), url
    assert private_address_problem("http://93.184.216.34/", frozenset()) is None
    assert private_address_problem("http://10.1.2.3/feed", frozenset({"10.1.2.3"})) is None
