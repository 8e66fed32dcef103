"""The names an actor may rightly take in another language: the write side of the names policy.

A translation that writes "Bielorrússia" for "Belarus" or "Moscou" for "Moscow"
keeps the actor. Which names name the same (CLDR place names through Babel, the
project's ``[aliases]`` table in ``annot.toml``) is ``annot.names``; this module
adds to the project's table (``add_alias``: the MT pane's "turn into alias",
keeping the rest of the file as it was written) and reads a document's tagged
actors (``span_actors``, ``sentence_actors``).

Whether a translation keeps a tagged actor is projection's to say
(``annot.project``: its names in the target language, inflected or
transliterated, or where the word aligner puts it).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annot.errors import OutputError, SchemaError
from annot.fileio import atomic_text_file
from annot.names import aliases, name_key, read_aliases
from annot.schema import PROJECT_FILE, project_folder

if TYPE_CHECKING:
    from annot.model import Document, Span
    from annot.store import Store

__all__ = ["Actor", "PROJECT_FILE", "add_alias", "sentence_actors", "span_actors"]


def add_alias(project: Store | str | Path, name: str, alias: str) -> list[str]:
    """Make ``alias`` another name of ``name`` in the project's ``[aliases]`` table; return the group.

    A name already in a group (as key or value, accents and case aside) takes
    the other one into that group; else a new entry ``"name" = ["alias"]`` is
    added. The rest of ``annot.toml`` -- comments, order, layout -- is kept as
    written (tomlkit), and the file is replaced atomically. Every check reads
    the file afresh (nothing is cached), so the next MT pane row or
    ``compare`` uses the alias.

    Args:
        project: the store, or the project folder.
        name: the actor's name, as its flag names it (``Flag["value"]``: its canonical name, else its text).
        alias: the name a translation gives it ("Valeri Revenco").

    Returns:
        The group's names after the change, its key first (unchanged when both were in it already).

    Raises:
        SchemaError: a blank name, the same name twice, or an invalid ``annot.toml``; nothing was written.
        OutputError: the project file cannot be written (a read-only project, or a store opened
            ``read_only``); it is unchanged.
    """
    import tomlkit

    folder = project_folder(project)
    path = folder / PROJECT_FILE
    name, alias = " ".join(name.split()), " ".join(alias.split())
    if not name or not alias:
        raise SchemaError(
            f"An alias needs two names, got name={name!r} and alias={alias!r}: pass the actor's name and the name"
            " the translation gives it, e.g. add_alias(store, 'Valeri Revenko', 'Valeri Revenco')."
        )
    if name_key(name) == name_key(alias):
        raise SchemaError(
            f"{alias!r} is the name {name!r} itself (accents and case aside), so it is found already;"
            " an alias is another name, e.g. add_alias(store, 'Belarus', 'Bielorrússia')."
        )
    if getattr(project, "read_only", False):
        raise OutputError(
            f"Cannot write {path}: the project was opened read-only (read_only=True); nothing was changed."
            f" Open it for writing to add an alias: Store({str(folder)!r})."
        )
    read_aliases(folder)  # the table as every reader sees it: refused here when invalid
    document = tomlkit.parse(path.read_text("utf-8")) if path.is_file() else tomlkit.document()
    if "aliases" not in document:
        document.add("aliases", tomlkit.table())
    table = document["aliases"]
    head = next((h for h in table if name_key(name) in _group_keys(h, table[h])), None)
    if head is None:
        head = next((h for h in table if name_key(alias) in _group_keys(h, table[h])), None)
    if head is None:
        head, added, members = name, [alias], tomlkit.array()
        table[name] = members  # type: ignore[index]
    else:
        members = table[head]  # type: ignore[index]
        added = [n for n in (name, alias) if name_key(n) not in _group_keys(head, members)]
        if added and isinstance(members, str):  # "Minsk" = "Minsque", as read_aliases allows
            old, members = str(members), tomlkit.array()
            members.append(old)
            table[head] = members  # type: ignore[index]
    for new in added:
        members.append(new)  # appended as the array is written (double quotes, on its line or lines)
    if added:
        with atomic_text_file(path) as out:
            out.write(tomlkit.dumps(document))
        with _actors_lock:
            _actors_cache.clear()
    return [str(head), *_members(table[head])]  # type: ignore[index]


def _members(value: object) -> list[str]:
    """The names of a group's value: a list, or one name (``"Minsk" = "Minsque"``)."""
    return [str(value)] if isinstance(value, str) else [str(n) for n in value]  # type: ignore[attr-defined]


def _group_keys(head: str, members: object) -> set[str]:
    return {name_key(n) for n in [head, *_members(members)]}


# -- the actors of a document ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Actor:
    """A tagged actor of a sentence: its text as written, its canonical name, and every name that keeps it.

    Attributes:
        name: the text of its first mention in the sentence.
        names: its texts and canonical name in the sentence, and their aliases in the target language.
        canonical: its canonical name ("" when none was given).
    """

    name: str
    names: frozenset[str]
    canonical: str = ""

    @property
    def label(self) -> str:
        """What the actor is called in flags and columns: its canonical name, else its text."""
        return self.canonical or self.name


# A document's actors are read again only when the store or the project file changed: the MT pane
# asks on every move, and reading a long document's spans takes tens of milliseconds.
_actors_cache: weakref.WeakKeyDictionary[Store, dict[tuple[str, str], tuple[object, dict[int, list[Actor]]]]] = (
    weakref.WeakKeyDictionary()
)
_actors_lock = threading.Lock()
_CACHED_DOCUMENTS = 8  # (document, target) pairs remembered per store


def _stamp(store: Store) -> object:
    """What the actors depend on: the store's annotations (not positions or translations) and the project file."""
    try:
        stat = (store.path / PROJECT_FILE).stat()
        fingerprint: object = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    except OSError:
        fingerprint = None
    return store.annotation_revision(), fingerprint


def sentence_actors(store: Store, doc: str | Document, target: str) -> dict[int, list[Actor]]:
    """Sentence index -> its tagged ACTORs (rejected ones left out), once each, with their names in ``target``.

    Every ACTOR counts, whatever its type. Two mentions in one sentence are one
    actor when they share a canonical name (accents and case aside), or have
    no canonical name and the same text: the actor is kept when any of its
    names survives. Its names are its texts and canonical name and their
    aliases, with the project's table from ``annot.toml``. The answer is
    cached until the store's annotations change (``Store.annotation_revision``:
    any span write, by anyone; an annotator's move or a translation leaves it)
    or the project file does (``add_alias`` also clears the cache).

    Args:
        store: the project.
        doc: the document version (a ``Document`` or its id).
        target: ISO 639-1 code of the translations.

    Raises:
        SchemaError: the project's ``[aliases]`` table is invalid.
    """
    doc_id = doc if isinstance(doc, str) else doc.id
    stamp = _stamp(store)
    with _actors_lock:
        cached = _actors_cache.get(store, {}).get((doc_id, target))
    if cached is None or cached[0] != stamp:
        cached = (stamp, _read_actors(store, doc_id, target))
        with _actors_lock:
            entries = _actors_cache.setdefault(store, {})
            entries.pop((doc_id, target), None)
            entries[(doc_id, target)] = cached
            while len(entries) > _CACHED_DOCUMENTS:
                del entries[next(iter(entries))]
    return {sentence: list(actors) for sentence, actors in cached[1].items()}


def _read_actors(store: Store, doc_id: str, target: str) -> dict[int, list[Actor]]:
    spans = store.spans(doc_id, label="ACTOR")
    rows = zip(spans["sentence"], spans["text"], spans["attrs"], spans["status"])
    return _group_actors(store, rows, target)


def span_actors(store: Store, spans: Iterable[Span], target: str) -> list[Actor]:
    """The actors of one sentence's ACTOR spans, by the rule of ``sentence_actors`` (other labels are skipped).

    For a caller that holds the sentence's spans already (the annotator's
    session): no read of the document's spans.

    Raises:
        SchemaError: the project's ``[aliases]`` table is invalid.
    """
    rows = ((0, s.text, s.attrs, s.status.value) for s in spans if s.label == "ACTOR")
    return _group_actors(store, rows, target).get(0, [])


def _group_actors(
    store: Store, rows: Iterable[tuple[Any, Any, Mapping[str, Any], Any]], target: str
) -> dict[int, list[Actor]]:
    """(sentence, text, attrs, status) rows of ACTOR spans -> each sentence's actors, mentions merged."""
    import pandas as pd

    table = read_aliases(store.path)
    known: dict[str, set[str]] = {}

    def names_of(name: str) -> set[str]:
        if name not in known:
            known[name] = aliases(name, target, table) if name else set()
        return known[name]

    found: dict[int, dict[str, Actor]] = {}
    for sentence, text, attrs, status in rows:
        if status == "rejected" or sentence is pd.NA or text is pd.NA or not str(text).strip():
            continue
        text = str(text).strip()
        canonical = str(attrs.get("canonical") or "").strip()
        actors = found.setdefault(int(sentence), {})
        key = name_key(canonical or text)
        names = frozenset(names_of(text) | names_of(canonical))
        same = actors.get(key)
        if same is not None:  # another mention of the same actor: one flag, any of its names keeps it
            text, names, canonical = same.name, same.names | names, same.canonical
        actors[key] = Actor(text, names, canonical)
    return {sentence: list(actors.values()) for sentence, actors in found.items()}
