"""The bot's own words in English and French, chosen from the user's Discord locale."""

from __future__ import annotations

import re
from datetime import date, timedelta

from index import Period, stored_day

_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "dms_off": "I don't answer questions in direct messages here; ask in the server.",
        "channel_not_allowed": "I only answer questions in the channels my operators chose.",
        "empty_question": "Ask me a question after mentioning me, for example: "
        "@{bot} What did Russia ask China for?",
        "question_too_long": "That question is {length} characters long; please ask in at most {limit}.",
        "invalid_text": "That question holds bytes that are not valid UTF-8 text; please type it again.",
        "empty_question_terminal": 'Ask a question, for example: qa-bot ask "What did Russia ask China for?"',
        "cooldown": "Please wait {seconds} s before asking another question.",
        "no_index": "I can't answer yet: {problem}.",
        "error": "Something went wrong while answering; the operators can find details in the bot's log.",
        "follow_up_of": "↪ Follow-up to: {question}",
        "newest_quote": "newest quote: {age}",
        "period": "period: {period}",
        "also_in": "also in: {outlets}",
        "article_count": "({count} articles)",
        "period_none": "no quote from the period asked ({period}); quotes from other dates",
        "bad_period": "“{value}” is not a date: write a year, a month or a day "
        "(2019, 2019-03 or 2019-03-14).",
        "empty_period": "`since` is after `until`: nothing was published in between.",
        "no_answer": "I found no passage in the articles that answers this well enough to quote. "
        "Try other words, or ask about a topic the articles cover (`/sources` lists them).",
        "answer_header": "{count} passage(s) quoted word for word from the articles · confidence: "
        "{confidence} ({percent})",
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
        "passage_confidence": "confidence {percent}",
        "percent": "{value}%",
        "reload_denied": "Only the bot's owners can reload the index (it changes it for every server).",
        "role_mention_unreadable": "I can't read a message that only mentions my role: mention me "
        "(@{bot}) or use /ask.",
        "more_passages": "More passages",
        "context": "Context",
        "answer_expired": "This answer has expired; ask the question again.",
        "no_more_passages": "There are no more passages for this question.",
        "thanks_vote": "Thanks, your vote is noted.",
        "thanks_pick": "Thanks: passage {rank} is noted as the right one.",
        "pick_placeholder": "Which passage answered the question?",
        "feedback_off": "Feedback collection is turned off on this server.",
        "stats_denied": "Only members with the Manage Server permission can see usage figures.",
        "stats": "**Usage** · {questions} questions, {abstentions} without a relevant passage, "
        "{last_day} in the last 24 h · median {median_ms:.0f} ms (p95 {p95_ms:.0f} ms)\n"
        "**Feedback** · 👍 {up} · 👎 {down} · passages chosen {choices}\n**Most quoted**\n{quoted}",
        "stats_off": "Answers are not being recorded, so there are no usage figures.",
        "stats_index": "**Index** · version {version}, built {built}, loaded {loaded}",
        "stats_no_index": "**Index** · none loaded: {problem}",
        "stats_reload_error": "**Last reload error** ({when}) · {error}",
        "thread_opened": "Answer in the thread below: {question}",
    },
    "fr": {
        "dms_off": "Je ne réponds pas en message privé ici ; posez la question sur le serveur.",
        "channel_not_allowed": "Je réponds seulement dans les salons choisis par les modérateurs.",
        "empty_question": "Posez-moi une question après m'avoir mentionné, par exemple : "
        "@{bot} Qu'est-ce que la Russie a demandé à la Chine ?",
        "question_too_long": "Cette question fait {length} caractères ; posez-la en {limit} au plus.",
        "invalid_text": "Cette question contient des octets qui ne sont pas du texte UTF-8 ; retapez-la.",
        "empty_question_terminal": "Posez une question, par exemple : "
        'qa-bot ask "Qu\'est-ce que la Russie a demandé à la Chine ?"',
        "cooldown": "Merci d'attendre {seconds} s avant de poser une autre question.",
        "no_index": "Je ne peux pas encore répondre : {problem}.",
        "error": "Une erreur est survenue ; les opérateurs trouveront le détail dans le journal du bot.",
        "follow_up_of": "↪ Suite de : {question}",
        "newest_quote": "citation la plus récente : {age}",
        "period": "période : {period}",
        "also_in": "aussi dans : {outlets}",
        "article_count": "({count} articles)",
        "period_none": "aucune citation de la période demandée ({period}) ; citations d'autres dates",
        "bad_period": "« {value} » n'est pas une date : écrivez une année, un mois ou un jour "
        "(2019, 2019-03 ou 2019-03-14).",
        "empty_period": "`depuis` est après `jusqu'à` : rien n'a été publié entre les deux.",
        "no_answer": "Je n'ai trouvé aucun passage des articles qui réponde assez bien pour le citer. "
        "Essayez d'autres mots, ou un sujet couvert par les articles (`/sources` les liste).",
        "answer_header": "{count} passage(s) cité(s) mot pour mot · confiance : {confidence} ({percent})",
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
        "passage_confidence": "confiance {percent}",
        "percent": "{value} %",
        "reload_denied": "Seuls les propriétaires du bot peuvent recharger l'index "
        "(il change pour tous les serveurs).",
        "role_mention_unreadable": "Je ne peux pas lire un message qui mentionne seulement mon rôle : "
        "mentionnez-moi (@{bot}) ou utilisez /ask.",
        "more_passages": "Plus de passages",
        "context": "Contexte",
        "answer_expired": "Cette réponse a expiré ; posez à nouveau la question.",
        "no_more_passages": "Il n'y a pas d'autre passage pour cette question.",
        "thanks_vote": "Merci, votre vote est enregistré.",
        "thanks_pick": "Merci : le passage {rank} est noté comme le bon.",
        "pick_placeholder": "Quel passage répondait à la question ?",
        "feedback_off": "La collecte des avis est désactivée sur ce serveur.",
        "stats_denied": "Seuls les membres ayant la permission Gérer le serveur voient les statistiques.",
        "stats": "**Utilisation** · {questions} questions, {abstentions} sans passage pertinent, "
        "{last_day} ces dernières 24 h · médiane {median_ms:.0f} ms (p95 {p95_ms:.0f} ms)\n"
        "**Avis** · 👍 {up} · 👎 {down} · passages choisis {choices}\n**Les plus cités**\n{quoted}",
        "stats_off": "Les réponses ne sont pas enregistrées : pas de statistiques d'usage.",
        "stats_index": "**Index** · version {version}, construit {built}, chargé {loaded}",
        "stats_no_index": "**Index** · aucun chargé : {problem}",
        "stats_reload_error": "**Dernière erreur de rechargement** ({when}) · {error}",
        "thread_opened": "Réponse dans le fil ci-dessous : {question}",
    },
}


_FRENCH_WORDS = frozenset(
    "le la les des du de est que qu quoi quel quelle quels quelles où pourquoi comment combien "
    "une un et au aux ce cette ces il elle ils sont a ont qui dans pour sur avec "
    # what people type in chat
    "merci bonjour bonsoir salut oui non svp stp pk pq koi kel cest ça ca je tu nous vous mais".split()
)
# Letters English never uses: one of them tips a short message towards French.
_FRENCH_LETTERS = frozenset("àâçéèêëîïôùûœ")
_ENGLISH_WORDS = frozenset(
    "the what who whom where when why how which is are was were did does do of and an to in "
    "for on with has have".split()
)


def guess_locale(question: str, fallback: str | None) -> str | None:
    """'fr' or 'en' from the question's own words (a mention carries no user locale), else the fallback."""
    words = re.findall(r"[a-zàâäçéèêëîïôöùûüœ]+", question.lower())
    french = sum(word in _FRENCH_WORDS for word in words) + any(
        c in _FRENCH_LETTERS for c in question.lower()
    )
    english = sum(word in _ENGLISH_WORDS for word in words)
    if french > english:
        return "fr"
    if english > french:
        return "en"
    return fallback


def message_locale(question: str, server_locale: str | None) -> str | None:
    """The language of a reply to a mention or a DM: the server's preferred one, else the question's."""
    return server_locale or guess_locale(question, None)


_MONTHS = {
    "en": "January February March April May June July August September October November December".split(),
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
}


def format_date(value: str | None, locale: str | None) -> str:
    """An ISO date as people write it ("14 mars 2022", "14 March 2022"); other text as it is."""
    day = stored_day(value)
    if day is None:
        return value or ""
    first = "1er" if day.day == 1 and language_of(locale) == "fr" else str(day.day)
    return f"{first} {_MONTHS[language_of(locale)][day.month - 1]} {day.year}"


# (days at least, unit in days, English unit, French unit): "3 weeks ago", "il y a 3 semaines".
_AGES = (
    (730, 365, "year", "an"),
    (60, 30, "month", "mois"),
    (14, 7, "week", "semaine"),
    (2, 1, "day", "jour"),
)


def format_age(value: str | None, today: date, locale: str | None) -> str:
    """How long ago an ISO date was, as people say it ("3 days ago", "il y a 2 mois"); the date
    itself when it is in the future or not a date."""
    day = stored_day(value)
    french = language_of(locale) == "fr"
    if day is None or day > today:
        return format_date(value, locale)
    days = (today - day).days
    if days < 2:
        return ("aujourd'hui", "hier")[days] if french else ("today", "yesterday")[days]
    for least, unit, english, french_unit in _AGES:
        if days >= least:
            count = days // unit
            if french:
                plural = "" if count == 1 or french_unit.endswith("s") else "s"
                return f"il y a {count} {french_unit}{plural}"
            return f"{count} {english}{'' if count == 1 else 's'} ago"
    raise AssertionError("unreachable: the last unit starts at 2 days")


def format_period(period: Period, locale: str | None) -> str:
    """A period as people name it: "mars 2019", "2020", "14 mars 2022", "du 1er mars au 30 juin 2019"."""
    start, end, unit = period.start, period.end, period.unit
    months = _MONTHS[language_of(locale)]
    if unit == "year":
        return str(start.year)
    if unit == "month":
        return f"{months[start.month - 1]} {start.year}"
    first, last = format_date(start.isoformat(), locale), format_date(end.isoformat(), locale)
    if start == end:
        return first
    french = language_of(locale) == "fr"
    if start == date.min:
        limit = format_date((end + timedelta(days=1)).isoformat(), locale)
        return f"avant le {limit}" if french else f"before {limit}"
    if end == date.max:
        return f"depuis le {first}" if french else f"since {first}"
    return f"du {first} au {last}" if french else f"{first} to {last}"


def language_of(locale: str | None) -> str:
    """'fr' for any French Discord locale, else English."""
    return "fr" if locale and str(locale).lower().startswith("fr") else "en"


def text(key: str, locale: str | None = None, **values: object) -> str:
    """The sentence for `key` in the user's language, with values filled in."""
    template = _TEXTS[language_of(locale)].get(key) or _TEXTS["en"][key]
    return template.format(**values)
