"""The fidelity flags of one machine translation -- numbers changed, actors lost -- for the MT pane and compare alike.

One rule, called from both places (``annot.annotate.mt.mt_rows`` and
``annot.compare.compare``):

- **numbers**: one flag when the numbers of the source and the translation
  differ (``annot.translate.check_numbers``, locale-aware), its value the
  difference (``missing 19; added 91``);
- **name**: one flag per tagged actor of the sentence (every ACTOR, whatever
  its type) none of whose names survives in the translation: its text, its
  canonical name, their CLDR names in the target language and the project's
  ``[aliases]`` (``annot.compare.aliases``). The flag is named by the actor's
  canonical name, else its text, and can become an alias
  (``annot.compare.aliases.add_alias``);
- **failed**: the engine failed on the sentence (a stage of its pipeline
  crashed on it: ``Store.get_translation_failures``), so there is no
  translation; its value the reason, one line (``failed_flag``).

A flag an annotator dismissed for a translation (``Store.dismiss_flag``) is
returned marked ``dismissed``; whoever shows flags decides what that means
(the pane can offer to take it back, compare does not count it).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Literal, TypedDict

from annot.compare.aliases import Actor, lost_actors
from annot.model import flag_id
from annot.translate import check_numbers

if TYPE_CHECKING:
    from annot.store import Store

__all__ = ["Flag", "dismissed_flags", "failed_flag", "translation_flags"]

_SHOWN_NAMES = 6  # names listed in a name flag's tooltip


class Flag(TypedDict):
    """One fidelity flag on one translation, as the MT pane shows it (a wire message to the browser).

    ``id`` is stable (``annot.model.flag_id``: kind and value): the browser sends
    it back to dismiss the flag or take the dismissal back.
    """

    id: str  # "numbers:missing 19; added 91", "name:valeri revenko", "failed:ru>uk: apertium rus-ukr ..."
    kind: Literal["numbers", "name", "failed"]
    value: str  # the numbers' difference, the actor's canonical name (else its text), or why the engine failed
    text: str  # the chip: "numbers: missing 19; added 91", "Valeri Revenko", "engine failed: ru>uk: apertium ..."
    title: str  # the tooltip: what is wrong and what can be done
    aliasable: bool  # a name flag: the name used in the translation can become an alias of ``value``
    dismissed: bool  # an annotator said the translation is right (Store.dismiss_flag)


def _numbers_flag(value: str, dismissed: Collection[str]) -> Flag:
    ident = flag_id("numbers", value)
    title = (f"The numbers differ from the source's: {value}. Dismiss this flag if the translation is right"
             " (a number written in words, a date written another way).")  # fmt: skip
    return Flag(id=ident, kind="numbers", value=value, text=f"numbers: {value}", title=title, aliasable=False,
                dismissed=ident in dismissed)  # fmt: skip


def _name_flag(actor: Actor, dismissed: Collection[str]) -> Flag:
    ident = flag_id("name", actor.label)
    names = sorted(actor.names, key=str.casefold)
    listed = ", ".join(names[:_SHOWN_NAMES]) + (", ..." if len(names) > _SHOWN_NAMES else "")
    title = (f"None of the names of {actor.label} ({listed}) is in this translation. If it names {actor.label}"
             " another way, add that name as an alias; if the translation is right, dismiss this flag.")  # fmt: skip
    return Flag(id=ident, kind="name", value=actor.label, text=actor.label, title=title, aliasable=True,
                dismissed=ident in dismissed)  # fmt: skip


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
                dismissed=ident in dismissed)  # fmt: skip


def translation_flags(
    source: str, translation: str, actors: Iterable[Actor], dismissed: Collection[str] = ()
) -> list[Flag]:
    """The flags of one translation of one sentence: numbers first, then each lost actor in sentence order.

    Args:
        source: the source sentence.
        translation: its translation.
        actors: the sentence's tagged actors in the translation's language
            (``annot.compare.aliases.sentence_actors``).
        dismissed: ids of the flags dismissed on this translation (``dismissed_flags``).

    Returns:
        The flags, dismissed ones included (``dismissed`` True).
    """
    flags = []
    check = check_numbers(source, translation)
    if not check.ok:
        flags.append(_numbers_flag(check.describe(), dismissed))
    flags += [_name_flag(actor, dismissed) for actor in lost_actors(actors, translation)]
    return flags


def dismissed_flags(store: Store, doc_id: str, index: int | None = None) -> Mapping[tuple[int, str], frozenset[str]]:
    """(sentence, route name) -> the ids of the flags dismissed on that translation of document ``doc_id``.

    Args:
        store: the project.
        doc_id: the document version.
        index: only this sentence's.
    """
    decisions = store.flag_decisions(doc_id)
    found: dict[tuple[int, str], set[str]] = {}
    for sentence, route, ident in zip(decisions["index"], decisions["route"], decisions["flag_id"]):
        if index is None or sentence == index:
            found.setdefault((int(sentence), str(route)), set()).add(str(ident))
    return {key: frozenset(ids) for key, ids in found.items()}
