"""The bot's settings: the index settings plus Discord's, from the environment and `.env`."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, model_validator

from index import IndexSettings

DISCORD_API_BASE = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"


class BotSettings(IndexSettings):
    """Everything `qa-bot` reads; the token has no default and is never logged."""

    discord_token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("DISCORD_TOKEN", "QA_DISCORD_TOKEN"), repr=False
    )
    discord_api_base: str = Field(
        DISCORD_API_BASE, validation_alias=AliasChoices("DISCORD_API_BASE", "QA_DISCORD_API_BASE")
    )
    discord_gateway_url: str = Field(
        DISCORD_GATEWAY_URL, validation_alias=AliasChoices("DISCORD_GATEWAY_URL", "QA_DISCORD_GATEWAY_URL")
    )
    dev_guild_id: int | None = Field(None, description="Sync slash commands to this guild only.")
    sharded: bool = Field(False, description="Use AutoShardedBot (needed past 2,500 servers).")
    passages_per_answer: int = Field(3, ge=1, le=10, description="Passages quoted in one answer.")
    cooldown_seconds: float = Field(10.0, ge=0, le=3600, description="Per-user pause between questions.")
    allowed_channels: list[int] = Field(
        default_factory=list,
        examples=["[123456789012345678]"],
        description="Channel ids; empty = everywhere.",
    )
    max_question_chars: int = Field(500, ge=10, le=1000, description="Longer questions are refused.")
    allow_dms: bool = Field(True, description="Answer questions sent in direct messages.")
    index_poll_seconds: float = Field(
        30.0, ge=0, le=86_400, description="How often to look for a new index; 0 = never."
    )
    feeds_poll_seconds: float = Field(
        900.0, ge=0, le=86_400, description="With QA_FEEDS_FILE set: follow the feeds this often; 0 = never."
    )
    answer_in_threads: bool = Field(False, description="Answer each question in its own thread.")
    channel_collections: dict[int, list[str]] = Field(
        default_factory=dict,
        examples=['{"123456789012345678": ["sport"]}'],
        description="Channel id → collections (subfolders) searched there.",
    )
    question_log: Path | None = Field(None, description="Append one JSON line per question to this file.")
    follow_up_minutes: float = Field(
        5.0, ge=0, le=1440, description="A short question this soon after another is read with it; 0 = never."
    )
    admin_user_ids: list[int] = Field(
        default_factory=list,
        examples=["[123456789012345678]"],
        description="Users who may /reload, besides the application's owners.",
    )
    message_content_intent: bool = Field(
        False,
        description="Ask for the privileged Message Content intent (enable it in the Developer Portal too): "
        "then a message that mentions only the bot's role is read and answered.",
    )

    @model_validator(mode="after")
    def _no_question_kept_when_collection_is_off(self) -> BotSettings:
        if self.question_log is not None and not self.collect_feedback:
            raise ValueError(
                "QA_QUESTION_LOG is set but QA_COLLECT_FEEDBACK=false promises that no question is "
                "stored: unset QA_QUESTION_LOG, or turn feedback collection on"
            )
        return self


# The defaults alone (no environment, no .env): what the bot's option objects fall back to.
BOT_DEFAULTS = BotSettings.model_construct()
