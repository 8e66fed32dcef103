"""Durability and concurrency on the real store: SIGKILL mid-write, concurrent writer processes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from annot.store import Store

from .conftest import TEXT, integrity, make_doc

REPO = Path(__file__).resolve().parents[2]

# A writer: opens the project (before or after the start flag appears), makes sure
# the shared document is stored, then adds spans one by one, printing each span id
# only after add_span has returned (that is, after the commit was acknowledged).
WRITER = r"""
import sys, time
from pathlib import Path

from annot.model import Document, Sentence, document_id
from annot.store import Store

project, count, annotator, flag, mode = sys.argv[1:6]
TEXT = sys.stdin.readline().rstrip("\n").replace("\\n", "\n")
doc = Document(document_id(TEXT, "Grouping"), "grouping", "Grouping", "en", TEXT)


def wait_for_flag():
    print("ready", flush=True)
    while not Path(flag).exists():
        time.sleep(0.001)


if mode == "open-after":
    wait_for_flag()
store = Store(project, annotator=annotator)
store.add_document(doc, [Sentence(doc.id, 0, 0, len(TEXT), TEXT)])
if mode == "open-first":
    wait_for_flag()
n, i = int(count), 0
while n < 0 or i < n:
    start = i % (len(TEXT) - 8)
    span = store.add_span(doc.id, start, start + 8, "ACTOR", {"canonical": f"{annotator}-{i}"})
    sys.stdout.write(span.id + "\n")
    sys.stdout.flush()
    i += 1
store.close()
print("done", flush=True)
"""


def start_writer(
    tmp_path: Path, project: Path, count: int, annotator: str, mode: str = "open-first"
) -> subprocess.Popen[str]:
    script = tmp_path / "writer.py"
    if not script.exists():
        script.write_text(WRITER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen(
        [sys.executable, str(script), str(project), str(count), annotator, str(tmp_path / "go"), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
        env=env,
        cwd=REPO,
    )
    proc.stdin.write(TEXT.replace("\n", "\\n") + "\n")
    proc.stdin.close()
    watchdog = threading.Timer(120, proc.kill)  # a hung writer must not hang the suite on readline()
    watchdog.daemon = True
    watchdog.start()
    return proc


def read_line(proc: subprocess.Popen[str], deadline: float) -> str:
    line = proc.stdout.readline()
    if not line or time.monotonic() > deadline:
        proc.kill()
        pytest.fail(f"writer stopped early (rc={proc.wait()}): {proc.stderr.read()[-2000:]}")
    return line.strip()


def check_store(project: Path, expected_ids: set[str]) -> set[str]:
    assert integrity(project) == "ok"
    with Store(project, create=False) as store:
        stored = set(store.spans()["id"])
        missing = expected_ids - stored
        assert not missing, f"{len(missing)} acknowledged spans lost, e.g. {sorted(missing)[:3]}"
        adds = store.history().query("op == 'add'")
        assert set(adds["span_id"]) == stored
        return stored


@pytest.mark.slow
def test_store_keeps_every_acknowledged_span_after_sigkill(tmp_path, project):
    rng = random.Random(7)
    acked: set[str] = set()
    for _ in range(3):
        proc = start_writer(tmp_path, project, -1, "killed")
        deadline = time.monotonic() + 60
        assert read_line(proc, deadline) == "ready"
        (tmp_path / "go").touch()
        wanted = rng.randint(150, 250)
        seen = 0
        while seen < wanted:
            acked.add(read_line(proc, deadline))
            seen += 1
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
        # Lines already in the pipe were acknowledged before the kill too.
        acked.update(line.strip() for line in proc.stdout if line.strip())
        proc.stdout.close()
        proc.stderr.close()
        stored = check_store(project, acked)
        assert len(stored) >= len(acked)
    assert len(acked) >= 450


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["open-first", "open-after"])
def test_store_two_writer_processes_lose_nothing(tmp_path, project, mode):
    if mode == "open-first":
        with Store(project) as store:  # the project exists before the writers start
            store.add_document(*make_doc(TEXT))
    procs = [start_writer(tmp_path, project, 300, name, mode) for name in ("w1", "w2")]
    deadline = time.monotonic() + 90
    for proc in procs:
        assert read_line(proc, deadline) == "ready"
    (tmp_path / "go").touch()
    ids: set[str] = set()
    for proc in procs:
        lines = [read_line(proc, deadline) for _ in range(301)]
        assert lines[-1] == "done"
        ids.update(lines[:-1])
        assert proc.wait(timeout=30) == 0, proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
    assert len(ids) == 600
    assert check_store(project, ids) == ids
    with Store(project) as store:
        assert store.counts()["documents"] == 1
        assert store.counts()["spans"] == 600
        assert store.stats().loc[["w1", "w2"], "total"].tolist() == [300, 300]
        history = store.history()
        assert len(history) == 600
        assert set(history["op"]) == {"add"}


def test_store_two_objects_in_one_process_interleave(project):
    with Store(project, annotator="alice") as one, Store(project, annotator="bob") as two:
        doc, sentences = make_doc()
        assert one.add_document(doc, sentences).status == "added"
        assert two.add_document(doc, sentences).status == "unchanged"
        mine, theirs = [], []
        for i in range(20):
            mine.append(one.add_span(doc.id, i, i + 4, "ACTOR").id)
            theirs.append(two.add_span(doc.id, i, i + 6, "ACTOR").id)
            assert len(one.spans()) == len(two.spans()) == 2 * (i + 1)
        two.update_span(mine[0], status="pending")  # bob edits alice's span through his object
        assert one.get_span(mine[0]).status == "pending"
        assert one.undo("bob").id == mine[0]  # any object can undo for any annotator
        assert two.get_span(mine[0]).status == "accepted"
        assert two.undo("alice").id == mine[-1]
        assert one.counts()["spans"] == two.counts()["spans"] == 39
        assert set(one.spans()["id"]) == set(mine[:-1]) | set(theirs)
    assert integrity(project) == "ok"


def test_store_two_objects_in_threads_write_concurrently(project):
    with Store(project) as first:
        doc, sentences = make_doc()
        first.add_document(doc, sentences)
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def write(name: str) -> None:
        try:
            with Store(project, annotator=name) as store:
                barrier.wait()
                for i in range(100):
                    store.add_span(doc.id, i % 50, i % 50 + 3, "ACTOR")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(name,)) for name in ("t1", "t2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    with Store(project) as store:
        assert store.stats().loc[["t1", "t2"], "total"].tolist() == [100, 100]
    assert integrity(project) == "ok"


@pytest.mark.sqlite_only
def test_a_second_store_in_one_process_keeps_the_first_ones_writes_visible(tmp_path: Path):
    """Opening and closing another Store on the same project must not drop the first one's SQLite locks.

    POSIX locks belong to the process: closing any handle on the file releases
    them all, after which another process may checkpoint and delete the WAL
    under the first Store, whose later writes are then lost (a notebook that
    opens the project twice did exactly this).
    """
    import annot

    text = tmp_path / "a.en.txt"
    text.write_text("Russia moved 9,000 troops. Minsk agreed.", encoding="utf-8")
    first = annot.open_project(tmp_path / "p")
    doc_id = annot.ingest(str(text), first).results[0].doc_id
    first.add_span(doc_id, 0, 6, "ACTOR")
    annot.open_project(tmp_path / "p").close()
    query = (
        "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM spans').fetchone()[0])"
    )
    count = [sys.executable, "-c", query, str(tmp_path / "p" / "annot.db")]
    first.add_span(doc_id, 27, 32, "ACTOR")
    assert subprocess.run(count, capture_output=True, text=True, check=True).stdout.strip() == "2"
    first.add_span(doc_id, 13, 18, "QUANTITY")  # after the other process closed: the WAL must still be ours
    assert subprocess.run(count, capture_output=True, text=True, check=True).stdout.strip() == "3"
    first.close()
