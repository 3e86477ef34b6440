"""Every setting of the index and its default, once: environment variables (QA_*) and `.env`; flags override.

The option objects the pipeline takes (`BuildOptions`, `RetrievalOptions`, ...) are built from
these in `index.assembly`; where they have defaults, they read them from `DEFAULTS` here.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from dotenv import dotenv_values
from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

# Model names that resolve to a model shipped inside a PyPI package, so the defaults work offline.
PACKAGED_USE = "multilingual-use-v3"
PACKAGED_MINILM = "all-MiniLM-L6-v2"

VectorIndexKind = Literal["auto", "flat", "hnsw"]
_DEVICE = re.compile(r"^(cpu|auto|mps|cuda(:\d+)?)$")

# Says who fetches (the product token is what robots.txt rules name); operators add a contact.
FEEDS_USER_AGENT = "article-qa-bot/0.1 (news feed follower for a Discord bot that quotes articles)"


class IndexSettings(BaseSettings):
    """Where articles and the index live, and how passages are cut, embedded, ranked and logged."""

    model_config = SettingsConfigDict(
        env_prefix="QA_", env_file=".env", extra="ignore", allow_inf_nan=False, validate_default=True
    )

    articles_dir: Path = Field(Path("articles"), description="Folder of articles to index (recursive).")
    index_dir: Path = Field(Path("var/index"), description="Folder holding the published index versions.")
    embedding_model: str = Field(
        PACKAGED_USE,
        min_length=1,
        description="sentence-transformers model name or local folder; two ship with the project.",
    )
    query_prefix: str = Field("", description="Text put before each question (e5-style models: 'query: ').")
    passage_prefix: str = Field("", description="Text put before each passage (e5-style: 'passage: ').")
    embed_titles: bool = Field(True, description="Embed each passage together with its article title.")
    device: str = Field("cpu", description="Where to embed: cpu, cuda (or cuda:N), mps, or auto.")
    encode_devices: str = Field(
        "",
        description="Comma-separated devices for sentence-transformers' multi-process pool (cuda:0,cuda:1).",
    )
    vector_index: VectorIndexKind = Field(
        "auto", description="FAISS index kind: auto (flat, HNSW above 50k), flat, hnsw."
    )
    sentence_vectors: bool = Field(
        True, description="Also embed sentences, to score passages by their best one."
    )
    batch_size: int = Field(32, ge=1, le=4096, description="Passages per embedding batch.")
    passage_words: int = Field(100, ge=20, le=1000, description="Target passage size in words.")
    passage_overlap: int = Field(
        0, ge=0, le=10, description="Sentences repeated between consecutive passages."
    )
    drop_furniture: bool = Field(
        True,
        description="Leave page furniture (date stamps, 'Lire aussi' links, credits) out of passages.",
    )
    max_article_bytes: int = Field(20_000_000, ge=1, description="Larger article files are skipped.")
    keep_versions: int = Field(3, ge=1, le=100, description="Published index versions kept on disk.")
    min_confidence: float = Field(
        0.06,
        ge=0.0,
        le=1.0,
        description="Quote a passage when the probability that it answers the question reaches this "
        "(higher: abstain more, answer less).",
    )
    recency_half_life_days: float = Field(
        0.0,
        ge=0.0,
        le=36500.0,
        description="Older news fades: a passage's odds halve every this many days (0 = off; the more "
        "recent of two near-equal passages wins either way).",
    )
    collect_feedback: bool = Field(True, description="Store 👍/👎 and chosen passages (hashed user ids).")
    answer_max_age_days: float = Field(
        30.0, gt=0, le=3650, description="Buttons on older answers say they expired."
    )
    retention_days: float = Field(
        90.0, gt=0, le=3650, description="Answers and votes older than this are deleted."
    )
    # Following feeds (`qa-index follow`, and the bot when feeds_file is set).
    feeds_file: Path | None = Field(None, description="feeds.toml listing the RSS/Atom/JSON feeds to follow.")
    feeds_user_agent: str = Field(
        FEEDS_USER_AGENT,
        min_length=1,
        description="User-Agent sent with every request (and matched against robots.txt); add a contact.",
    )
    feeds_timeout_seconds: float = Field(20.0, gt=0, le=600, description="Time limit for one request.")
    feeds_max_bytes: int = Field(
        5_000_000, ge=1024, le=200_000_000, description="Larger feeds or pages are not read past this."
    )
    feeds_host_delay_seconds: float = Field(
        2.0, ge=0, le=600, description="Pause between two requests to the same host."
    )
    feeds_max_items: int = Field(50, ge=1, le=10_000, description="Items read from each feed per round.")
    feeds_retry_seconds: float = Field(
        300.0, gt=0, le=86_400, description="Wait after a feed's first failure; doubles with each failure."
    )
    feeds_retry_max_seconds: float = Field(
        21_600.0, gt=0, le=604_800, description="Longest wait between retries of a failing feed."
    )

    @field_validator("device")
    @classmethod
    def _known_device(cls, value: str) -> str:
        if not _DEVICE.match(value):
            raise ValueError("should be cpu, cuda, cuda:N (a GPU number), mps or auto")
        return value

    @field_validator("encode_devices")
    @classmethod
    def _known_devices(cls, value: str) -> str:
        devices = [device.strip() for device in value.split(",") if device.strip()]
        if any(not _DEVICE.match(device) or device in ("auto", "mps") for device in devices):
            raise ValueError("should list devices separated by commas, each cpu or cuda:N (cuda:0,cuda:1)")
        return value


# The defaults alone (no environment, no .env): what option objects fall back to.
DEFAULTS = IndexSettings.model_construct()

_FIELD_IN_SETTINGS_ERROR = re.compile(r'field "(\w+)"')


def variable_name(settings: type[BaseSettings], field: str) -> str:
    """The environment variable that sets a field (QA_INDEX_DIR, DISCORD_TOKEN, ...)."""
    return _field_variables(settings, field)[0]


def variable_names(settings: type[BaseSettings]) -> set[str]:
    """Every environment variable a settings class reads, upper case (aliases included)."""
    return {name.upper() for field in settings.model_fields for name in _field_variables(settings, field)}


def _field_variables(settings: type[BaseSettings], field: str) -> list[str]:
    """The variables that set a field, the documented one first: its aliases, else PREFIX_FIELD."""
    info = settings.model_fields.get(field)
    alias = info.validation_alias if info is not None else None
    if isinstance(alias, AliasChoices):
        choices = [choice for choice in alias.choices if isinstance(choice, str)]
        if choices:
            return choices
    if isinstance(alias, str):
        return [alias]
    return [f"{settings.model_config.get('env_prefix', '')}{field}".upper()]


def unknown_setting(
    settings: type[BaseSettings],
    environ: Mapping[str, str] | None = None,
    *,
    near_misses_only: bool = False,
) -> str | None:
    """A QA_* variable (environment or `.env`) that no setting reads, as one sentence; else None.

    pydantic-settings ignores unknown names, so `QA_MIN_CONFIDANCE=0.5` would silently change
    nothing. With `near_misses_only`, only names within two letters of a known one count: for a
    program whose settings are a part of the project's (qa-index does not read the bot's).
    """
    prefix = str(settings.model_config.get("env_prefix", "")).upper()
    given = {name.upper(): " (in .env)" for name in _dotenv_names(settings)}
    given.update({name.upper(): "" for name in (os.environ if environ is None else environ)})
    known = variable_names(settings)
    for name, where in sorted(given.items()):
        if not prefix or not name.startswith(prefix) or name in known:
            continue
        if near_misses_only:
            close = [known_name for known_name in sorted(known) if edit_distance(name, known_name) <= 2]
            if not close:
                continue
        else:
            close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
        hint = (
            f"did you mean {close[0]}?" if close else "the settings are listed in the README (Configuration)"
        )
        return f"{name}{where} is not a setting (it would be ignored): {hint}"
    return None


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: how many letters to add, remove or change to turn `a` into `b`."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


def _dotenv_names(settings: type[BaseSettings]) -> list[str]:
    env_file = settings.model_config.get("env_file")
    if not isinstance(env_file, str | Path) or not Path(env_file).is_file():
        return []
    try:
        return [name for name in dotenv_values(env_file) if name]
    except (OSError, UnicodeDecodeError):  # pydantic-settings reports an unreadable .env itself
        return []


def settings_problem(error: ValidationError | SettingsError, settings: type[BaseSettings]) -> str:
    """A bad setting as one sentence: the variable, the value given, and what is accepted."""
    if isinstance(error, SettingsError):  # a JSON setting that is not JSON
        match = _FIELD_IN_SETTINGS_ERROR.search(str(error))
        field = match.group(1) if match else ""
        info = settings.model_fields.get(field)
        examples = (info.examples or []) if info is not None else []
        example = f", for example {examples[0]}" if examples else ""
        return f"{variable_name(settings, field)} must be JSON{example}"
    problems = []
    for item in error.errors():
        if not item["loc"]:  # a rule across settings: its message names them
            problems.append(item["msg"].removeprefix("Value error, "))
            continue
        field = str(item["loc"][0])
        info = settings.model_fields.get(field)
        secret = info is not None and info.annotation in (SecretStr, SecretStr | None)
        shown = "(hidden)" if secret else _shown(item.get("input"))
        accepted = item["msg"].removeprefix("Input ").removeprefix("Value error, ")
        problems.append(f"{variable_name(settings, field)}={shown} is not accepted: it {accepted}")
    return "; ".join(problems)


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return repr(text if len(text) <= 60 else text[:59] + "…")
