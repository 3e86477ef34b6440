"""Screenshots of the real bot answering in the Discord emulator, for the README.

    .venv/bin/python -m scripts.render_transcript [--out docs/screenshots] [--index DIR]

Builds an index of `articles/` with the default model (once), starts the emulator and the real
bot in this process, plays a short scripted conversation (a mention, a French `/ask`, "More
passages", "Context", 👍 and a passage pick), renders what was recorded to HTML styled like
Discord's dark theme, and photographs each page with headless Chromium (Debian's `chromium`).
"""

from __future__ import annotations

import argparse
import asyncio
import html
import logging
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from devtools.discord_emulator import DiscordEmulator
from devtools.harness import bot_on_emulator, emulator_settings, is_reply_to
from index.assembly import build_options_from, embedder_from
from index.build.pipeline import rebuild
from index.embed.embedder import Embedder
from index.settings import IndexSettings
from index.store.versions import IndexLocation

ROOT = Path(__file__).resolve().parents[1]


Message = Mapping[str, Any]

MENTION_QUESTION = "Qu'est-ce que la Russie a demandé à la Chine ?"
SLASH_QUESTION = "Où Jake Sullivan a-t-il rencontré Yang Jiechi ?"
WAIT_SECONDS = 120.0  # the first question also warms up the real model on a CPU
PAGE_WIDTH = 900


# Rendering: recorded messages → one self-contained HTML page (pure, every text escaped)


@dataclass(frozen=True)
class Conversation:
    """What one screenshot shows: messages in order, plus what is needed to label them."""

    messages: Sequence[Message]
    names: Mapping[str, str]  # user id → display name, for mentions and interaction headers
    channel: str = "general"
    known: Mapping[str, Message] = field(default_factory=dict)  # any message by id, for references


_INLINE = re.compile(
    r"\\(?P<escaped>[^0-9A-Za-z\s])"
    r"|`(?P<code>[^`]+)`"
    r"|\*\*(?P<bold>(?:\\.|[^\\])+?)\*\*(?!\*)"
    r"|__(?P<underline>(?:\\.|[^\\])+?)__"
    r"|~~(?P<strike>(?:\\.|[^\\])+?)~~"
    r"|\|\|(?P<spoiler>(?:\\.|[^\\])+?)\|\|"
    r"|\*(?P<italic>[^*\s](?:(?:\\.|[^\\*])*?[^\s\\])?)\*"
    r"|\b_(?P<italic_>(?:\\.|[^\\_])+?)_\b"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<href>https?://[^\s)]+)\)"
    r"|(?P<url>https?://[^\s<]*[^\s<.,:;\"')\]])"
    r"|<@!?(?P<user>\d+)>|<@&(?P<role>\d+)>|<#(?P<channel>\d+)>"
    r"|(?P<everyone>@everyone|@here)"
)
_WRAPS = {"bold": "strong", "underline": "u", "strike": "s", "italic": "em", "italic_": "em"}
_QUOTE_LINE = re.compile(r"^ *> (.*)$")  # Discord needs the space: a bare ">" line is literal text
_BUTTON_STYLES = {1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "link"}
_AVATAR_COLOURS = ("#5865f2", "#3ba55c", "#faa61a", "#ed4245", "#eb459e", "#747f8d")
EPHEMERAL = 64


def inline_markdown(text: str, names: Mapping[str, str]) -> str:
    """One line of Discord markdown as HTML: escapes, emphasis, code, links, mentions."""
    out: list[str] = []
    cursor = 0
    for match in _INLINE.finditer(text):
        out.append(html.escape(text[cursor : match.start()]))
        out.append(_inline_piece(match, names))
        cursor = match.end()
    out.append(html.escape(text[cursor:]))
    return "".join(out)


def _inline_piece(match: re.Match[str], names: Mapping[str, str]) -> str:
    kind = match.lastgroup
    if kind == "escaped":
        return html.escape(match["escaped"])
    if kind == "code":
        return f"<code>{html.escape(match['code'])}</code>"
    if kind in _WRAPS:
        tag = _WRAPS[kind]
        return f"<{tag}>{inline_markdown(match[kind], names)}</{tag}>"
    if kind == "spoiler":
        return f'<span class="spoiler">{inline_markdown(match["spoiler"], names)}</span>'
    if kind == "href":
        return _link(match["href"], inline_markdown(match["label"], names))
    if kind == "url":
        return _link(match["url"], html.escape(match["url"]))
    if kind == "user":
        return _pill("@" + names.get(match["user"], "unknown-user"))
    if kind == "role":
        return _pill("@role")
    if kind == "channel":
        return _pill("#channel")
    return _pill(match[0])


def _link(url: str, label_html: str) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{label_html}</a>'


def _pill(label: str) -> str:
    return f'<span class="mention">{html.escape(label)}</span>'


def markdown(text: str, names: Mapping[str, str]) -> str:
    """A message body: block quotes grouped, other lines kept as lines."""
    blocks: list[str] = []
    quote: list[str] = []
    plain: list[str] = []

    def flush() -> None:
        if quote:
            blocks.append(f"<blockquote>{'<br>'.join(quote)}</blockquote>")
            quote.clear()
        if plain:
            blocks.append(f'<div class="lines">{"<br>".join(plain)}</div>')
            plain.clear()

    for line in text.split("\n"):
        quoted = _QUOTE_LINE.match(line)
        if (quoted is not None) != bool(quote):
            flush()
        if quoted is not None:
            quote.append(inline_markdown(quoted[1], names))
        else:
            plain.append(inline_markdown(line, names))
    flush()
    return "".join(blocks)


def _clock(timestamp: str) -> str:
    try:
        return "Today at " + datetime.fromisoformat(timestamp).strftime("%H:%M")
    except ValueError:
        return ""


def _avatar(name: str, *, small: bool = False) -> str:
    colour = _AVATAR_COLOURS[sum(map(ord, name)) % len(_AVATAR_COLOURS)]
    size = "avatar small" if small else "avatar"
    return f'<div class="{size}" style="background:{colour}">{html.escape(name[:1].upper())}</div>'


def _display_name(user: Mapping[str, Any]) -> str:
    return str(user.get("global_name") or user.get("username") or "unknown")


def _snippet(message: Message, names: Mapping[str, str]) -> str:
    text = message.get("content") or ""
    if not text and message.get("embeds"):
        text = str(message["embeds"][0].get("title") or "")
    text = text.replace("\n", " ")
    text = text[:90] + ("…" if len(text) > 90 else "")
    return inline_markdown(text, names)


def _reference(message: Message, conversation: Conversation) -> str:
    """The line above a reply, a slash command's answer, or a button's private answer."""
    names = conversation.names
    meta = message.get("interaction_metadata") or {}
    if meta.get("name"):
        who = _display_name(meta.get("user") or {})
        return (
            f'<div class="reference">{_avatar(who, small=True)}<span class="ref-name">'
            f'{html.escape(who)}</span> used <span class="command">/{html.escape(meta["name"])}'
            "</span></div>"
        )
    target = message.get("referenced_message")
    if target is None and meta.get("interacted_message_id"):
        target = conversation.known.get(str(meta["interacted_message_id"]))
    if not target:
        return ""
    who = _display_name(target.get("author") or {})
    return (
        f'<div class="reference">{_avatar(who, small=True)}<span class="ref-name">{html.escape(who)}'
        f'</span><span class="ref-text">{_snippet(target, names)}</span></div>'
    )


def _embed(embed: Mapping[str, Any], names: Mapping[str, str]) -> str:
    colour = f"#{int(embed.get('color') or 0x1E1F22):06x}"
    parts: list[str] = []
    author = (embed.get("author") or {}).get("name")
    if author:
        parts.append(f'<div class="embed-author">{html.escape(author)}</div>')
    if embed.get("title"):
        title = inline_markdown(embed["title"], names)
        parts.append(
            f'<div class="embed-title">{_link(embed["url"], title) if embed.get("url") else title}</div>'
        )
    if embed.get("description"):
        parts.append(f'<div class="embed-description">{markdown(embed["description"], names)}</div>')
    for item in embed.get("fields") or []:
        parts.append(
            f'<div class="embed-field"><div class="embed-field-name">{inline_markdown(item["name"], names)}'
            f"</div><div>{markdown(item['value'], names)}</div></div>"
        )
    footer = (embed.get("footer") or {}).get("text")
    if footer:
        parts.append(f'<div class="embed-footer">{html.escape(footer)}</div>')
    return f'<div class="embed" style="border-left-color:{colour}">{"".join(parts)}</div>'


def _component(item: Mapping[str, Any]) -> str:
    if item.get("type") == 3:
        placeholder = html.escape(item.get("placeholder") or "Make a selection")
        return f'<div class="select"><span>{placeholder}</span><span class="chevron">⌄</span></div>'
    style = _BUTTON_STYLES.get(int(item.get("style") or 2), "secondary")
    emoji = (item.get("emoji") or {}).get("name") or ""
    label = " ".join(part for part in (emoji, item.get("label") or "") if part)
    external = " ↗" if style == "link" else ""
    disabled = " disabled" if item.get("disabled") else ""
    return f'<span class="button {style}{disabled}">{html.escape(label)}{external}</span>'


def _components(message: Message) -> str:
    rows = [
        f'<div class="row">{"".join(_component(item) for item in row.get("components") or [])}</div>'
        for row in message.get("components") or []
    ]
    return "".join(rows)


def _message(message: Message, conversation: Conversation) -> str:
    names = conversation.names
    author = message.get("author") or {}
    name = _display_name(author)
    badge = '<span class="badge">APP</span>' if author.get("bot") else ""
    edited = ' <span class="edited">(edited)</span>' if message.get("edited_timestamp") else ""
    content = markdown(message.get("content") or "", names) if message.get("content") else ""
    if content:
        content = f'<div class="content">{content}{edited}</div>'
    embeds = "".join(_embed(embed, names) for embed in message.get("embeds") or [])
    ephemeral = bool(message.get("ephemeral") or int(message.get("flags") or 0) & EPHEMERAL)
    private = (
        '<div class="ephemeral-note">👁 Only you can see this · <a>Dismiss message</a></div>'
        if ephemeral
        else ""
    )
    return (
        f'<div class="message{" ephemeral" if ephemeral else ""}">{_reference(message, conversation)}'
        f'<div class="body">{_avatar(name)}<div class="main"><div class="header">'
        f'<span class="name">{html.escape(name)}</span>{badge}'
        f'<span class="time">{html.escape(_clock(str(message.get("timestamp") or "")))}</span></div>'
        f"{content}{embeds}{_components(message)}{private}</div></div></div>"
    )


_CSS = """
body { margin: 0; background: #313338; color: #dbdee1; width: 100%;
  font: 16px/1.375 "Noto Sans", "Liberation Sans", "DejaVu Sans", sans-serif, "Noto Color Emoji"; }
.topbar { height: 48px; display: flex; align-items: center; padding: 0 16px; font-weight: 600;
  color: #f2f3f5; border-bottom: 1px solid #1f2023; }
.topbar .hash { color: #80848e; font-size: 24px; margin-right: 8px; font-weight: 400; }
.messages { padding: 8px 0 16px; }
.message { padding: 6px 48px 6px 16px; margin-top: 12px; }
.message.ephemeral { background: rgba(88, 101, 242, 0.07); border-left: 2px solid #5865f2; }
.body { display: flex; gap: 16px; }
.avatar { flex: none; width: 40px; height: 40px; border-radius: 50%; color: #fff; font-weight: 700;
  display: flex; align-items: center; justify-content: center; font-size: 18px; }
.avatar.small { width: 16px; height: 16px; font-size: 10px; margin-right: 4px; }
.main { min-width: 0; flex: 1; }
.header { display: flex; align-items: baseline; gap: 6px; }
.name { color: #f2f3f5; font-weight: 600; }
.badge { background: #5865f2; color: #fff; font-size: 10px; font-weight: 700; padding: 1px 4px;
  border-radius: 3px; position: relative; top: -2px; }
.time { color: #949ba4; font-size: 12px; margin-left: 2px; }
.content { white-space: normal; overflow-wrap: anywhere; }
.edited { color: #949ba4; font-size: 10px; }
.content > .lines:has(+ .edited) { display: inline; }
.reference { display: flex; align-items: center; gap: 4px; margin-left: 72px; font-size: 14px;
  color: #b5bac1; position: relative; white-space: nowrap; overflow: hidden; }
.reference::before { content: ""; position: absolute; left: -36px; top: 9px; width: 30px; height: 12px;
  border-left: 2px solid #4e5058; border-top: 2px solid #4e5058; border-top-left-radius: 6px; }
.ref-name { color: #f2f3f5; font-weight: 600; margin-right: 4px; }
.ref-text { overflow: hidden; text-overflow: ellipsis; }
.command { color: #00a8fc; }
a { color: #00a8fc; text-decoration: none; }
strong { font-weight: 700; color: #f2f3f5; }
code { background: #2b2d31; border: 1px solid #1e1f22; border-radius: 4px; padding: 0 3px;
  font: 14px "DejaVu Sans Mono", monospace; }
.mention { background: rgba(88, 101, 242, 0.3); color: #c9cdfb; border-radius: 3px; padding: 0 2px;
  font-weight: 500; }
.spoiler { background: #1e1f22; border-radius: 3px; }
blockquote { margin: 0; padding: 0 8px 0 12px; border-left: 4px solid #4e5058; border-radius: 2px; }
.embed { background: #2b2d31; border-left: 4px solid; border-radius: 4px; max-width: 520px;
  padding: 8px 16px 12px 12px; margin-top: 4px; font-size: 14px; line-height: 1.3; }
.embed-author { font-weight: 600; color: #f2f3f5; margin-top: 8px; }
.embed-title { font-weight: 600; font-size: 16px; margin-top: 4px; color: #f2f3f5; }
.embed-description { margin-top: 8px; }
.embed-field { margin-top: 8px; }
.embed-field-name { font-weight: 600; color: #f2f3f5; }
.embed-footer { color: #b5bac1; font-size: 12px; margin-top: 8px; }
.row { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 8px; }
.button { height: 32px; padding: 0 16px; border-radius: 8px; color: #fff; font-size: 14px;
  font-weight: 500; display: inline-flex; align-items: center; }
.button.primary { background: #5865f2; } .button.secondary { background: #4e5058; }
.button.success { background: #248046; } .button.danger { background: #da373c; }
.button.link { background: #4e5058; } .button.disabled { opacity: 0.5; }
.select { width: 400px; height: 40px; box-sizing: border-box; background: #1e1f22;
  border: 1px solid #1e1f22; border-radius: 8px; display: flex; align-items: center;
  justify-content: space-between; padding: 0 12px; color: #949ba4; font-size: 15px; }
.chevron { font-size: 20px; line-height: 1; }
.ephemeral-note { color: #949ba4; font-size: 12px; margin-top: 6px; }
.ephemeral-note a { color: #00a8fc; }
"""

# Lets the screenshot step read the page height (Chromium's --dump-dom) to size the window.
_MEASURE = "<script>document.body.dataset.height = document.documentElement.scrollHeight;</script>"


def render_page(conversation: Conversation) -> str:
    """The conversation as one self-contained HTML page in Discord's dark theme."""
    messages = "".join(_message(message, conversation) for message in conversation.messages)
    return (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>#{html.escape(conversation.channel)}</title><style>{_CSS}</style></head><body>"
        f'<div class="topbar"><span class="hash">#</span>{html.escape(conversation.channel)}</div>'
        f'<div class="messages">{messages}</div>{_MEASURE}</body></html>'
    )


# Playing the conversation against the emulator


@dataclass
class Recording:
    """The pages to photograph, by file stem."""

    pages: dict[str, Conversation] = field(default_factory=dict)


def _custom_id(message: Message, prefix: str) -> str:
    for row in message.get("components") or []:
        for item in row.get("components") or []:
            if str(item.get("custom_id", "")).startswith(prefix):
                return str(item["custom_id"])
    raise RuntimeError(f"the answer has no component {prefix}…; did the bot's view change?")


def _first_option(message: Message, prefix: str) -> str:
    for row in message.get("components") or []:
        for item in row.get("components") or []:
            if str(item.get("custom_id", "")).startswith(prefix):
                return str(item["options"][0]["value"])
    raise RuntimeError(f"the answer has no select {prefix}…")


async def play(index_dir: Path, embedder: Embedder) -> Recording:
    """Run the scripted conversation; pages are snapshots of what the channel showed."""
    recording = Recording()
    async with DiscordEmulator(heartbeat_interval=5) as emu:
        settings = emulator_settings(emu, index_dir)
        lena, theo = emu.add_user("lena"), emu.add_user("theo", locale="fr")
        names = {str(user.id): user.username for user in emu.world.users.values()}
        channel = emu.world.channel(emu.channel_id).name or "general"

        def page(ids: Sequence[str]) -> Conversation:
            everything = {str(m["id"]): m for m in emu.messages()}
            shown = [everything[i] for i in ids]
            return Conversation(shown, names, channel, everything)

        async with bot_on_emulator(emu, settings, embedder, timeout=60) as bot:
            asked = await emu.send_message(emu.channel_id, lena, MENTION_QUESTION)
            answer = await emu.wait_for_message(
                lambda m: is_reply_to(m, emu, asked["id"]), timeout=WAIT_SECONDS
            )
            recording.pages["answer"] = page([asked["id"], answer["id"]])

            done = bot.wait_for("app_command_completion", timeout=WAIT_SECONDS)
            record = await emu.invoke_slash("ask", {"question": SLASH_QUESTION}, theo, locale="fr")
            await done
            recording.pages["french"] = page([str(record.original_message_id)])

            answer_id = int(answer["id"])
            more = await emu.click_button(answer_id, _custom_id(answer, "qa:more:"), lena)
            await emu.wait_for_response(more)
            await emu.wait_until(lambda: emu.message(answer_id)["edits"], timeout=WAIT_SECONDS)
            paged = emu.message(answer_id)

            private: list[str] = []
            for click in (
                emu.click_button(answer_id, _custom_id(paged, "qa:ctx:"), lena),
                emu.click_button(answer_id, _custom_id(paged, "qa:vote:"), lena),
                emu.choose_select(
                    answer_id, _custom_id(paged, "qa:pick:"), [_first_option(paged, "qa:pick:")], lena
                ),
            ):
                clicked = await click
                await emu.wait_for_response(clicked)
                private.append(str(clicked.original_message_id))
            recording.pages["paging-and-feedback"] = page([answer["id"], *private])
        if emu.rejections:
            raise RuntimeError(f"the emulator refused some of the bot's requests: {emu.rejections}")
    return recording


# Screenshots


def _chromium(binary: str, *args: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        flags = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
        ]
        done = subprocess.run(
            [binary, *flags, *args], capture_output=True, text=True, timeout=120, check=True
        )
        return done.stdout


def screenshot(binary: str, page: Path, png: Path) -> None:
    """Photograph a page whole: measure its height first, then size the window to it."""
    url = page.resolve().as_uri()
    dom = _chromium(binary, f"--window-size={PAGE_WIDTH},600", "--dump-dom", url)
    found = re.search(r'data-height="(\d+)"', dom)
    height = int(found[1]) if found else 1200
    _chromium(binary, f"--screenshot={png.resolve()}", f"--window-size={PAGE_WIDTH},{height}", url)


def ensure_index(articles: Path, index_dir: Path, embedder: Embedder, settings: IndexSettings) -> None:
    if IndexLocation(index_dir).current_name() is None:
        print(f"building an index of {articles} at {index_dir}", file=sys.stderr)
        rebuild(articles, index_dir, embedder, build_options_from(settings))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="where the PNGs go")
    parser.add_argument(
        "--index", type=Path, default=ROOT / "var" / "transcript-index", help="index folder (built if empty)"
    )
    parser.add_argument("--articles", type=Path, default=ROOT / "articles", help="articles to index")
    parser.add_argument("--html", type=Path, default=ROOT / "var" / "transcript", help="where the pages go")
    args = parser.parse_args(argv)
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        print("chromium is not installed: run `apt-get install -y chromium`", file=sys.stderr)
        return 1
    logging.basicConfig(level=logging.WARNING)
    settings = IndexSettings(_env_file=None)  # type: ignore[call-arg]
    embedder = embedder_from(settings)
    ensure_index(args.articles, args.index, embedder, settings)
    recording = asyncio.run(play(args.index, embedder))
    args.out.mkdir(parents=True, exist_ok=True)
    args.html.mkdir(parents=True, exist_ok=True)
    for stem, conversation in recording.pages.items():
        page = args.html / f"{stem}.html"
        page.write_text(render_page(conversation), encoding="utf-8")
        screenshot(binary, page, args.out / f"{stem}.png")
        print(args.out / f"{stem}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
