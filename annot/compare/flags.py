"""The fidelity flags of one machine translation, as the MT pane and compare show them: one wire form for both.

The flags are the projection's (``annot.project.fidelity``: ``lost``,
``changed``, ``wrong language``, ``number style``, ``time lost``, ``added``),
read per sentence and route from ``annot.project.cached.document_projection``
and turned into the wire form here (``fidelity_flag``), plus:

- **failed**: the engine failed on the sentence (a stage of its pipeline
  crashed on it: ``Store.get_translation_failures``), so there is no
  translation; its value the reason, one line (``failed_flag``).

``COMPARE_KINDS`` is every kind, in the order a sentence shows them, and
``kind_slug`` the one spelling of a kind in column names, CSS classes and
anchors (``wrong_language``).

A flag an annotator dismissed for a translation (``Store.dismiss_flag``) is
returned marked ``dismissed``; whoever shows flags decides what that means
(the pane can offer to take it back, compare does not count it).

annot 0.1's two heuristics (numbers compared, tagged actors' names looked up)
are gone: their flags, ``numbers`` and ``name``, are still read back from
stored decisions (``annot.model.FLAG_KINDS``) but no longer raised.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, TypedDict

from annot.model import flag_id
from annot.project.fidelity import FIDELITY_KINDS, dismissed_flags

if TYPE_CHECKING:
    from annot.project.fidelity import FidelityFlag

__all__ = [
    "COMPARE_KINDS", "Flag", "ReportFlag", "dismissed_flags", "failed_flag", "fidelity_flag", "kind_slug",
]  # fmt: skip

#: Every kind of flag compare counts and filters by, in the order a sentence shows them: the projection's
#: (``annot.project.fidelity.FIDELITY_KINDS``), then ``failed``.
COMPARE_KINDS = (*FIDELITY_KINDS, "failed")


class Flag(TypedDict):
    """One fidelity flag on one translation, as the MT pane shows it (a wire message to the browser).

    ``id`` is stable (``annot.model.flag_id``: kind and value): the browser sends
    it back to dismiss the flag or take the dismissal back.
    """

    id: str  # "changed:minsk authorities -> minsk las potestades", "failed:ru>uk: apertium rus-ukr ..."
    kind: str  # annot.model.FLAG_KINDS: a projection flag (annot.project.fidelity.FIDELITY_KINDS) or "failed"
    value: str  # the numbers' difference, the actor's canonical name (else its text), or why the engine failed
    text: str  # the chip: "numbers: missing 19; added 91", "Valeri Revenko", "engine failed: ru>uk: apertium ..."
    title: str  # the tooltip: what is wrong and what can be done
    aliasable: bool  # a name flag: the name used in the translation can become an alias of ``value``
    dismissed: bool  # an annotator said the translation is right (Store.dismiss_flag)
    start: int | None  # where in the translation (code points), None when nothing is there (lost, failed)
    end: int | None
    span_id: str | None  # the source span it concerns, if any


class ReportFlag(Flag):
    """A flag as compare's frame holds it (``flags.E``): the wire form, and the projection's one line on it."""

    detail: str  # what is wrong, without advice: 'left in English: "Belarusian"'; for a failure, its reason


#: The chip's words for each projection flag kind.
_CHIPS = {"lost": "lost", "changed": "changed", "wrong language": "wrong language", "number style": "number style",
          "time lost": "time lost", "added": "added", "disputed": "disputed"}  # fmt: skip
_ADVICE = {
    "lost": "Nothing in the translation stands for it.",
    "changed": "The translation says it otherwise.",
    "wrong language": "A word is left in the source's or a pivot's language.",
    "number style": "A reader of the target language reads this number otherwise.",
    "time lost": "A weekday or date of the source is missing.",
    "added": "The translation has this and the source does not.",
    "disputed": "Every other translation says this otherwise: check the word's sense.",
}


def fidelity_flag(flag: FidelityFlag, dismissed: Collection[str] = (), *, source_text: str = "",
                  label: str = "") -> Flag:  # fmt: skip
    """The wire form of a projection flag (``annot.project.fidelity.FidelityFlag``) for the MT pane and compare.

    Args:
        flag: the flag.
        dismissed: ids of the flags dismissed on this translation.
        source_text: the source unit's text, when the flag is about one (the chip names it).
        label: the source span's label (a lost or renamed ACTOR can take the translation's name as an alias).
    """
    ident = flag_id(flag.kind, flag.value)
    # A lost or changed unit is named by its source words; a word found in the translation by itself.
    about = (source_text if flag.kind in ("lost", "changed") else "") or flag.text or source_text or flag.value
    text = f"{_CHIPS.get(flag.kind, flag.kind)}: {about}"
    advice, detail = _ADVICE.get(flag.kind, ""), " ".join(flag.detail.split())
    if detail and detail.rstrip(".").casefold() != advice.rstrip(".").casefold():
        advice = f"{advice} {detail[:1].upper()}{detail[1:]}".strip()
    title = f"{advice.rstrip('.')}. Dismiss this flag if the translation is right."
    aliasable = label == "ACTOR" and flag.kind in ("lost", "changed")
    return Flag(id=ident, kind=flag.kind, value=flag.value, text=text, title=title, aliasable=aliasable,
                dismissed=ident in dismissed, start=flag.start, end=flag.end, span_id=flag.span_id)  # fmt: skip


def kind_slug(kind: str) -> str:
    """A flag kind as one word, for column names, CSS classes and anchors: ``wrong language`` -> ``wrong_language``."""
    return "_".join(kind.split())


def failed_flag(reason: str, dismissed: Collection[str] = ()) -> Flag:
    """The flag of a sentence the engine failed on: there is no translation, and ``reason`` says why (one line).

    Args:
        reason: why (``TranslationFailure.reason``).
        dismissed: ids of the flags dismissed on this route's translation of the sentence.
    """
    value = " ".join(reason.split())
    ident = flag_id("failed", value)
    title = (f"The engine failed on this sentence, so it has no translation: {value}. The other sentences were"
             " translated; another engine may translate this one. Dismiss this flag to stop counting it.")  # fmt: skip
    return Flag(id=ident, kind="failed", value=value, text=f"engine failed: {value}", title=title, aliasable=False,
                dismissed=ident in dismissed, start=None, end=None, span_id=None)  # fmt: skip
