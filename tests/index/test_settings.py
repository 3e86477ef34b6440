"""Settings are checked at start, before any work: a bad one is one sentence naming the variable,
the value and what is accepted, never a traceback and never the token."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cli import QA_BOT
from bot.settings import BotSettings
from index.cli.main import QA_INDEX
from index.settings import IndexSettings, edit_distance, unknown_setting, variable_name, variable_names


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch, tmp_path):
    """No QA_* or DISCORD_* from the machine, and no .env from the checkout."""
    import os

    for name in list(os.environ):
        if name.startswith(("QA_", "DISCORD_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def _refuse_work(monkeypatch) -> None:
    """Fail the test if a command gets as far as loading the model."""

    def no_model(settings):
        raise AssertionError("the model was loaded before the settings were checked")

    monkeypatch.setattr("index.cli.main.embedder_from", no_model)
    monkeypatch.setattr("bot.cli.embedder_from", no_model)


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        (
            "QA_VECTOR_INDEX",
            "bogus",
            "QA_VECTOR_INDEX='bogus' is not accepted: it should be 'auto', 'flat' or 'hnsw'",
        ),
        ("QA_PASSAGE_WORDS", "abc", "QA_PASSAGE_WORDS='abc' is not accepted: it should be a valid integer"),
        (
            "QA_PASSAGE_WORDS",
            "5",
            "QA_PASSAGE_WORDS='5' is not accepted: it should be greater than or equal to 20",
        ),
        ("QA_MIN_CONFIDENCE", "nan", "QA_MIN_CONFIDENCE='nan' is not accepted: it should be a finite number"),
        ("QA_MIN_CONFIDENCE", "1.5", "QA_MIN_CONFIDENCE='1.5' is not accepted: it should be less"),
        ("QA_DEVICE", "gpu", "QA_DEVICE='gpu' is not accepted: it should be cpu, cuda, cuda:N"),
        ("QA_ENCODE_DEVICES", "cuda:0;cuda:1", "QA_ENCODE_DEVICES='cuda:0;cuda:1' is not accepted"),
        ("QA_CHANNEL_COLLECTIONS", "not json", 'QA_CHANNEL_COLLECTIONS must be JSON, for example {"1234'),
        ("QA_ALLOWED_CHANNELS", "[1,2", "QA_ALLOWED_CHANNELS must be JSON, for example [1234"),
        ("QA_COOLDOWN_SECONDS", "-5", "QA_COOLDOWN_SECONDS='-5' is not accepted"),
        ("QA_DEV_GUILD_ID", "my server", "QA_DEV_GUILD_ID='my server' is not accepted"),
    ],
)
def test_a_bad_setting_is_one_sentence_before_any_work(
    monkeypatch, capsys, variable, value, expected
) -> None:
    _refuse_work(monkeypatch)
    monkeypatch.setenv(variable, value)

    assert QA_BOT.main(["ask", "Où est Rome ?"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: " + expected)
    assert error.count("\n") == 1 and "Traceback" not in error


def test_a_bad_index_setting_stops_a_rebuild_before_the_model_loads(monkeypatch, capsys) -> None:
    _refuse_work(monkeypatch)
    monkeypatch.setenv("QA_VECTOR_INDEX", "bogus")
    assert QA_INDEX.main(["rebuild"]) == 2
    assert "QA_VECTOR_INDEX='bogus'" in capsys.readouterr().err


def test_a_missing_articles_folder_stops_a_rebuild_before_the_model_loads(
    monkeypatch, capsys, tmp_path
) -> None:
    _refuse_work(monkeypatch)
    assert QA_INDEX.main(["rebuild", str(tmp_path / "typo")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_a_gpu_that_is_not_there_is_refused_not_silently_used(monkeypatch, capsys) -> None:
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setenv("QA_DEVICE", "cuda")
    assert QA_BOT.main(["ask", "Où est Rome ?"]) == 1
    assert "QA_DEVICE=cuda but torch sees no such CUDA GPU" in capsys.readouterr().err


def test_the_variable_names_follow_the_environment() -> None:
    assert variable_name(BotSettings, "index_dir") == "QA_INDEX_DIR"
    assert variable_name(BotSettings, "discord_token") == "DISCORD_TOKEN"


_VARIABLES = [variable_name(BotSettings, name) for name in BotSettings.model_fields]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(_VARIABLES),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40),
)
def test_any_value_of_any_setting_is_accepted_or_one_sentence(monkeypatch, capsys, variable, value) -> None:
    _refuse_work(monkeypatch)
    with monkeypatch.context() as environment:  # each example starts from a clean environment
        environment.setenv("DISCORD_TOKEN", "secret-token-never-printed")
        environment.setenv(variable, value)
        try:
            code = QA_BOT.main(["ask", "Où est Rome ?"])
        except AssertionError:  # the settings were fine: the command went on to load the model
            code = 0
    error = capsys.readouterr().err
    assert "secret-token-never-printed" not in error
    if code == 2:
        assert error.startswith(f"error: {variable}") and error.count("\n") == 1


@pytest.mark.parametrize(
    ("variable", "suggested"),
    [
        ("QA_MIN_CONFIDANCE", "QA_MIN_CONFIDENCE"),
        ("QA_PASSAGE_WORD", "QA_PASSAGE_WORDS"),
        ("qa_index_dri", "QA_INDEX_DIR"),
        ("QA_MODEL", "QA_EMBEDDING_MODEL"),
        ("QA_FOLLOWUP_MINUTES", "QA_FOLLOW_UP_MINUTES"),
    ],
)
def test_a_misspelt_setting_is_refused_with_the_name_meant(monkeypatch, capsys, variable, suggested) -> None:
    _refuse_work(monkeypatch)
    monkeypatch.setenv(variable, "0.5")
    assert QA_BOT.main(["ask", "Où est Rome ?"]) == 2
    error = capsys.readouterr().err
    assert (
        error
        == f"error: {variable.upper()} is not a setting (it would be ignored): did you mean {suggested}?\n"
    )


def test_a_misspelt_setting_in_dotenv_says_where_it_is(monkeypatch, capsys, tmp_path) -> None:
    _refuse_work(monkeypatch)
    (tmp_path / ".env").write_text("DISCORD_TOKEN=secret\nQA_PASAGE_WORDS=50\n", encoding="utf-8")
    assert QA_INDEX.main(["rebuild"]) == 2
    error = capsys.readouterr().err
    assert "QA_PASAGE_WORDS (in .env) is not a setting" in error and "QA_PASSAGE_WORDS?" in error
    assert "secret" not in error


def test_an_unknown_setting_far_from_any_is_refused_by_the_bot(monkeypatch, capsys) -> None:
    _refuse_work(monkeypatch)
    monkeypatch.setenv("QA_TOP_K", "3")
    assert QA_BOT.main(["ask", "Où est Rome ?"]) == 2
    assert "QA_TOP_K is not a setting" in capsys.readouterr().err


def test_qa_index_leaves_the_bots_settings_alone(monkeypatch, capsys) -> None:
    """A shared .env holds the bot's settings too: qa-index, which does not read them, still runs."""
    _refuse_work(monkeypatch)
    for variable in variable_names(BotSettings) - variable_names(IndexSettings):
        monkeypatch.setenv(variable, "1")
    monkeypatch.setenv("QA_VECTOR_INDEX", "bogus")  # so the command stops at the settings it does read
    assert QA_INDEX.main(["rebuild"]) == 2
    assert capsys.readouterr().err.startswith("error: QA_VECTOR_INDEX='bogus'")


def test_no_bot_setting_is_one_typo_away_from_an_index_setting() -> None:
    """qa-index refuses names within two letters of its own: none of the bot's may be that close."""
    bot_only = variable_names(BotSettings) - variable_names(IndexSettings)
    assert min(edit_distance(a, b) for a in bot_only for b in variable_names(IndexSettings)) > 2


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(variable_names(BotSettings))), st.randoms())
def test_every_real_setting_in_any_case_is_known(variable, random) -> None:
    spelt = "".join(char.lower() if random.random() < 0.5 else char for char in variable)
    assert unknown_setting(BotSettings, {spelt: "1"}) is None
    assert unknown_setting(IndexSettings, {spelt: "1"}, near_misses_only=True) is None
