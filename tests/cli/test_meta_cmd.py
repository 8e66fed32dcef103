"""``annot meta`` and the metadata columns of ``annot ls``, run in-process on a real project."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from annot.cli import app
from annot.pipeline import open_project
from tests.test_ingest_metadata import ES, FRONT

runner = CliRunner()

ARTICLE = FRONT + ES + "\n"  # the metadata tests' article, with its front matter


def run(project: Path, *args: str, code: int = 0):
    # A terminal as wide as the README's examples: ids are never cut, so a narrow one squeezes the rest.
    result = runner.invoke(app, ["--project", str(project), "--annotator", "cli", *args], env={"COLUMNS": "160"})
    assert result.exit_code == code, (result.exit_code, result.output)
    return result


def _project(tmp_path: Path) -> Path:
    article = tmp_path / "corpus" / "rusia.txt"
    article.parent.mkdir()
    article.write_text(ARTICLE, encoding="utf-8")
    project = tmp_path / "p"
    assert "1 added" in run(project, "ingest", str(article)).output
    return project


def test_meta_prints_the_metadata_read_from_front_matter(tmp_path: Path):
    project = _project(tmp_path)
    out = run(project, "meta", "rusia").output
    for line in ("outlet     Diario del Sur", "author     María López", "published  2022-10-17T16:40:00+02:00",
                 "url        https://example.org/es/rusia-bielorrusia", "lang       es"):  # fmt: skip
        assert line in out, out


def test_meta_sets_and_clears_fields_in_place(tmp_path: Path):
    project = _project(tmp_path)
    with open_project(project) as store:
        doc_id = store.resolve("rusia")
    out = run(project, "meta", "rusia", "--outlet", "El Norte", "--author", "", "--published", "2022-10-18").output
    assert "outlet     El Norte" in out and "published  2022-10-18" in out and "María" not in out
    with open_project(project) as store:
        doc = store.document(doc_id)  # the same id: edited in place
        assert (doc.outlet, doc.author, doc.published.isoformat()) == ("El Norte", None, "2022-10-18")
        assert len(store.documents(all_versions=True)) == 1


def test_meta_bad_value_is_one_line_and_exit_2(tmp_path: Path):
    project = _project(tmp_path)
    result = run(project, "meta", "rusia", "--published", "last monday", code=2)
    assert result.output.strip().splitlines() == [
        "error: published 'last monday' is not an ISO 8601 date or date and time; write it like 2022-10-17 or"
        " 2022-10-17T16:40:00+02:00; an empty value clears the field."
    ]
    assert "neither a URL" in run(project, "meta", "rusia", "--url", "example org", code=2).output
    assert "No document 'nothing'" in run(project, "meta", "nothing", code=2).output


def test_ls_shows_outlet_and_published_time_in_utc(tmp_path: Path):
    project = _project(tmp_path)
    out = run(project, "ls").output
    header = out.splitlines()[0].split()
    assert header == ["id", "lang", "sentences", "spans", "published", "outlet", "title"]
    assert "2022-10-17 14:40" in out and "Diario del Sur" in out  # 16:40+02:00 is 14:40 UTC
    run(project, "meta", "rusia", "--published", "2022-10-17", "--outlet", "")
    out = run(project, "ls").output
    assert "2022-10-17 " in out and "14:40" not in out and "Diario" not in out  # a date alone, no outlet


def test_show_names_where_the_document_was_published(tmp_path: Path):
    project = _project(tmp_path)
    out = run(project, "show", "rusia").output
    assert "Diario del Sur · María López · 2022-10-17T16:40:00+02:00 · https://example.org/es/rusia-bielorrusia" in out
