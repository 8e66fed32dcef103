"""The widgets on a team's PostgreSQL store: the same tests as on SQLite, with the project on a server.

What a team shares a server for: one annotator's edits reach the others' widgets at their next
poll (the widget's one-second poll of ``Store.annotation_revision``), and the curator sees them;
two people editing one span field: the second is told in the status line, nothing is overwritten.
Each test here is the SQLite suite's own, run again with ``$ANNOT_STORE`` naming a schema of the
session's server (``pg_server``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import annot
from annot.store import Store

from ..conftest import pg_schema
from .test_annotator_conflicts import (  # noqa: F401 - run again here, on the server
    team,
    test_deleting_a_span_someone_changed_meanwhile_is_refused_in_the_status_line,
    test_edits_of_different_fields_by_two_annotators_both_stay,
    test_second_writer_of_a_field_sees_a_conflict_then_the_first_writers_value,
)
from .test_annotator_model import (
    test_annotator_poll_and_siblings_see_edits_made_elsewhere,  # noqa: F401
    widget,  # noqa: F401 - the fixture those tests take
)
from .test_curator import test_curator_poll_sees_edits_made_elsewhere as _curator_poll


@pytest.fixture(autouse=True)
def on_server(pg_server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = pg_server.url(pg_schema(tmp_path))
    monkeypatch.setenv("ANNOT_STORE", url)
    return url


@pytest.fixture
def project(tmp_path: Path):
    store = annot.open_project(tmp_path / "project", annotator="tester")
    assert store.location.startswith("postgresql://")
    yield store
    store.close()


def test_curator_poll_sees_edits_made_elsewhere_on_postgres(tmp_path: Path):
    from annot.widgets import Curator

    from ..store.conftest import make_doc
    from .test_curator import two_annotators

    folder = tmp_path / "curated"
    with Store(folder, annotator="cleo") as store:
        assert store.location.startswith("postgresql://")
        document, sentences = make_doc()
        store.add_document(document, sentences)
        two_annotators(store, document)
        _curator_poll(Curator(store, "grouping"), store, folder)
