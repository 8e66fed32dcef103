"""Links between documents in two languages and their sentence alignments, in the real store on disk."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annot.align import bead_text, cover, edit_beads
from annot.errors import AlignmentError, NotFound, StoreError
from annot.model import AlignmentInfo, Bead, Translation
from annot.store import DB_NAME, Store
from annot.store.migrations import MEASURES_VERSION, MIGRATIONS, OLDEST_READABLE, SCHEMA_VERSION

from .conftest import as_older_version, dump, make_doc

EN = "One. Two. Three. Four. Five."
ES = "Uno. Dos. Tres. Cuatro. Cinco. Seis."


@pytest.fixture
def pair(store: Store) -> tuple[str, str]:
    """Two linked documents: A in English (5 sentences), B in Spanish (6)."""
    a, b = make_doc(EN, "Numbers", lang="en"), make_doc(ES, "Números", lang="es")
    store.add_document(*a)
    store.add_document(*b)
    store.link(a[0].id, b[0].id)
    return a[0].id, b[0].id


def beads(*specs: str) -> list[Bead]:
    """``beads("0=0", "1=1-2", "2=")``: beads written as ``annot alignment --set`` takes them (origin auto)."""
    out = []
    for spec in specs:
        sides = []
        for side in spec.split("="):
            first, _, last = side.partition("-")
            sides.append(tuple(range(int(first), int(last or first) + 1)) if side else ())
        out.append(Bead(sides[0], sides[1], None, "auto"))
    return out


def shapes(found: list[Bead]) -> list[str]:
    """Beads back as ``0=0`` strings, manual ones marked with ``*``."""
    from annot.align import bead_text

    return [bead_text(b) + ("*" if b.origin == "manual" else "") for b in found]


def test_links_link_is_idempotent_and_found_from_either_side(store, pair):
    a, b = pair
    first = store.links()[0]
    assert (first.doc_a, first.doc_b, first.kind) == (a, b, "translation")
    again = store.link("numbers", "números")  # keys resolve like every reference
    assert again == first and store.links() == [first]
    swapped = store.link(b, a)
    assert (swapped.doc_a, swapped.doc_b, swapped.created_at) == (b, a, first.created_at)
    assert store.links(a) == store.links(b) == [first]
    assert store.link(a, b, "adaptation").kind == "adaptation"
    assert store.links()[0].kind == "adaptation"


@pytest.mark.parametrize(
    ("other", "message"),
    [
        ("self", "to itself"),
        ("version", "to another version of itself"),
        ("same-language", "both are in 'en'"),
    ],
)
def test_links_link_refuses_itself_and_same_language(store, pair, other, message):
    a, _ = pair
    if other == "version":
        store.add_document(*make_doc(EN + " Six.", "Numbers", lang="en"))  # same key: a new version
        target = store.resolve("numbers")
    elif other == "same-language":
        target = store.add_document(*make_doc("Other words here.", "Other", lang="en")).doc_id
    else:
        target = a
    with pytest.raises(AlignmentError, match=message) as info:
        store.link(a, target)
    assert "\n" not in str(info.value) and isinstance(info.value, ValueError)


@pytest.mark.parametrize("kind", ["", "  ", "two\nlines", " padded"])
def test_links_link_refuses_a_blank_or_multiline_kind(store, pair, kind):
    with pytest.raises(AlignmentError, match="one-line name such as 'translation'"):
        store.link(*pair, kind)


def test_links_set_alignment_reads_back_both_ways(store, pair):
    a, b = pair
    stored = store.set_alignment(a, b, [Bead((0,), (0,), 71.5, "auto"), ((1,), (1, 2)), ((2, 3), (3,)), ((4,), ())])
    assert store.alignment(a, b) == stored
    assert shapes(stored) == ["0=0", "1=1-2", "2-3=3", "4="]
    assert stored[0].score == 71.5 and stored[1].score is None
    assert shapes(store.alignment(b, a)) == ["0=0", "1-2=1", "3=2-3", "=4"]
    # Set from B's side: stored the link's way round, read back either way.
    store.set_alignment(b, a, [((0,), (0,)), ((5,), (4,))], origin="manual")
    assert shapes(store.alignment(a, b)) == ["0=0*", "4=5*"]
    assert store.aligned_versions(b, a) == [(b, a)] and store.aligned_versions(a, b) == [(a, b)]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ([((0,), (0,)), ((0,), (1,))], "bead 1 (0=1): A sentence 0 is already in bead 0"),
        ([((1,), (1,)), ((0,), (2,))], "bead 1 (0=2): A sentence 0 comes before A sentence 1 of bead 0"),
        ([((0,), (1,)), ((1,), (0,))], "bead 1 (1=0): B sentence 0 comes before B sentence 1 of bead 0"),
        ([((0, 2), (0,))], "bead 0: A sentences [0, 2] are not consecutive"),
        ([((2, 1), (0,))], "bead 0: A sentences [2, 1] are not consecutive"),
        ([((5,), (0,))], "bead 0: A sentence 5 is out of range (document A has 5 sentences: 0-4)"),
        ([((0,), (-1,))], "bead 0: B sentence -1 is out of range"),
        ([((), ())], "bead 0: both sides are empty"),
        ([((0,), ("1",))], "side B must hold integer sentence indexes"),
        ([((True,), (0,))], "side A must hold integer sentence indexes"),
        ([Bead((0,), (0,), float("nan"))], "score must be a finite number or None"),
        ([Bead((0,), (0,), 1.0, "guessed")], "origin 'guessed' is not valid; valid origins: auto, manual"),
        (["0=0"], "expected a Bead or an (a, b) pair"),
    ],
)
def test_links_set_alignment_refuses_invalid_beads_and_writes_nothing(store, pair, given, message):
    a, b = pair
    store.set_alignment(a, b, beads("0=0"))
    with pytest.raises(AlignmentError, match=re.escape(message)) as info:
        store.set_alignment(a, b, given)
    assert "\n" not in str(info.value)
    assert shapes(store.alignment(a, b)) == ["0=0"]


def test_links_alignment_needs_a_link(store, pair):
    a, _b = pair
    other = store.add_document(*make_doc("Un. Deux.", "Nombres", lang="fr")).doc_id
    for call in (lambda: store.set_alignment(a, other, beads("0=0")), lambda: store.edit_alignment(a, other, [0], [0])):
        with pytest.raises(NotFound, match=f"are not linked; link them first: annot link {a} {other}"):
            call()
    assert store.alignment(a, other) == [] and store.aligned_versions(a, other) == []


def test_links_unlink_drops_the_link_and_every_alignment(store, pair):
    a, b = pair
    store.set_alignment(a, b, beads("0=0"))
    store.unlink(b, a)
    assert store.links() == [] and store.alignment(a, b) == []
    with pytest.raises(NotFound, match="are not linked; there is nothing to unlink"):
        store.unlink(a, b)
    store.link(a, b)  # linking again starts without an alignment
    assert store.alignment(a, b) == []


EDITS = [
    # start, (a, b), expected (* = manual)
    (["0=0", "1=1-2", "2=3", "3=4", "4=5"], ([2, 3], [3]), ["0=0", "1=1-2", "2-3=3*", "=4", "4=5"]),
    (["0=0", "1=1-2", "2=3", "3=4", "4=5"], ([1], [1]), ["0=0", "1=1*", "=2", "2=3", "3=4", "4=5"]),
    (["0=0", "1=1-2", "2=3", "3=4", "4=5"], ([2], []), ["0=0", "1=1-2", "2=*", "=3", "3=4", "4=5"]),
    (["0=0", "1=1-2", "2=3", "3=4", "4=5"], ([], [5]), ["0=0", "1=1-2", "2=3", "3=4", "4=", "=5*"]),
    # A crossing pair: 0=4 breaks every bead between, on both sides.
    (["0=0", "1=1-2", "2=3", "3=4", "4=5"], ([0], [4]), ["=0", "=1", "=2", "=3", "0=4*", "1=", "2=", "3=", "4=5"]),
    # The same bead again: confirmed (manual), nothing else moves.
    (["0=0", "1=1-2", "2=3", "3=4", "4=5"], ([1], [1, 2]), ["0=0", "1=1-2*", "2=3", "3=4", "4=5"]),
    # No alignment yet: the new bead, everything else unaligned, in order.
    ([], ([2], [3]), ["0=", "1=", "=0", "=1", "=2", "2=3*", "3=", "4=", "=4", "=5"]),
    # Sentences left out of a partial alignment are unaligned after an edit.
    (["1=1"], ([3], [4]), ["0=", "=0", "1=1", "2=", "=2", "=3", "3=4*", "4=", "=5"]),
]


@pytest.mark.parametrize(("start", "edit", "expected"), EDITS)
def test_links_edit_alignment_recuts_the_neighbours(store, pair, start, edit, expected):
    a, b = pair
    if start:
        store.set_alignment(a, b, beads(*start))
    result = store.edit_alignment(a, b, *edit)
    assert shapes(result) == expected
    assert store.alignment(a, b) == result


def test_links_edit_alignment_from_either_side_and_keeps_scores(store, pair):
    a, b = pair
    store.set_alignment(a, b, [Bead((0,), (0,), 60.0), Bead((1,), (1, 2), 55.0), *beads("2=3", "3=4", "4=5")])
    result = store.edit_alignment(b, a, [3], [2])  # B's view: B 3 = A 2
    assert shapes(result) == ["0=0", "1-2=1", "3=2*", "4=3", "5=4"]
    assert shapes(store.alignment(a, b)) == ["0=0", "1=1-2", "2=3*", "3=4", "4=5"]
    assert store.edit_alignment(a, b, [1], [1, 2])[1] == Bead((1,), (1, 2), 55.0, "manual")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (([], []), "both sides are empty"),
        (([1, 3], [1]), "not consecutive"),
        (([0], [6]), "B sentence 6 is out of range"),
    ],
)
def test_links_edit_alignment_refuses_bad_edits(store, pair, edit, message):
    with pytest.raises(AlignmentError, match=f"Alignment edit: .*{message}"):
        store.edit_alignment(*pair, *edit)


@st.composite
def alignments(draw: st.DrawFn) -> tuple[int, int, list[Bead], tuple[list[int], list[int]]]:
    """A random partial alignment of two small documents and a random valid edit."""
    n_a, n_b = draw(st.integers(0, 8)), draw(st.integers(0, 8))
    found, i, j = [], 0, 0
    while i < n_a or j < n_b:
        da = draw(st.integers(0, min(2, n_a - i)))
        db = draw(st.integers(0 if da else 1, min(2, n_b - j))) if j < n_b else 0
        if not da and not db:
            da = 1
        if draw(st.integers(0, 4)):  # some sentences are in no bead
            found.append(Bead(tuple(range(i, i + da)), tuple(range(j, j + db))))
        i, j = i + da, j + db
    lengths = st.integers(0, 2)
    ea, eb = draw(lengths), draw(lengths)
    if n_a < ea or n_b < eb or not ea + eb:
        return n_a, n_b, found, ([], [])
    a0, b0 = draw(st.integers(0, n_a - ea)), draw(st.integers(0, n_b - eb))
    return n_a, n_b, found, (list(range(a0, a0 + ea)), list(range(b0, b0 + eb)))


@settings(max_examples=200, deadline=None)
@given(case=alignments())
def test_links_edit_beads_is_total_and_keeps_what_it_does_not_touch(case):
    n_a, n_b, found, (a, b) = case
    if not a and not b:
        with pytest.raises(AlignmentError):
            edit_beads(found, n_a, n_b, a, b)
        return
    result = edit_beads(found, n_a, n_b, a, b)
    # Every sentence exactly once, in order on both sides (the store accepts it as is).
    assert [i for x in result for i in x.a] == list(range(n_a))
    assert [j for x in result for j in x.b] == list(range(n_b))
    assert Bead(tuple(a), tuple(b), None, "manual") in result
    # A bead sharing no sentence with the edit and not crossing it stays.
    for x in cover(found, n_a, n_b):
        shares = set(x.a) & set(a) or set(x.b) & set(b)
        crosses = x.a and x.b and a and b and (x.a[0] < a[0]) != (x.b[0] < b[0])
        if not shares and not crosses:
            assert x in result


def test_links_and_alignments_persist_across_reopen(project, pair):
    a, b = pair
    with Store(project) as first:
        first.edit_alignment(a, b, [1], [1, 2])
    with Store(project) as again:
        assert [(link.doc_a, link.doc_b) for link in again.links()] == [(a, b)]
        assert shapes(again.alignment(a, b)) == ["0=", "=0", "1=1-2*", "2=", "3=", "4=", "=3", "=4", "=5"]


def test_links_survive_a_new_version_while_alignments_stay_with_theirs(store, pair):
    a, b = pair
    store.set_alignment(a, b, beads("0=0", "1=1-2", "2=3", "3=4", "4=5"))
    new = store.add_document(*make_doc("Zero. " + EN, "Numbers", lang="en")).doc_id  # same key: a new version
    (link,) = store.links(new)
    assert (link.doc_a, link.doc_b) == (new, b)
    assert store.links(a) == [link]  # found from the old version too
    assert store.alignment(new, b) == []  # indexes of the old version do not fit the new one
    assert store.aligned_versions(new, b) == [(a, b)]
    assert shapes(store.alignment(a, b))[1] == "1=1-2"
    store.set_alignment(new, b, beads("1=0"))
    assert store.aligned_versions(b, "numbers") == [(b, new), (b, a)]
    store.unlink("numbers", b)
    assert store.aligned_versions(a, b) == []


def test_links_text_translations_are_a_cache_apart_from_sentence_translations(store, pair):
    a, _ = pair
    texts = ["Dos.", "Tres!", "Dos."]
    assert store.add_text_translations([("Dos.", "Two."), ("Tres!", "Three!")], signature="x|m-1|es-en",
                                       engine="x", source="es", target="en") == 2  # fmt: skip
    assert store.cached_text_translations(texts, "x|m-1|es-en") == {"Dos.": "Two.", "Tres!": "Three!"}
    assert store.cached_text_translations(texts, "y|m-1|es-en") == {}
    store.add_text_translations([("Dos.", "Deux.")], signature="x|m-1|es-en", engine="x", source="es", target="en")
    assert store.cached_text_translations(["Dos."], "x|m-1|es-en") == {"Dos.": "Deux."}
    assert store.add_text_translations([], signature="s", engine="x", source="es", target="en") == 0
    # Neither cache answers for the other.
    assert store.cached_translations(["Dos."], "x|m-1|es-en") == {}
    store.add_translations([Translation(a, 1, "x", "m", "1", "en", "es", "en>es", "x|m-1|en-es", "Dos.")])
    assert store.cached_text_translations(["Two."], "x|m-1|en-es") == {}
    assert store.cached_translations(["Two."], "x|m-1|en-es") == {"Two.": "Dos."}


@pytest.mark.sqlite_only
def test_links_a_version_2_store_is_migrated(project: Path):
    project.mkdir()
    conn = sqlite3.connect(project / DB_NAME)
    for migration in MIGRATIONS[:2]:
        conn.executescript(migration)
    conn.execute("INSERT INTO meta(key, value) VALUES ('schema_version', '2')")
    conn.commit()
    conn.close()
    with Store(project) as store:
        a, b = make_doc(EN, "Numbers", lang="en"), make_doc(ES, "Números", lang="es")
        store.add_document(*a)
        store.add_document(*b)
        store.link(a[0].id, b[0].id)
        assert store.set_alignment(a[0].id, b[0].id, beads("0=0"))


CHRF = AlignmentInfo("chrf", "apertium es>en")


def test_links_alignment_info_reads_back_both_ways_and_a_manual_edit_keeps_it(store, pair):
    a, b = pair
    assert store.alignment_info(a, b) == AlignmentInfo()  # not aligned: unknown
    store.set_alignment(a, b, [Bead((0,), (0,), 71.5), Bead((1,), (1, 2), 40.0)], measure="chrf",
                        route="apertium es>en")  # fmt: skip
    assert store.alignment_info(a, b) == store.alignment_info(b, a) == CHRF
    assert CHRF.label == "chrF against apertium es>en"
    # An edit keeps the measure: the beads it leaves keep their scores, the bead it makes has none.
    edited = store.edit_alignment(b, a, [2, 3], [1])  # from B's side: breaks up A 1 = B 1-2
    assert store.alignment_info(a, b) == CHRF
    assert [(bead_text(x), x.score) for x in edited][:3] == [("0=0", 71.5), ("1=", None), ("2-3=1", None)]
    assert all(x.score is None for x in edited[1:])
    # Set from B's side (stored the link's way round), without MT.
    store.set_alignment(b, a, [Bead((0,), (0,), 80.0)], measure="anchors")
    assert store.alignment_info(a, b) == store.alignment_info(b, a) == AlignmentInfo("anchors", "")
    assert store.alignment_info(a, b).label == "anchor agreement (no MT)"
    # Replaced wholly by hand, or emptied: unknown again.
    store.set_alignment(a, b, [((0,), (0,))], origin="manual")
    assert store.alignment_info(a, b) == AlignmentInfo() and store.alignment_info(a, b).measure is None
    store.set_alignment(a, b, [], measure="length")
    assert store.alignment_info(a, b) == AlignmentInfo() and store.alignment(a, b) == []
    store.set_alignment(a, b, beads("0=0"), measure="length")
    assert store.alignment_info(a, b).label == "no score (aligned on lengths only, no MT)"


@pytest.mark.parametrize(
    ("measure", "route", "message"),
    [
        ("bleu", None, "measure 'bleu' is not valid; valid measures: chrf, anchors, length (or None: unknown)"),
        ("chrf", None, "chrF scores need the route that translated B (such as 'apertium es>en')"),
        ("chrf", "  ", "route must be a one-line name such as 'apertium es>en'"),
        ("anchors", "apertium es>en", "give a route with measure 'chrf' and none with any other"),
        (None, "apertium es>en", "give a route with measure 'chrf' and none with any other"),
        ("chrf", "apertium\nes>en", "route must be a one-line name"),
        ("chrf", 3, "route must be a one-line name"),
    ],
)
def test_links_set_alignment_refuses_a_bad_measure_and_writes_nothing(store, pair, measure, route, message):
    a, b = pair
    store.set_alignment(a, b, beads("0=0"), measure="chrf", route="apertium es>en")
    with pytest.raises(AlignmentError, match=re.escape(message)) as info:
        store.set_alignment(a, b, beads("1=1"), measure=measure, route=route)
    assert str(info.value).startswith(f"Alignment of {a} and {b}: ") and "\n" not in str(info.value)
    assert shapes(store.alignment(a, b)) == ["0=0"] and store.alignment_info(a, b) == CHRF


def test_links_alignment_info_persists_and_stays_with_its_versions(project, pair):
    a, b = pair
    with Store(project) as first:
        first.set_alignment(a, b, beads("0=0", "1=1-2"), measure="chrf", route="apertium es>en")
    with Store(project) as again:
        assert again.alignment_info(b, a) == CHRF
        new = again.add_document(*make_doc("Zero. " + EN, "Numbers", lang="en")).doc_id  # a new version of A
        assert again.alignment_info(new, b) == AlignmentInfo()  # not aligned yet
        again.set_alignment(new, b, beads("1=0"), measure="anchors")
        assert again.alignment_info(a, b) == CHRF and again.alignment_info(new, b) == AlignmentInfo("anchors")
    with Store(project, read_only=True) as reader:
        assert reader.alignment_info(a, b) == CHRF and reader.alignment_info(b, new).measure == "anchors"
        with pytest.raises(StoreError, match="read-only"):
            reader.set_alignment(a, b, beads("0=0"), measure="anchors")
    with Store(project) as last:
        last.unlink(a, b)  # drops every version's measures with the beads
        assert not dump(project)["alignment_measures"]
        last.link(a, b)
        last.set_alignment(a, b, beads("0=0"))
        assert last.alignment_info(a, b) == AlignmentInfo()


@pytest.mark.sqlite_only
def test_links_older_store_read_only_reads_every_measure_as_unknown(project, pair):
    """A file from before measures were recorded, opened read-only (so not upgraded): its beads, measure None."""
    a, b = pair
    assert OLDEST_READABLE < MEASURES_VERSION < SCHEMA_VERSION
    with Store(project) as store:
        store.set_alignment(a, b, [Bead((0,), (0,), 63.5)], measure="chrf", route="apertium es>en")
    as_older_version(project, MEASURES_VERSION - 1)
    assert "alignment_measures" not in dump(project)
    with Store(project, read_only=True) as old:
        assert old.alignment(a, b) == [Bead((0,), (0,), 63.5)]
        assert old.alignment_info(a, b) == AlignmentInfo() and old.alignment_info(b, a).measure is None
    with Store(project) as upgraded:  # a writer migrates it: still unknown, then recorded
        assert upgraded.alignment_info(a, b) == AlignmentInfo() and upgraded.alignment(a, b)[0].score == 63.5
        upgraded.set_alignment(a, b, [Bead((0,), (0,), 63.5)], measure="chrf", route="apertium es>en")
        assert upgraded.alignment_info(a, b) == CHRF
