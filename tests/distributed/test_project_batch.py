"""``annot project --scheduler`` on a real LocalCluster: the same store as in-process, a killed worker's batch redone
and every document projected once."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annot.batch import project_on_cluster
from annot.cli import app
from annot.model import Status
from annot.store import Store
from tests.distributed.conftest import gated, write_articles
from tests.distributed.test_batch import _spans

runner = CliRunner()
LINKED = 3  # articles with a linked Portuguese version (its projected spans offered as suggestions there)


def _run(project: Path, *args: str) -> str:
    result = runner.invoke(app, ["-p", str(project), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def translated(argos_env: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12 English articles of 5 sentences, translated into pt by argos, their suggestions accepted; the first
    ``LINKED`` linked to a Portuguese version (their translations, as a person would have written them); and
    one English article more, not translated (nothing to project)."""
    base = tmp_path_factory.mktemp("projection")
    corpus = write_articles(base / "corpus", 12, 5, seed=2)
    project = base / "project"
    _run(project, "ingest", str(corpus), "--lang", "en")
    _run(project, "translate", "--to", "pt", "--engine", "argos", "--workers", "1")
    _run(project, "suggest")
    with Store(project) as store:
        for span in list(store.iter_spans(status=Status.PENDING)):
            store.update_span(span.id, status="accepted")
        docs = list(store.iter_documents())
        versions = base / "versions"
        versions.mkdir()
        for n, doc in enumerate(docs[:LINKED]):
            text = " ".join(t.text for t in sorted(store.get_translations(doc.id, target="pt"), key=lambda t: t.index))
            (versions / f"version-{n:02d}.pt.txt").write_text(text + "\n", encoding="utf-8")
    _run(project, "ingest", str(versions), "--lang", "pt")
    with Store(project) as store:
        ids = {d.key: d.id for d in store.iter_documents()}
    for n, doc in enumerate(docs[:LINKED]):
        version = next(i for key, i in ids.items() if key.endswith(f"version-{n:02d}.pt.txt"))
        _run(project, "link", doc.id, version, "--no-mt", "--human")
    extra = base / "extra"
    extra.mkdir()
    (extra / "untranslated.en.txt").write_text(
        "Nobody translated this article. It stays in English.\n", encoding="utf-8"
    )
    _run(project, "ingest", str(extra), "--lang", "en")
    return project


def _copy(translated: Path, to: Path) -> Path:
    shutil.copytree(translated, to)
    return to


def _projections(project: Path) -> list[tuple[object, ...]]:
    """Every stored projection row, the span a row offered named by its place (span ids differ between stores)."""
    with Store(project, create=False) as store:
        frame = store.projections()
        spans = store.spans()
    place = {row.id: (row.doc_id, row.start, row.end) for row in spans.itertuples()}
    frame = frame.astype(object).where(frame.notna(), None)
    frame["target_span_id"] = [place.get(i) if i else None for i in frame["target_span_id"]]
    return [tuple(row) for row in frame.itertuples(index=False, name=None)]


def _words(project: Path) -> dict[str, str]:
    """The aligner's words as argos translated them, cached in the store (``lexicon="fill"``)."""
    from annot.project.stored import lexicon_queries_of

    with Store(project, create=False) as store:
        wanted = sorted({q for doc in store.iter_documents() for q in lexicon_queries_of(store, doc, "pt")[1]})
        signature = store.translations()["signature"].iloc[0]
        return store.cached_text_translations(wanted, str(signature))


def test_project_on_cluster_stores_what_in_process_does(
    cluster, translated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import annot.batch.projection as jobs

    monkeypatch.setattr(jobs, "CHUNK_DOCUMENTS", 5)  # 12 documents in three windows
    sent: list[tuple[str, int]] = []  # (tasks' name, tasks) of each run_batches on the cluster
    real = jobs.run_batches

    def run_batches(client, function, batches, **kwargs):
        sent.append((kwargs["name"], len(batches)))
        return real(client, function, batches, **kwargs)

    monkeypatch.setattr(jobs, "run_batches", run_batches)
    local, remote = _copy(translated, tmp_path / "local"), _copy(translated, tmp_path / "remote")
    here = _run(local, "project", "--to", "pt", "--workers", "1", "--out", str(tmp_path / "here.csv"))
    result = runner.invoke(app, ["-p", str(remote), "project", "--to", "pt", "--scheduler", cluster.scheduler_address,
                                 "--out", str(tmp_path / "there.csv")])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Dask dashboard: http://127.0.0.1:" in result.stderr
    there = result.stdout
    assert here.splitlines()[:-2] == there.splitlines()[:-2]  # the same table
    assert there.splitlines()[-2].startswith("12 documents into pt: 12 recomputed, 0 up to date, 1 with nothing")
    rows = _projections(remote)
    assert rows == _projections(local) and len(rows) > 12 * 5
    # The words of the lexicons were translated by the workers (a window's in one go), stored here, as in-process.
    # (a window whose words the ones before translated sends none)
    assert sent[:2] == [("annot-project-words", sent[0][1]), ("annot-project", sent[1][1])] and sent[0][1] > 0
    assert [name for name, _ in sent].count("annot-project") == 3
    assert _words(remote) == _words(local) and len(_words(remote)) > 100
    offered = [row for row in rows if row[-1] is not None]
    assert offered and _spans(remote) == _spans(local)
    assert len({row[-1] for row in offered}) == len(offered)  # a span offered once, by one row
    # Again on the cluster: nothing stale, nothing written.
    again = _run(remote, "project", "--to", "pt", "--scheduler", cluster.scheduler_address, "--out",
                 str(tmp_path / "again.csv"))  # fmt: skip
    assert again.splitlines()[-2].startswith("12 documents into pt: 0 recomputed, 12 up to date")
    assert _projections(remote) == rows and _spans(remote) == _spans(local)
    # One document named, on the cluster: the single-document lines.
    with Store(remote, create=False) as store:
        first = next(d.id for d in store.iter_documents() if d.lang == "en")
    one = _run(remote, "project", first, "--to", "pt", "--scheduler", cluster.scheduler_address, "--out",
               str(tmp_path / "one.csv"))  # fmt: skip
    assert one.splitlines()[0].startswith(f"{first} into pt: ") and one.splitlines()[0].endswith(", 2 targets")
    assert f"{first} into pt: up to date" in one


def test_project_killed_worker_batch_is_redone_and_each_document_projected_once(
    cluster, translated: Path, tmp_path: Path
):
    from distributed import Client

    local, remote = _copy(translated, tmp_path / "local"), _copy(translated, tmp_path / "remote")
    with Store(remote, create=False) as store:
        first = next(d.id for d in store.iter_documents() if d.lang == "en")
    with (
        Client(cluster, set_as_default=False) as client,
        gated(client, "annot.batch.projection", "project_rows", lambda ready, **_: ready.doc.id == first) as go,
    ):
        pids = client.run(os.getpid)
        killed: list[int] = []

        def kill_once(done: int, total: int, what: str) -> None:
            if killed or what.startswith("read "):
                return  # still reading the documents: nothing is on the cluster yet
            # The first document is stored, the others wait at the gate: kill a worker in the middle of one.
            busy = [address for address, keys in client.processing().items() if keys]
            if busy:
                killed.append(pids[busy[0]])
                os.kill(pids[busy[0]], signal.SIGKILL)
                go()

        with Store(remote) as store:
            report = project_on_cluster(client, store, None, "pt", lexicon="cached", batch_pairs=1,
                                        progress=kill_once)  # fmt: skip
        assert killed, "no batch was running after the first document was stored"
        assert killed[0] not in client.run(os.getpid).values()
    ids = [run.doc_id for run in report.runs]
    assert len(ids) == len(set(ids)) == 12 and all(run.recomputed for run in report.runs)
    _run(local, "project", "--to", "pt", "--lexicon", "cached", "--workers", "1", "--out", str(tmp_path / "l.csv"))
    with Store(remote, create=False) as store:
        stored = store.projections()
    assert len(set(zip(stored["doc_id"].astype(str), stored["lang"].astype(str)))) == 12  # each document, in pt
    assert _projections(remote) == _projections(local) and _spans(remote) == _spans(local)
