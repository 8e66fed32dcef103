"""``annot translate|suggest --scheduler`` on a real LocalCluster: the same store as in-process, a killed worker's
batch redone without loss or duplicates."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annot.batch import local_workers, translate_on_cluster, workers_for
from annot.batch.cluster import partition
from annot.cli import app
from annot.errors import ClusterError
from annot.store import Store
from tests.distributed.conftest import gated, write_articles

runner = CliRunner()


def _ingest(project: Path, corpus: Path) -> None:
    result = runner.invoke(app, ["-p", str(project), "ingest", str(corpus), "--lang", "en"])
    assert result.exit_code == 0, result.output


def _translations(project: Path) -> list[tuple[object, ...]]:
    frame = Store(project, create=False).translations()
    return sorted(frame[["doc_id", "index", "engine", "signature", "text"]].itertuples(index=False, name=None))


def _spans(project: Path) -> list[tuple[object, ...]]:
    """Every span by place, label, attributes (a holder named by its place), annotator, status, confidence."""
    frame = Store(project, create=False).spans()
    place = {row.id: (row.doc_id, row.start, row.end) for row in frame.itertuples()}
    rows = []
    for row in frame.itertuples():
        attrs = {k: place.get(v, v) if k == "holder_span" else v for k, v in row.attrs.items()}
        rows.append((row.doc_id, row.start, row.end, str(row.label), repr(sorted(attrs.items())), row.annotator,
                     str(row.status), round(float(row.confidence), 6)))  # fmt: skip
    return sorted(rows)


def test_batch_translate_and_suggest_on_cluster_store_what_in_process_does(cluster, tmp_path: Path):
    corpus = write_articles(tmp_path / "corpus", 4, 4)
    local, remote = tmp_path / "local", tmp_path / "remote"
    for project in (local, remote):
        _ingest(project, corpus)
    here = runner.invoke(app, ["-p", str(local), "translate", "--to", "pt", "--engine", "argos", "--workers", "1"])
    assert here.exit_code == 0, here.output
    there = runner.invoke(app, ["-p", str(remote), "translate", "--to", "pt", "--engine", "argos",
                                "--scheduler", cluster.scheduler_address])  # fmt: skip
    assert there.exit_code == 0, there.output
    assert "Dask dashboard: http://127.0.0.1:" in there.stderr
    assert here.output.splitlines()[-1].split(" at ")[0] == there.output.splitlines()[-1].split(" at ")[0]
    assert len(_translations(remote)) == 16 and _translations(remote) == _translations(local)

    for project, extra in ((local, []), (remote, ["--scheduler", cluster.scheduler_address])):
        result = runner.invoke(app, ["-p", str(project), "suggest", *extra])
        assert result.exit_code == 0, result.output
    assert _spans(remote) and _spans(remote) == _spans(local)
    again = runner.invoke(app, ["-p", str(remote), "suggest", "--scheduler", cluster.scheduler_address])
    assert again.exit_code == 0 and again.output.splitlines()[-1].startswith("0 suggestions added"), again.output
    assert _spans(remote) == _spans(local)


def test_batch_killed_worker_batch_is_redone_and_stored_once(cluster, tmp_path: Path):
    from distributed import Client

    corpus = write_articles(tmp_path / "corpus", 16, 4, seed=1)
    local, remote = tmp_path / "local", tmp_path / "remote"
    for project in (local, remote):
        _ingest(project, corpus)
    with Store(remote, create=False) as store:
        first = store.get_sentences(next(store.iter_documents()))[0].text
    with (
        Client(cluster, set_as_default=False) as client,
        # The first document's batch goes through; the others wait for the kill, so some are running then.
        gated(client, "annot.batch.jobs", "translate_texts", lambda items, *_: any(first in t for _, t in items)) as go,
    ):
        pids = client.run(os.getpid)
        killed: list[tuple[str, int]] = []

        def kill_once(done: int, total: int, what: str) -> None:
            if killed:
                return
            # A batch is stored: kill a worker that is translating another.
            busy = [address for address, keys in client.processing().items() if keys]
            if busy:
                killed.append((busy[0], pids[busy[0]]))
                os.kill(pids[busy[0]], signal.SIGKILL)
                go()

        with Store(remote) as store:
            report = translate_on_cluster(client, None, store, to="pt", engines="argos", batch_sentences=2,
                                          progress=kill_once)  # fmt: skip
        assert killed, "no batch was running after the first was stored"
        assert killed[0][1] not in client.run(os.getpid).values()
    reader = Store(remote, create=False)
    sentences = sum(len(reader.get_sentences(doc)) for doc in reader.iter_documents())
    assert sum(r.translated + r.cached + r.kept for r in report.runs) == sentences == 64
    rows = _translations(remote)
    assert len(rows) == len({row[:4] for row in rows}) == sentences  # one per sentence: none lost, none twice
    result = runner.invoke(app, ["-p", str(local), "translate", "--to", "pt", "--engine", "argos", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert rows == _translations(local)


@pytest.mark.parametrize(
    ("sentences", "documents", "cores", "expected"),
    [(50_000, 1, 8, 1), (50_000, 100, 1, 1), (100, 10, 8, 1), (50_000, 100, 2, 2), (50_000, 3, 8, 3)],
)
def test_batch_local_workers_stay_in_process_for_small_jobs(sentences, documents, cores, expected):
    assert local_workers(sentences, documents, cores=cores) == expected


def test_batch_partition_keeps_documents_whole_and_in_order():
    assert partition([3, 3, 10, 1, 1, 1], 5) == [[0, 1], [2], [3, 4, 5]]
    assert partition([], 5) == []
    assert [i for batch in partition([1] * 17, 4) for i in batch] == list(range(17))


def test_batch_workers_option_errors_are_one_line(tmp_path: Path):
    with Store(tmp_path / "p") as store:
        with pytest.raises(ClusterError, match="leave it out with --scheduler"):
            workers_for(store, None, "tcp://127.0.0.1:8786", 2)
        with pytest.raises(ClusterError, match="at least 1"):
            workers_for(store, None, None, 0)


class _Route:
    name, source, target, path = "fake", "en", "pt", "en>pt"

    def signature(self) -> str:
        return "fake|1"


def test_batch_answered_route_says_what_the_worker_said():
    from annot.batch.jobs import AnsweredRoute, Answers
    from annot.errors import EngineError, PartialTranslation

    answered = AnsweredRoute(_Route(), Answers(outputs={"a": "A", "b": "B"}, failed={"c": "too long"}))
    assert answered.translate(["b", "a"]) == ["B", "A"]
    with pytest.raises(PartialTranslation) as caught:
        answered.translate(["a", "c"])
    assert caught.value.outputs == ["A", None] and caught.value.reasons == {1: "too long"}
    broken = AnsweredRoute(_Route(), Answers(outputs={"a": "A"}, error="CTranslate2 failed"))
    assert broken.translate(["a"]) == ["A"]
    with pytest.raises(EngineError, match="CTranslate2 failed"):
        broken.translate(["a", "d"])
