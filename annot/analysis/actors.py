"""One name per actor across documents and languages: the canonical name annotators gave, or the one it names.

An ACTOR span's ``canonical`` attribute is its identity ("Минобороны Беларуси"
-> "Belarusian Defense Ministry"). A span without one is matched against the
canonical names of the corpus through ``annot.names``: CLDR place names, the
project's ``[aliases]`` and transliteration with case endings cut, so that
"Білорусі" and "Bielorrusia" find "Belarus". A place no canonical name
matches takes its English name from CLDR ("Мінськ" -> "Minsk"); what matches
nothing keeps its own text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from annot.names import NAME_WORD, NameFinder, aliases, name_key, name_lemmas, name_stem

__all__ = ["ActorNames"]


class ActorNames:
    """The corpus's canonical actor names, and the name any actor text stands for.

    Args:
        canonical: the canonical names annotators gave (any order, repeats allowed).
        languages: the languages of the texts to read (their CLDR names and aliases are indexed).
        project_aliases: the project's ``[aliases]`` table (``annot.names.read_aliases``).
    """

    def __init__(
        self, canonical: Iterable[str], languages: Iterable[str], project_aliases: Mapping[str, list[str]] | None = None
    ) -> None:
        self._names = {name_key(n): n.strip() for n in canonical if n and n.strip()}
        self._finder = NameFinder()
        self._cache: dict[tuple[str, str], str] = {}
        langs = tuple(dict.fromkeys(languages))
        for key, name in self._names.items():
            forms = {name}
            for lang in langs:
                forms |= aliases(name, lang, project_aliases)
            for form in forms:
                self._finder.add(form, name)
            self._names.setdefault(key, name)

    def name(self, text: str, lang: str, canonical: str | None = None) -> str:
        """The actor's one name: ``canonical`` when given, else the corpus name ``text`` stands for, else ``text``."""
        if canonical and canonical.strip():
            return self._names.get(name_key(canonical), canonical.strip())
        text = " ".join(text.split())
        known = self._cache.get((text, lang))
        if known is None:
            known = self._names.get(name_key(text)) or self._find(text, lang) or self._english(text, lang) or text
            self._cache[(text, lang)] = known
        return known

    def _english(self, text: str, lang: str) -> str | None:
        """The English name CLDR gives a place written in ``lang`` ("Мінськ" -> "Minsk"), or ``None``."""
        words = text.split()
        lemmas = name_lemmas(text, lang) if len(words) == 1 else ()  # "Києві" is Київ
        for form in (text, *lemmas):
            for name in sorted(aliases(form, "en", languages=(lang,))):
                if name_key(name) != name_key(form) and name.isascii():
                    return self._names.get(name_key(name), name)
        return None

    def _find(self, text: str, lang: str) -> str | None:
        words = NAME_WORD.findall(text)
        if not words:
            return None
        stems = [(name_stem(w), *(name_stem(lemma) for lemma in name_lemmas(w, lang))) for w in words]
        found = self._finder.find(words, stems)
        best = max(found, key=lambda f: (f[1] - f[0], -f[0]), default=None)
        # Only a name that is most of the text: "Ministerio de Defensa de Bielorrusia" is a ministry, not Belarus.
        if best is None or 3 * (best[1] - best[0]) < 2 * len(words):
            return None
        return str(best[2])
