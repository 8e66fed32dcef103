"""INCEpTION / UIMA CAS XMI: golden files from the seed gold, read back by cassis itself, round trips, bad files."""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path

import pytest
from cassis import load_cas_from_xmi, load_typesystem
from hypothesis import HealthCheck, given, settings

from annot.errors import FormatError
from annot.exchange import export_as, import_as
from annot.export import inception
from annot.export.formats import LeftOut
from annot.pipeline import open_project
from tests.export.strategies import document_record

# cassis warns when it loads a feature named "type" (ACTOR's), which it renames "type_" in Python only.
pytestmark = pytest.mark.filterwarnings("ignore:Trying to add feature `type`:UserWarning")
ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "formats"
GOLD = ROOT / "tests" / "data" / "gold" / "seed.annot.jsonl"
LAYER = inception.LAYER_PREFIX
SENTENCE = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Sentence"
METADATA = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"


def _gold_records() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text("utf-8").splitlines()]


def _members(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name).decode("utf-8") for name in zf.namelist()}


def _write(records: list[dict], out: Path) -> tuple[tuple[int, int], LeftOut]:
    left_out = LeftOut()
    return inception.write(records, out, left_out), left_out


def _load(path: Path) -> list:
    """Every CAS of an export, loaded by cassis with the zip's own type system."""
    members = _members(path)
    ts = load_typesystem(members[inception.TYPESYSTEM_FILE])
    return [load_cas_from_xmi(text, typesystem=ts) for name, text in sorted(members.items()) if name.endswith(".xmi")]


def _store_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


# --- golden files -------------------------------------------------------------------------------------------------


def test_inception_export_matches_golden_files(tmp_path: Path):
    (documents, spans), left_out = _write(_gold_records(), tmp_path / "seed.zip")
    assert (documents, spans) == (1, 48)
    assert left_out.report() == ()
    members = _members(tmp_path / "seed.zip")
    golden_zip, golden_ts = GOLDEN / "seed.inception.zip", GOLDEN / "seed.TypeSystem.xml"
    if os.environ.get("ANNOT_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(parents=True, exist_ok=True)
        golden_zip.write_bytes((tmp_path / "seed.zip").read_bytes())
        golden_ts.write_text(members[inception.TYPESYSTEM_FILE], "utf-8")
    # Compared member by member after unzipping: zlib's bytes may differ between versions, the XML may not.
    assert members == _members(golden_zip)
    assert members[inception.TYPESYSTEM_FILE] == golden_ts.read_text("utf-8")


def test_inception_export_is_deterministic(tmp_path: Path):
    _write(_gold_records(), tmp_path / "a.zip")
    _write(_gold_records(), tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


# --- read by cassis itself ------------------------------------------------------------------------------------------


def test_inception_typesystem_follows_inception_conventions(tmp_path: Path):
    _write(_gold_records(), tmp_path / "seed.zip")
    ts = load_typesystem(_members(tmp_path / "seed.zip")[inception.TYPESYSTEM_FILE])
    ranges = {
        label: {f.name.rstrip("_"): f.rangeType.name for f in ts.get_type(LAYER + label).features}
        for label in ("ACTOR", "QUANTITY", "STANCE")
    }
    assert ranges == {
        "ACTOR": {"type": "uima.cas.String", "canonical": "uima.cas.String"},
        "QUANTITY": {"value": "uima.cas.Float", "unit": "uima.cas.String", "qualifier": "uima.cas.String",
                     "low": "uima.cas.Float", "high": "uima.cas.Float"},
        "STANCE": {"holder": "uima.cas.String", "holder_span": "uima.cas.FSArray", "target": "uima.cas.String",
                   "target_span": "uima.cas.FSArray", "polarity": "uima.cas.String", "evidence": "uima.cas.String"},
    }  # fmt: skip
    for label in ("ACTOR", "QUANTITY", "STANCE"):  # INCEpTION's span layers inherit Annotation directly
        assert ts.get_type(LAYER + label).supertype.name == "uima.tcas.Annotation"
    # A slot: FSArray of <layer><Feature>Link (a TOP with role and target), the target the ACTOR layer.
    link = ts.get_type(LAYER + "STANCEHolder_spanLink")
    assert ts.get_type(LAYER + "STANCE").get_feature("holder_span").elementType.name == link.name
    assert link.supertype.name == "uima.cas.TOP"
    assert {f.name: f.rangeType.name for f in link.all_features} == {
        "role": "uima.cas.String",
        "target": LAYER + "ACTOR",
    }
    assert ts.get_type(METADATA).supertype.name == "uima.tcas.DocumentAnnotation"


def test_inception_cassis_reads_every_annotation(tmp_path: Path):
    (record,) = _gold_records()
    _write([record], tmp_path / "seed.zip")
    (cas,) = _load(tmp_path / "seed.zip")
    assert cas.sofa_string == record["text"]
    (meta,) = cas.select(METADATA)
    assert (meta.documentTitle, meta.documentId, meta.language) == (record["title"], record["id"], "en")
    assert [(s.begin, s.end) for s in cas.select(SENTENCE)] == [(s["start"], s["end"]) for s in record["sentences"]]
    by_id = {s["id"]: s for s in record["spans"]}
    found = sorted(
        (a for label in ("ACTOR", "QUANTITY", "STANCE") for a in cas.select(LAYER + label)), key=lambda a: a.xmiID
    )
    assert len(found) == len(record["spans"])
    for annotation, span in zip(found, record["spans"]):  # written in the record's order
        assert annotation.type.name == LAYER + span["label"]
        assert (annotation.begin, annotation.end) == (span["start"], span["end"])
        assert annotation.get_covered_text() == span["text"]
        for name, value in span["attrs"].items():
            got = annotation.get(name + "_" if name == "type" else name)
            if name.endswith("_span"):
                (link,) = got.elements
                assert link.role == name.removesuffix("_span")
                target = link.target
                assert (target.begin, target.end) == (by_id[value]["start"], by_id[value]["end"])
                assert target.type.name == LAYER + "ACTOR"
            else:
                assert got == value
        unset = {f.name.rstrip("_") for f in annotation.type.features} - set(span["attrs"])
        assert all(annotation.get(n + "_" if n == "type" else n) is None for n in unset)  # absent stays absent


@pytest.mark.parametrize(
    "text",
    ["Putin 🇷🇺 said 😀 that 9,000 𝐭𝐫𝐨𝐨𝐩𝐬 came", "قال بوتين 😀 إن ٩٠٠٠ جندي", "שלום 👋🏽 עולם and 𝄞 music"],
)
def test_inception_astral_offsets_round_trip_exactly(tmp_path: Path, text: str):
    """UIMA counts UTF-16 units: the XMI holds them, cassis gives back code points, both exact."""
    words = [(i, i + len(w)) for i, w in _words(text)]
    record = {
        "id": "d1", "title": "t", "lang": "en", "text": text, "sentences": [{"start": 0, "end": len(text)}],
        "spans": [{"id": f"s{n}", "label": "ACTOR", "start": a, "end": b, "text": text[a:b], "attrs": {}}
                  for n, (a, b) in enumerate(words)],
    }  # fmt: skip
    _write([record], tmp_path / "x.zip")
    xmi = _members(tmp_path / "x.zip")["d1.xmi"]
    (cas,) = _load(tmp_path / "x.zip")
    assert [(a.begin, a.end) for a in cas.select(LAYER + "ACTOR")] == words
    utf16 = [(len(text[:a].encode("utf-16-le")) // 2, len(text[:b].encode("utf-16-le")) // 2) for a, b in words]
    assert all(f'begin="{a}" end="{b}"' in xmi for a, b in utf16)
    (document,) = inception.read(tmp_path / "x.zip")
    assert [(s.start, s.end, document.text[s.start : s.end]) for s in document.spans] == [
        (a, b, text[a:b]) for a, b in words
    ]


def _words(text: str) -> list[tuple[int, str]]:
    out, start = [], None
    for i, char in enumerate([*text, " "]):
        if char.isspace() and start is not None:
            out.append((start, text[start:i]))
            start = None
        elif not char.isspace() and start is None:
            start = i
    return out


# --- what the format cannot hold -------------------------------------------------------------------------------------


def test_inception_export_reports_what_it_leaves_out(tmp_path: Path):
    text = "Minsk said 9000 troops\x07 came."
    spans = [
        {"id": "a", "label": "ACTOR", "start": 0, "end": 5, "text": "Minsk", "attrs": {}, "status": "pending"},
        {"id": "b", "label": "ACTOR", "start": 0, "end": 5, "text": "Minsk", "attrs": {}, "status": "rejected"},
        {"id": "c", "label": "STANCE", "start": 0, "end": 10, "text": "Minsk said", "status": "accepted",
         "attrs": {"holder_span": "a"}},
        {"id": "d", "label": "QUANTITY", "start": 11, "end": 22, "text": "9000 troops", "status": "accepted",
         "attrs": {"value": 2**60 + 1}},
        {"id": "e", "label": "ACTOR", "start": 11, "end": 15, "text": "9000", "status": "accepted",
         "attrs": {"canonical": "bell\x07", "type": "state"}},
    ]  # fmt: skip
    record = {"id": "d1", "title": "t\x0b", "lang": "en", "text": text, "sentences": [], "spans": spans}
    (documents, written), left_out = _write([record], tmp_path / "x.zip")
    assert (documents, written) == (1, 3)
    reasons = {u.reason: u.count for u in left_out.report()}
    assert reasons == {
        "pending suggestion (INCEpTION holds annotations, not suggestions)": 1,
        "rejected suggestion (INCEpTION holds annotations, not suggestions)": 1,
        "attribute 'holder_span': the span it names is not exported": 1,
        "attribute 'value': a int where the type system has uima.cas.Float": 1,
        "text characters XML 1.0 cannot hold, written as spaces": 1,
        "attribute 'canonical': characters XML 1.0 cannot hold": 1,
    }
    (cas,) = _load(tmp_path / "x.zip")
    assert cas.sofa_string == text.replace("\x07", " ")  # same length: every offset still holds
    (actor,) = cas.select(LAYER + "ACTOR")
    assert (actor.canonical, actor.type_, cas.select(METADATA)[0].documentTitle) == (None, "state", "t ")


def test_inception_export_adds_labels_and_attributes_the_schema_lacks(tmp_path: Path):
    record = {
        "id": "d1", "title": "t", "lang": "en", "text": "Minsk said", "sentences": [],
        "spans": [{"id": "a", "label": "EVENT", "start": 6, "end": 10, "text": "said", "attrs": {"kind": "speech",
                                                                                                  "weight": 2.5}}],
    }  # fmt: skip
    _write([record], tmp_path / "x.zip")
    (cas,) = _load(tmp_path / "x.zip")
    (event,) = cas.select(LAYER + "EVENT")
    assert (event.kind, event.weight, event.get_covered_text()) == ("speech", 2.5, "said")


# --- import: the zip, a lone .xmi, bad files ------------------------------------------------------------------------


def _spans_of(store) -> list[tuple]:
    """Every span as (doc_id, start, end, label, attrs), a span attribute written as its target's offsets and label."""
    out = []
    for doc_id in store.documents()["id"]:
        spans = list(store.iter_spans(doc_id))
        where = {s.id: (s.start, s.end, s.label) for s in spans}
        for s in spans:
            attrs = {k: where[v] if k.endswith("_span") else v for k, v in s.attrs.items()}
            out.append((doc_id, s.start, s.end, s.label, json.dumps(attrs, sort_keys=True)))
    return sorted(out)


def test_inception_round_trip_of_the_seed_gold_keeps_every_span(tmp_path: Path):
    from annot.export import import_jsonl

    with open_project(tmp_path / "a", annotator="gold") as source:
        import_jsonl(source, GOLD)
        done = export_as(source, tmp_path / "seed.zip", "inception")
        assert (done.documents, done.spans, done.left_out) == (1, 48, ())
        expected = _spans_of(source)
    with open_project(tmp_path / "b", annotator="inception") as copy:
        result = import_as(copy, tmp_path / "seed.zip", "inception")
        assert (result.documents_added, result.spans_written) == (1, 48)
        assert _spans_of(copy) == expected
        assert copy.documents()["title"].tolist() == ["Belarus russian grouping 2022-10-17"]
        again = import_as(copy, tmp_path / "seed.zip", "inception")  # the same file twice changes nothing
        assert (again.documents_unchanged, again.spans_written) == (1, 0)


def test_inception_import_reads_a_lone_xmi_beside_its_typesystem(tmp_path: Path):
    _write(_gold_records(), tmp_path / "seed.zip")
    for name, text in _members(tmp_path / "seed.zip").items():
        (tmp_path / name).write_text(text, "utf-8")
    (xmi,) = tmp_path.glob("*.xmi")
    (document,) = inception.read(xmi)
    assert len(document.spans) == 48 and document.lang == "en"
    assert document.where == f"{xmi} (document {xmi.name})"


def test_inception_import_ignores_unknown_types_and_missing_features(tmp_path: Path):
    """DKPro's own types and relation layers are not labels; a feature never set is an absent attribute."""
    ts = inception.to_typesystem()
    token = ts.create_type("de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Token")
    rel = ts.create_type(LAYER + "Rel")
    ts.create_feature(rel, "Governor", LAYER + "ACTOR")
    ts.create_feature(rel, "Dependent", LAYER + "ACTOR")
    from cassis import Cas

    cas = Cas(typesystem=ts)
    cas.sofa_string = "Minsk and Moscow"
    actor = ts.get_type(LAYER + "ACTOR")
    a, b = actor(begin=0, end=5, canonical="Belarus"), actor(begin=10, end=16)
    cas.add_all([a, b, token(begin=0, end=5), rel(begin=10, end=16, Governor=b, Dependent=a)])
    with zipfile.ZipFile(tmp_path / "x.zip", "w") as zf:
        zf.writestr("typesystem.xml", ts.to_xml())  # INCEpTION's own export names it in lower case
        zf.writestr("doc.xmi", cas.to_xmi())
    (document,) = inception.read(tmp_path / "x.zip")
    assert [(s.start, s.end, s.label, dict(s.attrs)) for s in document.spans] == [
        (0, 5, "ACTOR", {"canonical": "Belarus"}), (10, 16, "ACTOR", {})
    ]  # fmt: skip
    assert (document.title, document.lang) == ("doc", None)


def _bad_files(folder: Path) -> dict[str, Path]:
    good = folder / "good.zip"
    _write(_gold_records(), good)
    members = _members(good)
    xmi = next(n for n in members if n.endswith(".xmi"))
    files = {"not a zip": folder / "notazip.zip", "no typesystem": folder / "nots.zip",
             "broken typesystem": folder / "badts.zip", "broken xmi": folder / "badxmi.zip"}  # fmt: skip
    files["not a zip"].write_text("hello", "utf-8")
    with zipfile.ZipFile(files["no typesystem"], "w") as zf:
        zf.writestr(xmi, members[xmi])
    with zipfile.ZipFile(files["broken typesystem"], "w") as zf:
        zf.writestr("TypeSystem.xml", "<typeSystemDescription><types>")
        zf.writestr(xmi, members[xmi])
    with zipfile.ZipFile(files["broken xmi"], "w") as zf:
        zf.writestr("TypeSystem.xml", members["TypeSystem.xml"])
        zf.writestr(xmi, members[xmi][: len(members[xmi]) // 2])
    (folder / "lone").mkdir()
    files["lone xmi, no typesystem"] = folder / "lone" / "doc.xmi"
    files["lone xmi, no typesystem"].write_text(members[xmi], "utf-8")
    return files


@pytest.mark.parametrize(
    ("case", "says"),
    [
        ("not a zip", "not a zip archive"),
        ("no typesystem", "no TypeSystem.xml in the zip"),
        ("broken typesystem", "(TypeSystem.xml): not a UIMA type system"),
        ("broken xmi", "(document belarus-russian-grouping-2022-10-17-b0b43c2b44fa.xmi): not a UIMA CAS XMI"),
        ("lone xmi, no typesystem", "no TypeSystem.xml beside it"),
    ],
)
def test_inception_bad_file_is_refused_in_one_line_and_store_unchanged(tmp_path: Path, case: str, says: str):
    path = _bad_files(tmp_path)[case]
    with open_project(tmp_path / "p", annotator="t") as store:
        import_as(store, tmp_path / "good.zip", "inception")
    before = _store_digest(tmp_path / "p")
    with open_project(tmp_path / "p", annotator="t") as store, pytest.raises(FormatError) as err:
        import_as(store, path, "inception")
    message = str(err.value)
    assert "\n" not in message and str(path) in message and says in message
    assert message.endswith("nothing was imported.")
    assert _store_digest(tmp_path / "p") == before


# --- property: annot/1 -> XMI -> a fresh store keeps every span, label and attribute ----------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document_record(statuses=("accepted",), as_stored=True))
def test_inception_round_trip_keeps_every_span_label_and_attribute(record: dict):
    """The shared hard records (emoji, RTL, overlaps, nested spans, links), accepted spans: INCEpTION's kind."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "x.zip"
        (documents_written, spans_written), left_out = _write([record], out)
        assert (documents_written, spans_written, left_out.report()) == (1, len(record["spans"]), ())
        with open_project(Path(folder) / "p", annotator="t") as store:
            import_as(store, out, "inception", lang="en")  # a record without a language: "x-unspecified"
            got = _spans_of(store)
    where = {s["id"]: (s["start"], s["end"], s["label"]) for s in record["spans"]}
    want = set()
    for s in record["spans"]:
        attrs = {k: where[v] if k.endswith("_span") else v for k, v in s["attrs"].items()}
        attrs = {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in attrs.items()}
        want.add((s["start"], s["end"], s["label"], json.dumps(attrs, sort_keys=True)))
    assert {g[1:] for g in got} == want


def test_inception_export_declares_the_projects_own_labels(tmp_path: Path):
    """``export_as`` gives the project's schema: a label of its annot.toml is a layer before any span has it."""
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "annot.toml").write_text(
        '[labels.EVENT]\ndescription = "What happened."\n'
        '[labels.EVENT.attributes.casualties]\ntype = "number"\n'
        '[labels.EVENT.attributes.actor_span]\ntype = "span"\nlabels = ["ACTOR"]\n',
        "utf-8",
    )
    with open_project(folder, annotator="t") as store:
        export_as(store, tmp_path / "x.zip", "inception")
    ts = load_typesystem(_members(tmp_path / "x.zip")[inception.TYPESYSTEM_FILE])
    event = ts.get_type(LAYER + "EVENT")
    assert event.description == "What happened."
    assert {f.name: f.rangeType.name for f in event.features} == {
        "casualties": "uima.cas.Float", "actor_span": "uima.cas.FSArray"
    }  # fmt: skip
    assert ts.get_type(LAYER + "EVENTActor_spanLink").get_feature("target").rangeType.name == LAYER + "ACTOR"


@pytest.mark.parametrize(("extra", "says"), [("feature", "Unknown attribute 'comment' for label ACTOR"),
                                             ("layer", "Unknown label 'EVENT'")])  # fmt: skip
def test_inception_import_refuses_what_the_schema_does_not_know(tmp_path: Path, extra: str, says: str):
    """A layer or feature annot's schema lacks is named, with where it is, and nothing is imported."""
    from cassis import Cas

    ts = inception.to_typesystem()
    ts.create_feature(ts.get_type(LAYER + "ACTOR"), "comment", "uima.cas.String")
    event = ts.create_type(LAYER + "EVENT")
    cas = Cas(typesystem=ts)
    cas.sofa_string = "Minsk and Moscow"
    cas.add(ts.get_type(LAYER + "ACTOR")(begin=0, end=5, comment="x") if extra == "feature" else event(begin=0, end=5))
    with zipfile.ZipFile(tmp_path / "x.zip", "w") as zf:
        zf.writestr("TypeSystem.xml", ts.to_xml())
        zf.writestr("doc.xmi", cas.to_xmi())
    with open_project(tmp_path / "p", annotator="t"):
        pass
    before = _store_digest(tmp_path / "p")
    with open_project(tmp_path / "p", annotator="t") as store, pytest.raises(FormatError) as err:
        import_as(store, tmp_path / "x.zip", "inception")
    assert f"{tmp_path / 'x.zip'} (document doc.xmi): {says}" in str(err.value)
    assert _store_digest(tmp_path / "p") == before
