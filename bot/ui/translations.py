"""French names and descriptions for the slash commands, through discord.py's translator."""

from __future__ import annotations

from discord import Locale, app_commands

# English source string → French. Command and option names follow Discord's rules (lower case, no spaces).
FRENCH: dict[str, str] = {
    "ask": "demander",
    "Ask a question; the bot answers by quoting the articles word for word.": (
        "Posez une question ; le bot répond en citant les articles mot pour mot."
    ),
    "question": "question",
    "Your question about the articles, in any language": "Votre question sur les articles, en toute langue",
    "since": "depuis",
    "Only articles published from then on: 2019, 2019-03, 2019-03-14, mars 2019, hier": (
        "Seulement les articles publiés depuis : 2019, 2019-03, 2019-03-14, mars 2019, hier"
    ),
    "until": "jusqu'à",
    "Only articles published until then: 2019, 2019-03, 2019-03-14, mars 2019": (
        "Seulement les articles publiés jusqu'à : 2019, 2019-03, 2019-03-14, mars 2019"
    ),
    "sources": "sources",
    "List the articles the bot has read.": "Liste les articles que le bot a lus.",
    "page": "page",
    "Which page of the list (15 articles a page)": "Quelle page de la liste (15 articles par page)",
    "help": "aide",
    "How to ask the bot a question.": "Comment poser une question au bot.",
    "reload": "recharger",
    "Load the newest published index without restarting (the bot's owners only).": (
        "Charge le dernier index publié sans redémarrer (propriétaires du bot seulement)."
    ),
    "stats": "statistiques",
    "Usage figures: questions, abstentions, latency, most-quoted articles, feedback.": (
        "Chiffres d'usage : questions, abstentions, latence, articles les plus cités, avis."
    ),
}

_FRENCH_LOCALES = {Locale.french}


class FrenchTranslator(app_commands.Translator):
    """Gives Discord a French name and description for every command, shown to French-locale users."""

    async def translate(
        self, string: app_commands.locale_str, locale: Locale, context: app_commands.TranslationContextTypes
    ) -> str | None:
        if locale in _FRENCH_LOCALES:
            return FRENCH.get(string.message)
        return None
