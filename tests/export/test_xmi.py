"""XMI written by annot.export.xmi as cassis writes it; hostile XMI (entities, a DOCTYPE) refused before cassis."""

from __future__ import annotations

import hashlib
import itertools
import tempfile
import zipfile
from pathlib import Path

import pytest
from cassis import load_cas_from_xmi, load_typesystem
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from annot.cli import app
from annot.errors import FormatError
from annot.exchange import import_as
from annot.export import inception
from annot.export.formats import LeftOut
from annot.export.xmi import doctype_of, float_text, utf16_offsets
from annot.pipeline import open_project
from tests.export.strategies import documents

pytestmark = pytest.mark.filterwarnings("ignore:Trying to add feature `type`:UserWarning")
ROOT = Path(__file__).resolve().parents[2]
GOLDEN_ZIP = ROOT / "tests" / "golden" / "formats" / "seed.inception.zip"


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _rewritten_by_cassis(members: dict[str, bytes]) -> dict[str, bytes]:
    """Each .xmi loaded by cassis (with the zip's type system) and written again by cassis."""
    ts = load_typesystem(members[inception.TYPESYSTEM_FILE].decode("utf-8"))
    return {
        name: load_cas_from_xmi(data.decode("utf-8"), typesystem=ts).to_xmi(pretty_print=True).encode("utf-8")
        for name, data in members.items()
        if name.endswith(".xmi")
    }


# --- the writer: cassis's bytes ----------------------------------------------------------------------------------


def test_xmi_golden_is_what_cassis_writes_for_it():
    members = _members(GOLDEN_ZIP)
    rewritten = _rewritten_by_cassis(members)
    assert rewritten and all(rewritten[name] == members[name] for name in rewritten)


@st.composite
def _with_sentences(draw: st.DrawFn) -> list[dict]:
    """The shared hard records, each text cut into sentences (UIMA annotations too, numbered before the spans)."""
    records = draw(documents())
    for record in records:
        cuts = sorted(set(draw(st.lists(st.integers(0, len(record["text"])), max_size=3))) | {0, len(record["text"])})
        record["sentences"] = [{"start": a, "end": b} for a, b in itertools.pairwise(cuts)]
    return records


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_with_sentences())
def test_xmi_cassis_reads_the_export_and_writes_the_same_bytes(records: list[dict]):
    """Emoji (two UTF-16 units), RTL text, overlapping and nested spans, links, pending and rejected spans:
    whatever annot writes, cassis loads into a CAS that it serializes to the very bytes annot wrote."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "x.zip"
        inception.write(records, out, LeftOut())
        members = _members(out)
    rewritten = _rewritten_by_cassis(members)
    assert len(rewritten) == len(records)
    for name, data in rewritten.items():
        assert data == members[name], name


@pytest.mark.parametrize(
    ("text", "offset", "utf16"),
    [("abc", 3, 3), ("a😀b", 2, 3), ("a😀b", 3, 4), ("👨‍👩‍👧x", 5, 8), ("שלום", 4, 4), ("", 0, 0)],
)
def test_xmi_utf16_offsets(text: str, offset: int, utf16: int):
    assert utf16_offsets(text)(offset) == utf16 == len(text[:offset].encode("utf-16-le")) // 2


@pytest.mark.parametrize("value", [9000.0, -3.5, 1.5e-07, 1e22, float("inf"), float("-inf"), float("nan")])
def test_xmi_float_text_as_cassis_writes_it(value: float):
    from cassis.xmi import CasXmiSerializer

    assert float_text(value) == CasXmiSerializer()._serialize_float_value(value)


# --- hostile XMI ---------------------------------------------------------------------------------------------------

SECRET = "annot-test-secret-8d1f"


def _digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _with_doctype(xmi: str, doctype: str, entity: str) -> str:
    """``xmi`` with ``doctype`` after its XML declaration and ``&entity;`` in the sofa string and the title."""
    declaration, rest = xmi.split("\n", 1)
    for attribute in ("sofaString", "documentTitle"):
        rest = rest.replace(f'{attribute}="', f'{attribute}="&{entity};', 1)
    return f"{declaration}\n{doctype}\n{rest}"


_LAUGHS = "".join([f'<!ENTITY l0 "{"ha" * 5}">'] + [f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10)])


def _hostile(folder: Path, secret: Path) -> dict[str, tuple[Path, str]]:
    """Bad zips made from the golden one: (file, the member the error names)."""
    members = {name: data.decode("utf-8") for name, data in _members(GOLDEN_ZIP).items()}
    xmi = next(name for name in members if name.endswith(".xmi"))
    external = f'<!DOCTYPE xmi:XMI [<!ENTITY e SYSTEM "{secret.as_uri()}">]>'
    cases = {
        "external entity in the text": ({xmi: _with_doctype(members[xmi], external, "e")}, xmi),
        "billion laughs": ({xmi: _with_doctype(members[xmi], f"<!DOCTYPE xmi:XMI [{_LAUGHS}]>", "l9")}, xmi),
        "external entity in the type system": (
            {"TypeSystem.xml": members["TypeSystem.xml"].replace(
                "?>", f'?>\n<!DOCTYPE typeSystemDescription [<!ENTITY e SYSTEM "{secret.as_uri()}">]>', 1,
            ).replace("<description>", "<description>&e;", 1)},
            "TypeSystem.xml",
        ),
    }  # fmt: skip
    found = {}
    for n, (case, (changed, named)) in enumerate(cases.items()):
        path = folder / f"hostile-{n}.zip"
        with zipfile.ZipFile(path, "w") as zf:
            for name, text in {**members, **changed}.items():
                zf.writestr(name, text)
        found[case] = (path, named)
    return found


@pytest.fixture
def hostile(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, "utf-8")
    return _hostile(tmp_path, secret)


HOSTILE = ["external entity in the text", "billion laughs", "external entity in the type system"]


@pytest.mark.parametrize("case", HOSTILE)
def test_xmi_with_entities_is_refused_in_one_line_and_the_store_is_unchanged(tmp_path: Path, hostile: dict, case: str):
    path, named = hostile[case]
    with open_project(tmp_path / "p", annotator="t") as store:
        import_as(store, GOLDEN_ZIP, "inception")
    before = _digest(tmp_path / "p")
    with open_project(tmp_path / "p", annotator="t") as store, pytest.raises(FormatError) as err:
        import_as(store, path, "inception")
    message = str(err.value)
    assert "\n" not in message and f"{path} (" in message and named in message
    assert "declares a DOCTYPE" in message and "export the document again without it" in message
    assert SECRET not in message
    assert _digest(tmp_path / "p") == before


def test_xmi_lone_file_with_an_external_entity_is_refused(tmp_path: Path, hostile: dict):
    members = _members(hostile["external entity in the text"][0])
    xmi = next(name for name in members if name.endswith(".xmi"))
    (tmp_path / "lone").mkdir()
    (tmp_path / "lone" / inception.TYPESYSTEM_FILE).write_bytes(members[inception.TYPESYSTEM_FILE])
    (tmp_path / "lone" / xmi).write_bytes(members[xmi])
    (found,) = inception.read(tmp_path / "lone" / xmi)
    assert isinstance(found, FormatError) and "declares a DOCTYPE" in str(found) and SECRET not in str(found)


def test_cli_import_of_an_xmi_with_an_external_entity_is_one_line_and_reads_nothing(tmp_path: Path, hostile: dict):
    path, named = hostile["external entity in the text"]
    project = tmp_path / "p"
    result = CliRunner().invoke(
        app, ["--project", str(project), "--annotator", "cli", "import", "--format", "inception", str(path)]
    )
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 2 and len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert str(path) in lines[0] and named in lines[0] and "declares a DOCTYPE" in lines[0]
    assert SECRET not in result.output + result.stderr
    if project.exists():
        with open_project(project, annotator="t") as store:
            assert store.documents().empty


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (b"<?xml version='1.0'?>\n<a/>", None),
        (b'<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>', "<!DOCTYPE a>"),
        (b"<!DOCTYPE a><a/>", "<!DOCTYPE a>"),
        (b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;<b', "entities"),  # not well formed: judged by its bytes
        (b"<a><b></a>", None),  # cassis names what is wrong with it
    ],
)
def test_xmi_doctype_of(data: bytes, found: str | None):
    assert doctype_of(data) == found
