"""The suggestion layer on a real store on disk, the real suggesters on the seed article and its Spanish version."""

from __future__ import annotations

from pathlib import Path

import pytest

import annot
from annot.annotate import AnnotationSession
from annot.errors import NotFound, SuggesterError
from annot.model import Origin, Status
from annot.store import Store
from annot.suggestion_layer import known_actors

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
EN = CORPUS / "belarus-russian-grouping-2022-10-17.en.txt"
ES = CORPUS / "belarus-agrupacion-rusa-2022-10-17.es.txt"


@pytest.fixture
def seeded(project: Store) -> Store:
    annot.ingest([EN, ES], project)
    return project


def _doc(store: Store, prefix: str) -> str:
    return store.resolve(prefix)


def _suggested(store: Store, doc_id: str | None = None):
    return [s for s in store.iter_spans(doc_id) if s.origin == Origin.SUGGESTED]


def test_suggest_documents_stores_pending_spans_with_suggester_and_confidence(seeded: Store):
    report = annot.suggest_documents(seeded)
    en = _doc(seeded, "belarus-russian")
    by_run = {(r.doc_id, r.suggester): r.added for r in report.runs}
    assert by_run[(en, "actors.v2")] >= 20 and by_run[(en, "quantities.v2")] >= 6
    assert by_run[(_doc(seeded, "belarus-agrupacion"), "quantities.v2")] >= 6
    spans = _suggested(seeded)
    assert len(spans) == report.count("added")
    assert {s.annotator for s in spans} == {"suggest:actors.v2", "suggest:quantities.v2", "suggest:stance.v1"}
    assert all(s.status == Status.PENDING for s in spans)
    confidences = seeded.confidences()
    assert set(confidences) == {s.id for s in spans} and all(0 < c <= 1 for c in confidences.values())
    text = seeded.document(en).text
    assert all(text[s.start : s.end] == s.text for s in spans if s.doc_id == en)
    quantity = next(s for s in spans if s.text == "up to 9,000 military personnel")
    assert dict(quantity.attrs) == {"value": 9000, "unit": "military personnel", "qualifier": "up to"}
    minsk = next(s for s in spans if s.text == "Minsk" and s.doc_id == en)
    assert dict(minsk.attrs) == {"type": "state", "canonical": "Belarus"}


def test_suggest_documents_filters_by_status_and_origin(seeded: Store):
    report = annot.suggest_documents(seeded)
    seeded.add_span(_doc(seeded, "belarus-russian"), 0, 3, "STANCE")
    pending = seeded.spans(status="pending")
    assert len(pending) == report.count("added") and set(pending["origin"]) == {"suggested"}
    assert len(seeded.spans(origin="suggested", label="QUANTITY")) == report.count("added") - len(
        seeded.spans(origin="suggested", label="ACTOR")
    ) - len(seeded.spans(origin="suggested", label="STANCE"))
    manual = seeded.spans(origin="manual")
    assert len(manual) == 1 and manual["confidence"].isna().all()
    assert pending.set_index("id")["confidence"].to_dict() == seeded.confidences()


def test_suggest_documents_is_idempotent(seeded: Store):
    first = annot.suggest_documents(seeded)
    ids = {s.id for s in _suggested(seeded)}
    again = annot.suggest_documents(seeded)
    assert again.count("added") == 0 and again.count("kept") == first.count("added")
    assert {s.id for s in _suggested(seeded)} == ids
    assert len(seeded.history()) == len(ids)  # the second run wrote nothing


def test_suggest_documents_never_duplicates_the_annotators_spans(seeded: Store):
    en = _doc(seeded, "belarus-russian")
    text = seeded.document(en).text
    minsk = text.index("Minsk")
    manual_actor = seeded.add_span(en, minsk, minsk + 5, "ACTOR", {"type": "state"})
    # A manual QUANTITY with other bounds than the suggester's: still the annotator's.
    number = text.index("9,000 military personnel")
    manual_quantity = seeded.add_span(en, number, number + 5, "QUANTITY", {"value": 9000})
    report = annot.suggest_documents(seeded, en)
    assert report.count("annotated") == 2
    for manual in (manual_actor, manual_quantity):
        overlapping = [s for s in seeded.iter_spans(en) if s.label == manual.label
                       and s.start < manual.end and manual.start < s.end]  # fmt: skip
        assert overlapping == [manual]
    # Only where the annotator tagged: "Minsk" further on is still suggested.
    assert any(s.label == "ACTOR" and s.text == "Minsk" for s in _suggested(seeded, en))


def test_suggest_documents_rejected_or_deleted_suggestions_do_not_come_back(seeded: Store):
    en = _doc(seeded, "belarus-russian")
    annot.suggest_documents(seeded, en)
    spans = _suggested(seeded, en)
    rejected = next(s for s in spans if s.text == "Kremlin")
    deleted = next(s for s in spans if s.text == "some 170 tanks")
    seeded.update_span(rejected.id, status="rejected")
    seeded.delete_span(deleted.id)
    report = annot.suggest_documents(seeded, en)
    assert report.count("added") == 0 and report.count("rejected") == 2
    assert [s.status for s in seeded.iter_spans(en) if s.text == "Kremlin"] == [Status.REJECTED]
    assert not [s for s in seeded.iter_spans(en) if s.text == "some 170 tanks"]


def test_suggest_documents_rejected_suggestion_returns_when_its_text_changes(project: Store, tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    path = corpus / "grouping.en.txt"
    path.write_text("Russia will send some 170 tanks to Belarus.\n\nMinsk agreed.\n", "utf-8")
    annot.ingest([path], project)
    annot.suggest_documents(project, only="quantities")
    (tanks,) = _suggested(project)
    project.update_span(tanks.id, status="rejected")
    path.write_text("Russia will send some 190 tanks to Belarus.\n\nMinsk agreed.\n", "utf-8")
    annot.ingest([path], project)
    report = annot.suggest_documents(project, only="quantities")
    assert report.count("added") == 1
    current = project.resolve("grouping")
    assert [(s.text, s.status) for s in _suggested(project, current) if s.status == Status.PENDING] == [
        ("some 190 tanks", Status.PENDING)
    ]


def test_suggest_documents_suggests_an_accepted_actor_in_other_documents(seeded: Store, tmp_path: Path):
    en = _doc(seeded, "belarus-russian")
    text = seeded.document(en).text
    start = text.index("Alexandr Lukashenko")
    seeded.add_span(en, start, start + 19, "ACTOR", {"type": "person", "canonical": "Alexander Lukashenko"})
    later = tmp_path / "later.en.txt"
    later.write_text("Lukashenko met the troops on Monday.\n\nLukashenka spoke later.\n", "utf-8")
    (tmp_path / "project" / "annot.toml").write_text('[aliases]\n"Alexander Lukashenko" = ["Lukashenka"]\n', "utf-8")
    annot.ingest([later], seeded)
    annot.suggest_documents(seeded, "later", only=["actors"])
    found = {s.text: dict(s.attrs) for s in _suggested(seeded, seeded.resolve("later"))}
    assert found["Lukashenko"] == {"type": "person", "canonical": "Alexander Lukashenko"}
    assert found["Lukashenka"] == {"type": "person", "canonical": "Alexander Lukashenko"}


def test_known_actors_take_accepted_actors_and_aliases_only(seeded: Store, tmp_path: Path):
    en = _doc(seeded, "belarus-russian")
    seeded.add_span(en, 108, 113, "ACTOR", {"type": "state", "canonical": "Belarus"})  # Minsk
    seeded.add_span(en, 128, 134, "ACTOR", {"type": "state"}, status="rejected")  # Russia, rejected
    (tmp_path / "project" / "annot.toml").write_text('[aliases]\n"Belarus" = ["Bielorrússia", "Белоруссия"]\n', "utf-8")
    (actor,) = known_actors(seeded)
    assert (actor.text, actor.canonical, actor.type) == ("Minsk", "Belarus", "state")
    assert set(actor.aliases) == {"Bielorrússia", "Белоруссия"}


def test_suggest_documents_only_and_min_confidence(seeded: Store):
    report = annot.suggest_documents(seeded, "belarus-russian", only="quantities", min_confidence=0.9)
    assert {r.suggester for r in report.runs} == {"quantities.v2"}
    assert report.count("added") == 0 and report.count("below") >= 6
    report = annot.suggest_documents(seeded, "belarus-russian", only=["actors"], min_confidence=0.9)
    assert report.count("added") > 0 and all(c >= 0.9 for c in seeded.confidences().values())


@pytest.mark.parametrize(
    ("kwargs", "error", "needle"),
    [
        ({"only": "actors,stanse"}, SuggesterError, "Known suggesters: actors, quantities, stance"),
        ({"min_confidence": 1.5}, SuggesterError, "from 0 to 1"),
        ({"docs": ["nosuch"]}, NotFound, "nosuch"),
    ],
)
def test_suggest_documents_bad_arguments_write_nothing(seeded: Store, kwargs, error, needle):
    with pytest.raises(error, match=needle):
        annot.suggest_documents(seeded, **kwargs)
    assert not _suggested(seeded)


def test_suggest_documents_reports_progress_up_to_the_total(seeded: Store):
    calls: list[tuple[int, int]] = []
    annot.suggest_documents(seeded, progress=lambda done, total, what: calls.append((done, total)))
    assert calls[-1] == (28 * 3, 28 * 3)  # 14 sentences a document, two documents, three suggesters
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


# -- STANCE: holders are stored ACTOR spans ------------------------------------


def _stances(store: Store, doc_id: str):
    return sorted((s for s in _suggested(store, doc_id) if s.label == "STANCE"), key=lambda s: s.start)


def test_suggest_documents_stance_holder_span_is_a_stored_actor_of_its_sentence(seeded: Store):
    en = _doc(seeded, "belarus-russian")
    text = seeded.document(en).text
    ministry = text.index("Belarusian Defense Ministry reported")
    manual = seeded.add_span(en, ministry, ministry + 27, "ACTOR", {"type": "government body"})  # the annotator's
    report = annot.suggest_documents(seeded, en)
    stances = _stances(seeded, en)
    assert len(stances) == next(r.added for r in report.runs if r.suggester == "stance.v1") == 14
    sentences = seeded.get_sentences(en)
    first = stances[0]
    assert (first.start, first.end) == (sentences[0].start, sentences[0].end)  # the whole sentence, as the session
    minsk = next(s for s in _suggested(seeded, en) if s.label == "ACTOR" and s.start == text.index("Minsk."))
    assert dict(first.attrs) == {"evidence": "reported", "holder": "Belarus", "holder_span": minsk.id}
    assert seeded.confidences(en)[first.id] == 0.8
    second = next(s for s in stances if s.start == sentences[2].start)
    assert second.attrs["holder_span"] == manual.id and second.attrs["holder"] == "Belarusian Defense Ministry"
    for stance in stances:
        if "holder_span" in stance.attrs:
            actor = seeded.get_span(stance.attrs["holder_span"])
            assert actor.label == "ACTOR" and stance.start <= actor.start and actor.end <= stance.end
    # Every holder is a stored actor: "argued Revenko" is one too since the actor rules read a lone surname there.
    assert sum("holder" in s.attrs for s in stances) == 11 and sum("holder_span" in s.attrs for s in stances) == 11


def test_suggest_documents_stance_alone_takes_holders_from_the_actor_suggester(seeded: Store):
    en = _doc(seeded, "belarus-russian")
    annot.suggest_documents(seeded, en, only="stance")
    stances = _stances(seeded, en)
    assert {s.label for s in _suggested(seeded, en)} == {"STANCE"}  # no actor stored: holder as text only
    assert stances[0].attrs == {"evidence": "reported", "holder": "Belarus"}


def test_suggest_documents_stance_never_over_the_annotators_and_rejected_stays_away(seeded: Store):
    en = _doc(seeded, "belarus-russian")
    sentences = seeded.get_sentences(en)
    session = AnnotationSession(seeded, en)
    mine = session.start_stance()  # the annotator's STANCE on sentence 0, prefilled from "says Minsk"
    assert mine.attrs == {"evidence": "reported"}
    first = annot.suggest_documents(seeded, en, only=["actors", "stance"])
    stance_run = next(r for r in first.runs if r.suggester == "stance.v1")
    assert stance_run.annotated == 1 and stance_run.added == 13
    assert not [s for s in _stances(seeded, en) if s.start == sentences[0].start]
    rejected = _stances(seeded, en)[0]
    seeded.update_span(rejected.id, status="rejected")
    again = annot.suggest_documents(seeded, en, only=["actors", "stance"])
    stance_run = next(r for r in again.runs if r.suggester == "stance.v1")
    assert (stance_run.added, stance_run.rejected, stance_run.kept, stance_run.annotated) == (0, 1, 12, 1)
    assert again.count("added") == 0


def test_suggest_documents_stance_reads_the_projects_cues(tmp_path: Path):
    folder = tmp_path / "cues"
    folder.mkdir()
    (folder / "annot.toml").write_text('[stance_cues.reported]\nen = ["-says", "-maintains"]\n', "utf-8")
    store = annot.open_project(folder, annotator="tester")
    try:
        annot.ingest([EN], store)
        en = _doc(store, "belarus-russian")
        annot.suggest_documents(store, en, only=["actors", "stance"])
        sentences = store.get_sentences(en)
        starts = {s.start for s in _stances(store, en)}
        assert sentences[0].start not in starts and sentences[12].start not in starts
        assert len(starts) == 12
        assert AnnotationSession(store, en).suggest_stance().evidence is None  # the prefill reads them too
    finally:
        store.close()


def test_suggest_documents_ner_adds_natasha_on_russian(project: Store, tmp_path: Path):
    path = tmp_path / "visit.ru.txt"
    path.write_text("Вчера Иван Петров встретился с журналистами в Минске.\n", "utf-8")
    doc = annot.ingest([path], project).results[0].doc_id
    annot.suggest_documents(project, doc, only="actors")
    assert "Иван Петров" not in {s.text for s in _suggested(project, doc)}  # no rule knows him
    report = annot.suggest_documents(project, doc, only="actors", ner=True)
    assert report.count("added") == 1
    assert {s.text: dict(s.attrs) for s in _suggested(project, doc)}["Иван Петров"] == {"type": "person"}


def test_suggest_documents_a_span_tagged_during_the_run_wins(seeded: Store, monkeypatch: pytest.MonkeyPatch):
    """The widget's background run reads the spans, then suggests: what the annotator tags meanwhile stays alone."""
    import annot.suggestion_layer as layer

    en = _doc(seeded, "belarus-russian")
    text = seeded.document(en).text
    minsk = text.index("Minsk")
    real = layer.suggesters

    class Annotating:
        """The actor suggester, while the annotator tags the first "Minsk" by hand (once)."""

        def __init__(self, inner):
            self.inner, self.name, self.version, self.labels = inner, inner.name, inner.version, inner.labels
            self.tagged = False

        def suggest(self, sentence, lang, *, known=()):
            if not self.tagged:
                self.tagged = True
                seeded.add_span(en, minsk, minsk + len("Minsk"), "ACTOR", {"type": "state"})
            return self.inner.suggest(sentence, lang, known=known)

    monkeypatch.setattr(
        layer, "suggesters", lambda only=None: [Annotating(s) if s.name == "actors" else s for s in real(only)]
    )
    report = annot.suggest_documents(seeded, en, only="actors,stance")
    at_minsk = [s for s in seeded.iter_spans(en) if s.label == "ACTOR" and s.start < minsk + 5 and minsk < s.end]
    assert [(s.origin, s.status) for s in at_minsk] == [(Origin.MANUAL, Status.ACCEPTED)]
    actors = next(r for r in report.runs if r.suggester == "actors.v2")
    assert actors.annotated >= 1 and actors.added == len(_suggested(seeded, en)) - len(
        [s for s in _suggested(seeded, en) if s.label == "STANCE"]
    )
    ids = {s.id for s in seeded.iter_spans(en)}
    assert all(s.attrs.get("holder_span") in ids | {None} for s in seeded.iter_spans(en) if s.label == "STANCE")


def test_suggest_documents_counts_a_rejected_suggestion_of_another_extent_as_rejected(seeded: Store):
    en = _doc(seeded, "belarus-russian")
    annot.suggest_documents(seeded, en, only="quantities")
    tanks = next(s for s in _suggested(seeded, en) if s.text == "some 170 tanks")
    seeded.update_span(tanks.id, status="rejected", start=tanks.start + len("some "))  # an older, shorter suggestion
    report = annot.suggest_documents(seeded, en, only="quantities")
    assert report.count("added") == 0 and report.count("rejected") == 1 and report.count("annotated") == 0
