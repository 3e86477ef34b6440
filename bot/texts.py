"""The bot's own words in English and French, chosen from the user's Discord locale."""

from __future__ import annotations

_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "dms_off": "I don't answer questions in direct messages here; ask in the server.",
        "channel_not_allowed": "I only answer questions in the channels my operators chose.",
        "empty_question": "Ask me a question after mentioning me, for example: "
        "@{bot} What did Russia ask China for?",
        "question_too_long": "That question is {length} characters long; please ask in at most {limit}.",
        "cooldown": "Please wait {seconds} s before asking another question.",
        "no_index": "I can't answer yet: {problem}.",
        "error": "Something went wrong while answering; the operators can find details in the bot's log.",
        "no_answer": "I found no passage in the articles that answers this well enough to quote. "
        "Try other words, or ask about a topic the articles cover (`/sources` lists them).",
        "answer_header": "{count} passage(s) quoted word for word from the articles · confidence: "
        "{confidence} ({score:.2f})",
        "confidence_high": "high",
        "confidence_medium": "medium",
        "confidence_low": "low",
        "help": "Ask a question about the articles with `/ask question:` or by mentioning me "
        "(@{bot} your question). I answer only by quoting passages of the articles word for word, "
        "with where each quote comes from; when nothing is relevant enough, I say so. "
        "`/sources` lists the articles I have read.",
        "sources_header": "{count} article(s) indexed · page {page} of {pages}",
        "sources_empty": "No articles are indexed yet.",
        "passages_count": "{count} passages",
        "reload_denied": "Only members with the Manage Server permission can reload the index.",
        "more_passages": "More passages",
        "context": "Context",
    },
    "fr": {
        "dms_off": "Je ne réponds pas en message privé ici ; posez la question sur le serveur.",
        "channel_not_allowed": "Je réponds seulement dans les salons choisis par les modérateurs.",
        "empty_question": "Posez-moi une question après m'avoir mentionné, par exemple : "
        "@{bot} Qu'est-ce que la Russie a demandé à la Chine ?",
        "question_too_long": "Cette question fait {length} caractères ; posez-la en {limit} au plus.",
        "cooldown": "Merci d'attendre {seconds} s avant de poser une autre question.",
        "no_index": "Je ne peux pas encore répondre : {problem}.",
        "error": "Une erreur est survenue ; les opérateurs trouveront le détail dans le journal du bot.",
        "no_answer": "Je n'ai trouvé aucun passage des articles qui réponde assez bien pour le citer. "
        "Essayez d'autres mots, ou un sujet couvert par les articles (`/sources` les liste).",
        "answer_header": "{count} passage(s) cité(s) mot pour mot · confiance : {confidence} ({score:.2f})",
        "confidence_high": "élevée",
        "confidence_medium": "moyenne",
        "confidence_low": "faible",
        "help": "Posez une question sur les articles avec `/ask question:` ou en me mentionnant "
        "(@{bot} votre question). Je réponds uniquement en citant mot pour mot des passages des "
        "articles, avec leur source ; si rien n'est assez pertinent, je le dis. "
        "`/sources` liste les articles que j'ai lus.",
        "sources_header": "{count} article(s) indexé(s) · page {page} sur {pages}",
        "sources_empty": "Aucun article n'est encore indexé.",
        "passages_count": "{count} passages",
        "reload_denied": "Seuls les membres ayant la permission Gérer le serveur peuvent recharger l'index.",
        "more_passages": "Plus de passages",
        "context": "Contexte",
    },
}


def language_of(locale: str | None) -> str:
    """'fr' for any French Discord locale, else English."""
    return "fr" if locale and str(locale).lower().startswith("fr") else "en"


def text(key: str, locale: str | None = None, **values: object) -> str:
    """The sentence for `key` in the user's language, with values filled in."""
    template = _TEXTS[language_of(locale)].get(key) or _TEXTS["en"][key]
    return template.format(**values)
