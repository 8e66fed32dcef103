"""What doccano's server does to our file on the way back: new entity ids, our ``annot`` key spread at the top.

doccano keeps every key of an imported line but the text and the labels as the example's ``meta``
(``backend/data_import/pipeline/builders.py``) and exports ``{"id", "text", **meta, "entities",
"relations"}`` with its own database ids (``backend/data_export/models.py``). The ids of the metadata's
``spans`` then name other entities, or none: the attributes must still reach the right spans.
"""

from __future__ import annotations

import json
from pathlib import Path

from annot.exchange import export_as, import_as
from annot.pipeline import open_project
from tests.export.conftest import stored_spans


def _as_doccano_exports_it(line: dict, first_id: int) -> dict:
    """``line`` after a trip through doccano: entities renumbered from ``first_id`` backwards from the last one,
    so that new ids land on old ones of other entities, in the order of the file (doccano creates them in that
    order and exports them by id); the example's own id replaced."""
    entities = line["entities"]
    new = {e["id"]: first_id + n for n, e in enumerate(reversed(entities))}
    meta = {k: v for k, v in line.items() if k not in ("id", "text", "entities", "relations")}
    return {
        "id": 9001, "text": line["text"], **meta,
        "entities": [{**e, "id": new[e["id"]]} for e in entities],
        "relations": [{**r, "id": 700 + n, "from_id": new[r["from_id"]], "to_id": new[r["to_id"]]}
                      for n, r in enumerate(line["relations"])],
    }  # fmt: skip


def test_doccano_renumbered_entities_keep_their_own_attributes(gold_store, tmp_path: Path):
    done = export_as(gold_store, tmp_path / "ours.jsonl", "doccano")
    (line,) = [json.loads(raw) for raw in done.path.read_text("utf-8").splitlines()]
    ids = sorted(e["id"] for e in line["entities"])
    # Renumbered from the second id: every new id but one is an old id of another entity.
    back = _as_doccano_exports_it(line, first_id=ids[1])
    assert {e["id"] for e in back["entities"]} & set(ids)
    path = tmp_path / "from-doccano.jsonl"
    path.write_text(json.dumps(back, ensure_ascii=False) + "\n", encoding="utf-8")
    with open_project(tmp_path / "fresh", annotator="someone") as fresh:
        result = import_as(fresh, path, "doccano")
        assert result.spans_written == 48
        assert stored_spans(fresh) == stored_spans(gold_store)
