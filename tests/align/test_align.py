"""Sentence alignment: the aligner on toy input, on real article pairs through Apertium, stored and read back."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
import sacrebleu

from annot.align import METHODS, align, bead_text, link_documents, references
from annot.align.chrf import char_ngrams, chrf_of_ngrams
from annot.errors import AlignmentError, ModelNotInstalled
from annot.export import export_jsonl, import_jsonl
from annot.model import AlignmentInfo, Bead
from annot.names import read_aliases
from annot.pipeline import ingest, open_project
from annot.store import Store

ROOT = Path(__file__).resolve().parents[2]
SEED_EN = ROOT / "corpus" / "belarus-russian-grouping-2022-10-17.en.txt"
SEED_ES = ROOT / "corpus" / "belarus-agrupacion-rusa-2022-10-17.es.txt"
# English 6 is Spanish 6+7, English 11+12 is Spanish 12; the rest 1-1 (8 is the heading).
SEED_BEADS = ["0=0", "1=1", "2=2", "3=3", "4=4", "5=5", "6=6-7", "7=8", "8=9", "9=10", "10=11", "11-12=12", "13=13"]

# Written for these tests: English 2 is Spanish 2+3, English 5+6 is Spanish 6, Spanish 10
# and English 11 have no counterpart, and each has two headings.
FLOODS_EN = """Floods in the north

Heavy rain flooded three villages in the north of the country on Tuesday. More than 2,000 people left their homes, and the army sent boats and helicopters to rescue those who stayed behind. The regional government opened four shelters in schools.

The mayor of the largest village said the river rose two metres in one night. He asked for help. He said the dams were too old. Meteorologists expect more rain on Thursday.

Damage to farms

Farmers lost most of the wheat harvest, according to the farmers' union. The union estimates the losses at 40 million euros. The government has not yet commented on these figures.
"""
FLOODS_ES = """Inundaciones en el norte

Las fuertes lluvias inundaron el martes tres pueblos del norte del país. Más de 2.000 personas abandonaron sus casas. El ejército envió barcas y helicópteros para rescatar a quienes se quedaron. El gobierno regional abrió cuatro refugios en escuelas.

El alcalde del pueblo más grande dijo que el río subió dos metros en una noche. Pidió ayuda y dijo que las presas eran demasiado viejas. Los meteorólogos esperan más lluvia el jueves.

Daños en las granjas

Los agricultores perdieron la mayor parte de la cosecha de trigo, según el sindicato agrario. La cosecha de maíz también se vio afectada. El sindicato calcula las pérdidas en 40 millones de euros.
"""
FLOODS_BEADS = ["0=0", "1=1", "2=2-3", "3=4", "4=5", "5-6=6", "7=7", "8=8", "9=9", "=10", "10=11", "11="]
# No installed engine translates German: the aligner works without MT, on anchors and lengths (all 1-1 here).
FLOODS_DE = """Hochwasser im Norden

Starker Regen überschwemmte am Dienstag drei Dörfer im Norden des Landes. Mehr als 2.000 Menschen verließen ihre Häuser, und die Armee schickte Boote und Hubschrauber, um die Zurückgebliebenen zu retten. Die Regionalregierung öffnete vier Notunterkünfte in Schulen.

Der Bürgermeister des größten Dorfes sagte, der Fluss sei in einer Nacht um zwei Meter gestiegen. Er bat um Hilfe. Er sagte, die Dämme seien zu alt. Meteorologen erwarten für Donnerstag weiteren Regen.

Schäden auf den Höfen

Die Bauern verloren nach Angaben des Bauernverbands den größten Teil der Weizenernte. Der Verband schätzt die Verluste auf 40 Millionen Euro. Die Regierung hat sich zu diesen Zahlen noch nicht geäußert.
"""


def shapes(beads: list[Bead]) -> list[str]:
    return [bead_text(b) for b in beads]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A project holding the seed article, its Spanish version and the floods pair (en, es, de)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in (SEED_EN, SEED_ES):
        shutil.copy(path, corpus / path.name)
    for name, text in (("floods-2024-05-07.en.txt", FLOODS_EN), ("inundaciones-2024-05-07.es.txt", FLOODS_ES),
                       ("hochwasser-2024-05-07.de.txt", FLOODS_DE)):  # fmt: skip
        (corpus / name).write_text(text, "utf-8")
    opened = open_project(tmp_path / "project", annotator="tester")
    assert ingest(corpus, opened).count("added") == 5
    yield opened
    opened.close()


PAIRS = [
    ("El despliegue de hasta 9.000 militares", "The deployment of up to 9,000 military personnel"),
    ("Presunto ataque ucraniano", "Alleged Ukrainian attack"),
    ("aaaa bbbb aaaa", "aa bb"),
    ("", "Something"),
    ("Something", ""),
    ("   ", " "),
    ("😀 x 😀", "😀😀"),
    ("Minsk", "Minsk"),
    ("a", "ab"),
]


@pytest.mark.parametrize(("hypothesis", "reference"), PAIRS)
def test_align_chrf_is_sacrebleus_sentence_chrf(hypothesis, reference):
    expected = sacrebleu.sentence_chrf(hypothesis, [reference]).score
    assert chrf_of_ngrams(char_ngrams(hypothesis), char_ngrams(reference)) == pytest.approx(expected, abs=1e-9)


def test_align_chrf_on_real_sentences_is_sacrebleus(store):
    en = [s.text for s in store.get_sentences("belarus-russian")]
    es = [s.text for s in store.get_sentences("belarus-agrupacion")]
    for hyp in [*es[:5], " ".join(es[6:8])]:
        for ref in en:
            ours = chrf_of_ngrams(char_ngrams(hyp), char_ngrams(ref))
            assert ours == pytest.approx(sacrebleu.sentence_chrf(hyp, [ref]).score, abs=1e-9)


def test_align_seed_pair_through_apertium(store):
    report = link_documents(store, "belarus-russian", "belarus-agrupacion")
    assert shapes(report.beads) == SEED_BEADS
    assert (report.method, report.engine, report.route) == ("chrf", "apertium", "es>en")
    assert report.counts == {"1-1": 11, "1-2": 1, "2-1": 1, "2-2": 0, "A": 0, "B": 0}
    assert all(b.origin == "auto" and b.score is not None and 40 < b.score < 90 for b in report.beads)
    assert 55 < report.mean_score < 70
    assert report.summary().startswith("13 beads: 11 1-1, 1 1-2, 1 2-1, 0 2-2; unaligned 0 A, 0 B; mean chrF ")
    assert report.summary().endswith("(apertium es>en)")
    lowest = report.lowest(3)
    assert len(lowest) == 3 and lowest[0].score == min(b.score for b in report.beads)
    # Stored like any alignment, and B's translation like any translation (the cache of the next run).
    assert store.alignment("belarus-russian", "belarus-agrupacion") == report.beads
    assert len(store.get_translations(report.doc_b, target="en")) == 14
    # Aligned the other way round (en>es), the same beads seen from Spanish.
    again = link_documents(store, "belarus-agrupacion", "belarus-russian")
    assert shapes(again.beads) == ["0=0", "1=1", "2=2", "3=3", "4=4", "5=5", "6-7=6", "8=7", "9=8", "10=9",
                                   "11=10", "12=11-12", "13=13"]  # fmt: skip
    assert len(store.links()) == 1


def test_align_handmade_pair_with_merges_splits_headings_and_unaligned(store):
    report = link_documents(store, "floods", "inundaciones")
    assert shapes(report.beads) == FLOODS_BEADS
    assert report.counts == {"1-1": 8, "1-2": 1, "2-1": 1, "2-2": 0, "A": 1, "B": 1}
    headings = [s.index for s in store.get_sentences("floods") if s.heading]
    assert headings == [0, 8] and {b.a for b in report.beads if b.b and b.a and b.a[0] in headings} == {(0,), (8,)}
    assert [b.score for b in report.beads if not (b.a and b.b)] == [None, None]


def test_align_without_an_engine_uses_anchors_and_reports_their_agreement(store):
    report = link_documents(store, "floods", "hochwasser")
    assert report.method == "anchors" and report.engine is None and report.measure == "anchor agreement"
    assert "No installed engine translates de->en" in report.note and "without MT" in report.note
    assert shapes(report.beads) == [f"{n}={n}" for n in range(12)]
    # Scored where a side has numbers, names or quotations: "2,000" = "2.000", "40 million" = "40 Millionen".
    scores = {bead_text(b): b.score for b in report.beads}
    assert scores["2=2"] == 100.0 and scores["10=10"] == 100.0 and scores["11=11"] is None
    assert report.mean_score is not None and report.lowest()
    assert f"mean anchor agreement {report.mean_score:.1f} (no MT" in report.summary()
    stored = {bead_text(b): b.score for b in store.alignment(report.doc_a, report.doc_b)}
    assert stored == scores  # the stored beads keep the agreement as their score


def test_align_a_named_engine_that_cannot_changes_nothing(store):
    with pytest.raises(ModelNotInstalled, match="argos cannot translate de->en"):
        link_documents(store, "floods", "hochwasser", engine="argos")
    with pytest.raises(
        ModelNotInstalled, match=r"argos cannot translate es->en, .* helpers for the other hops: bergamot"
    ):
        link_documents(store, "floods", "inundaciones", engine="argos+bergamot")
    assert store.links() == []


def test_align_refuses_to_link_a_document_in_the_same_language(store):
    with pytest.raises(AlignmentError, match="both are in 'en'"):
        link_documents(store, "floods", "belarus-russian")


TOY = ["The cat sat on the mat all day long.", "Dogs bark loudly at the moon every night.",
       "Birds sing in the tall trees at dawn.", "Fish swim slowly in the cold river."]  # fmt: skip


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (TOY, TOY, ["0=0", "1=1", "2=2", "3=3"]),
        ([], TOY[:2], ["=0", "=1"]),
        (TOY[:2], [], ["0=", "1="]),
        ([], [], []),
        (TOY, [TOY[0], " ".join(TOY[1:3]), TOY[3]], ["0=0", "1-2=1", "3=2"]),
        ([TOY[0], " ".join(TOY[1:3]), TOY[3]], TOY, ["0=0", "1=1-2", "2=3"]),
        (
            TOY,
            [TOY[0], TOY[1], "Completely unrelated words about taxes and budgets here.", TOY[2], TOY[3]],
            ["0=0", "1=1", "=2", "2=3", "3=4"],
        ),
        (TOY, [TOY[0], TOY[2], TOY[3]], ["0=0", "1=", "2=1", "3=2"]),
    ],
    ids=["identical", "a-empty", "b-empty", "both-empty", "2-1", "1-2", "inserted", "dropped"],
)
def test_align_toy_documents(a, b, expected):
    beads = align(a, b)
    assert shapes(beads) == expected
    assert all(bead.origin == "auto" for bead in beads)
    assert all((bead.score is None) == (not bead.a or not bead.b) for bead in beads)


def test_align_identical_sentences_score_100():
    assert [b.score for b in align(TOY, TOY)] == [100.0] * 4


def test_align_headings_pair_with_headings_and_never_merge():
    a = ["Weather", "Rain will fall on the whole coast tomorrow morning.", "Sports", "The local team won again."]
    b = ["Weather", "Rain will fall on the whole coast tomorrow morning.", "Sports The local team won again."]
    plain = shapes(align(a, b))
    assert plain == ["0=0", "1=1", "2-3=2"]  # without heading flags, a merge is best
    marked = align(a, b, a_headings=[True, False, True, False], b_headings=[True, False, False])
    assert shapes(marked)[:2] == ["0=0", "1=1"]
    assert not any(2 in bead.a and len(bead.a) + len(bead.b) > 2 for bead in marked)


def test_align_length_method_needs_no_translation():
    assert shapes(align(TOY, [t.upper() for t in TOY], method="length")) == ["0=0", "1=1", "2=2", "3=3"]
    assert all(b.score is None for b in align(TOY, TOY, method="length"))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "bleu"}, "Unknown alignment method 'bleu'; valid methods: chrf, anchors, length."),
        ({"a_headings": [True]}, "a_headings has 1 flags for 4 sentences; give one per sentence."),
        ({"b_headings": [False] * 5}, "b_headings has 5 flags for 4 sentences; give one per sentence."),
    ],
)
def test_align_refuses_bad_arguments(kwargs, message):
    with pytest.raises(AlignmentError) as info:
        align(TOY, TOY, **kwargs)
    assert str(info.value) == message
    assert METHODS == ("chrf", "anchors", "length")


def test_align_a_long_document_widens_its_band():
    # B lacks A's first 30 sentences: the path leaves the diagonal further than the first band.
    words = sorted(set(SEED_EN.read_text("utf-8").split()))
    pick = random.Random(5)
    a = [" ".join(pick.sample(words, 12)) + "." for _ in range(60)]
    beads = align(a, a[30:])
    assert shapes(beads) == [f"{n}=" for n in range(30)] + [f"{n + 30}={n}" for n in range(30)]


def _new_version(store: Store, path: Path, old: str, new: str) -> str:
    """Re-ingest ``path`` with ``old`` replaced by ``new``: a new version of the same document."""
    path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")
    (result,) = ingest(path, store).results
    assert result.status == "new_version"
    return result.doc_id


def test_align_manual_edits_survive_realigning_and_new_versions(store, tmp_path):
    en = tmp_path / "corpus" / SEED_EN.name
    first = link_documents(store, "belarus-russian", "belarus-agrupacion")
    store.edit_alignment(first.doc_a, first.doc_b, [7], [])  # A 7 marked without counterpart
    store.edit_alignment(first.doc_a, first.doc_b, [11, 12], [12])  # confirmed
    again = link_documents(store, "belarus-russian", "belarus-agrupacion")
    assert (again.kept_manual, again.dropped_manual) == (2, 0)
    assert "2 manual beads kept, 0 dropped" in again.summary()
    assert store.alignment(first.doc_a, first.doc_b) == again.beads
    assert [bead_text(b) for b in again.beads if b.origin == "manual"] == ["7=", "11-12=12"]
    # A new version with a sentence in front: the link holds, the alignment waits for a new run.
    new_id = _new_version(store, en, "The deployment of up to", "Breaking news. The deployment of up to")
    assert store.links(new_id)[0].doc_a == new_id
    assert store.alignment(new_id, first.doc_b) == [] and references(store, new_id, "es") == {}
    moved = link_documents(store, "belarus-russian", "belarus-agrupacion")
    assert (moved.kept_manual, moved.dropped_manual) == (2, 0)
    assert [bead_text(b) for b in moved.beads if b.origin == "manual"] == ["8=", "12-13=12"]
    # A manual bead whose sentence changed is dropped, the other kept.
    _new_version(store, en, "These soldiers will participate", "Those soldiers will participate")
    last = link_documents(store, "belarus-russian", "belarus-agrupacion")
    assert (last.kept_manual, last.dropped_manual) == (1, 1)
    assert [bead_text(b) for b in last.beads if b.origin == "manual"] == ["12-13=12"]


def test_align_references_are_the_linked_documents_beads(store, tmp_path):
    assert references(store, "belarus-russian", "es") == {}
    report = link_documents(store, "belarus-russian", "belarus-agrupacion")
    refs = references(store, "belarus-russian", "es")
    assert sorted(refs) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13]
    es = [s.text for s in store.get_sentences("belarus-agrupacion")]
    assert refs[6].text == f"{es[6]} {es[7]}" and (refs[6].a, refs[6].b) == ((6,), (6, 7))
    assert refs[11].text == es[12] and refs[11].a == (11, 12) and refs[11].doc_id == report.doc_b
    assert refs[8].text == "Presunto ataque ucraniano"
    back = references(store, "belarus-agrupacion", "en")
    assert back[12].b == (11, 12) and back[6].a == (6, 7)
    assert references(store, "belarus-russian", "pt") == {}
    # A second Spanish version of the article, linked later: the newest link is the reference.
    other = tmp_path / "corpus" / "otra-2022-10-17.es.txt"
    other.write_text(SEED_ES.read_text("utf-8").replace("Presunto ataque ucraniano", "Supuesto ataque ucraniano"))
    ingest(other, store)
    link_documents(store, "belarus-russian", "otra")
    assert references(store, "belarus-russian", "es")[8].text == "Supuesto ataque ucraniano"


def _shown(project: Path, a: str, b: str) -> list[str]:
    """``annot alignment A B``'s lines, run through the CLI."""
    from typer.testing import CliRunner

    from annot.cli import app

    result = CliRunner().invoke(app, ["--project", str(project), "alignment", a, b])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_align_records_what_the_scores_measure_through_reopen_export_import_and_the_cli(store, tmp_path):
    chrf, anchors = AlignmentInfo("chrf", "apertium es>en"), AlignmentInfo("anchors", "")
    mt = link_documents(store, "belarus-russian", "belarus-agrupacion")
    plain = link_documents(store, "floods", "inundaciones", mt=False)  # Apertium could; not asked to
    assert (mt.info, plain.info) == (chrf, anchors) and mt.translated_by == "apertium es>en"
    assert not store.get_translations(plain.doc_b, target="en")
    # A new Store on the same file, read-only: recorded, either way round.
    with Store(store.path, read_only=True) as reopened:
        assert reopened.alignment_info(mt.doc_a, mt.doc_b) == reopened.alignment_info(mt.doc_b, mt.doc_a) == chrf
        assert reopened.alignment_info("inundaciones", "floods") == anchors
        out = export_jsonl(reopened, tmp_path / "out.jsonl").path
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    links = {link["doc"]: link for record in records for link in record.get("links", [])}
    assert (links[mt.doc_b]["measure"], links[mt.doc_b]["route"]) == ("chrf", "apertium es>en")
    assert (links[plain.doc_b]["measure"], links[plain.doc_b]["route"]) == ("anchors", "")
    copy = tmp_path / "copy"
    with open_project(copy) as imported:
        import_jsonl(imported, out)
        assert imported.alignment(mt.doc_a, mt.doc_b) == mt.beads
        assert imported.alignment_info(mt.doc_a, mt.doc_b) == chrf
        assert imported.alignment_info(plain.doc_b, plain.doc_a) == anchors
    # Shown by the CLI on the imported copy: the header says what the scores are, the column is named so.
    shown = _shown(copy, "belarus-russian", "belarus-agrupacion")
    assert shown[2] == "scores: chrF against apertium es>en" and shown[3].split()[:3] == ["A=B", "chrF", "origin"]
    shown = _shown(copy, "inundaciones", "floods")
    assert shown[2] == "scores: anchor agreement (no MT)" and shown[3].split()[1] == "agreement"

    # A new version of the English: aligned again without MT, with a manual bead carried over. The new
    # pair is "anchors", the old keeps "chrf", and the carried bead has no chrF score left.
    store.edit_alignment(mt.doc_a, mt.doc_b, [11, 12], [12])  # confirmed: keeps its chrF
    old_beads = store.alignment(mt.doc_a, mt.doc_b)
    chrf_score = next(x.score for x in old_beads if x.a == (11, 12))
    new = _new_version(store, tmp_path / "corpus" / SEED_EN.name, "The deployment of up to",
                       "Breaking news. The deployment of up to")  # fmt: skip
    assert store.alignment_info(new, mt.doc_b) == AlignmentInfo()  # not aligned yet: unknown
    again = link_documents(store, "belarus-russian", "belarus-agrupacion", mt=False)
    assert again.doc_a == new and again.kept_manual == 1 and again.info == anchors
    assert store.alignment_info(new, mt.doc_b) == anchors and store.alignment_info(mt.doc_a, mt.doc_b) == chrf
    assert store.alignment(mt.doc_a, mt.doc_b) == old_beads
    (carried,) = [x for x in again.beads if x.origin == "manual"]
    sents_a, sents_b = store.get_sentences(new), store.get_sentences(mt.doc_b)
    fresh = align([s.text for s in sents_a], [s.text for s in sents_b], a_headings=[s.heading for s in sents_a],
                  b_headings=[s.heading for s in sents_b], method="anchors", langs=("en", "es"),
                  project_aliases=read_aliases(store.path))  # fmt: skip
    assert carried.a == (12, 13) and carried.score != chrf_score
    assert carried.score == next((x.score for x in fresh if (x.a, x.b) == (carried.a, carried.b)), None)
    assert _shown(store.path, "belarus-russian", "belarus-agrupacion")[2] == "scores: anchor agreement (no MT)"
