"""Serbian Cyrillic to Serbian Latin (Gaj's alphabet), letter for letter, for engines that read Latin only.

The mapping is the standard one both scripts are taught with: 30 letters each
way, 27 of them single letters and three digraphs (``Љ`` lj, ``Њ`` nj, ``Џ``
dž). It is written here by hand rather than run through Apertium's
``Cyrl-Latn`` mode (shipped with apertium-hbs-eng only): that mode writes a
digraph in title case inside a word in capitals (``ЉУБЉАНА`` -> ``LjUBLjANA``),
costs a process per batch, and is missing when only hbs-slv or hbs-mkd is
installed. A table of 30 letters does not drift; there is nothing to update.

Only Serbian letters change: other Cyrillic (Russian ``ы``, ``щ``, ``ё``;
Macedonian ``ѓ``, ``ќ``, ``ѕ``) and every non-Cyrillic character pass through,
so a Russian name quoted in a Serbian text keeps its own letters, and a text in
Latin comes back unchanged (the same string).
"""

from __future__ import annotations

import re

__all__ = ["SERBIAN_CYRILLIC", "has_serbian_cyrillic", "to_serbian_latin"]

_LOWER = dict(
    zip(
        "абвгдђежзијклљмнњопрстћуфхцчџш",
        "a b v g d đ e ž z i j k l lj m n nj o p r s t ć u f h c č dž š".split(),
        strict=True,
    )
)
# A digraph letter alone, or before a lowercase letter, is written in title case (Љубљана -> Ljubljana);
# only in a word in capitals is it all capitals (ЉУБЉАНА -> LJUBLJANA): see _digraph.
_TABLE = {**_LOWER, **{cyr.upper(): lat.capitalize() for cyr, lat in _LOWER.items()}}

#: The 60 letters (30 lowercase, 30 capitals) of the Serbian Cyrillic alphabet.
SERBIAN_CYRILLIC = frozenset(_TABLE)

_TRANSLATE = str.maketrans(_TABLE)
_CAPITAL_DIGRAPH = re.compile("[ЉЊЏ]")
_ANY = re.compile(f"[{''.join(sorted(SERBIAN_CYRILLIC))}]")


def _digraph(match: re.Match[str]) -> str:
    text, at = match.string, match.start()
    after = text[at + 1 : at + 2]
    # The next letter decides (ЉУ, Љу); at a word's end, the one before it (КРАЉ -> KRALJ).
    capitals = after.isupper() if after.isalpha() else text[at - 1 : at].isupper()
    latin = _TABLE[match.group()]
    return latin.upper() if capitals else latin


def has_serbian_cyrillic(text: str) -> bool:
    """Whether ``text`` holds at least one letter of the Serbian Cyrillic alphabet."""
    return _ANY.search(text) is not None


def to_serbian_latin(text: str) -> str:
    """``text`` with each Serbian Cyrillic letter written in Serbian Latin.

    ``Љубљана`` -> ``Ljubljana``, ``ЉУБЉАНА`` -> ``LJUBLJANA``, ``Ђорђе Ћирић`` ->
    ``Đorđe Ćirić``. Other characters, other Cyrillic letters included, are kept.
    The result may be longer than ``text`` (digraphs): offsets into it are not
    offsets into ``text``.

    Args:
        text: any text.

    Returns:
        The converted text; ``text`` itself when it holds no Serbian Cyrillic letter.
    """
    if not has_serbian_cyrillic(text):
        return text
    return _CAPITAL_DIGRAPH.sub(_digraph, text).translate(_TRANSLATE)
