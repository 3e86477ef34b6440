"""Who may ask, where, and how often."""

from __future__ import annotations

from bot.guards import Cooldown, QuestionPolicy, check_question


def test_too_long_question_is_refused_with_its_length():
    refusal = check_question("x" * 6000, 1, False, QuestionPolicy(max_chars=500))
    assert refusal is not None and refusal.key == "question_too_long"
    assert refusal.values == {"length": 6000, "limit": 500}


def test_channel_allow_list_and_dms():
    policy = QuestionPolicy(allowed_channels={1}, allow_dms=False)
    assert check_question("q ?", 1, False, policy) is None
    assert check_question("q ?", 2, False, policy).key == "channel_not_allowed"
    assert check_question("q ?", None, True, policy).key == "dms_off"
    assert check_question("q ?", 2, False, QuestionPolicy()) is None


def test_empty_question_is_refused():
    assert check_question("   ", 1, False, QuestionPolicy()).key == "empty_question"


def test_cooldown_is_per_user_and_expires():
    now = [100.0]
    cooldown = Cooldown(10, clock=lambda: now[0])
    assert cooldown.check(1) is None
    assert cooldown.check(2) is None
    refusal = cooldown.check(1)
    assert refusal is not None and refusal.values == {"seconds": 10}
    now[0] += 10.5
    assert cooldown.check(1) is None


def test_mention_language_follows_the_question():
    from bot.ui.texts import guess_locale

    assert guess_locale("Qu'est-ce que la Russie a demandé à la Chine ?", "en-US") == "fr"
    assert guess_locale("What did Russia ask China for?", "fr") == "en"
    assert guess_locale("Xi Jinping ?", "fr") == "fr"
