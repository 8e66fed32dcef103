"""A project the user cannot write: read commands work on it, write commands say it is read-only, nothing changes.

Run for real by a process that file permissions bind (root without its bypass: see ``tests/cli/unprivileged.py``).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from annot.pipeline import ingest, open_project
from annot.store import DB_NAME
from tests.cli.unprivileged import (
    check_bound_by_permissions,
    give_away,
    make_read_only,
    run_python_unprivileged,
    run_unprivileged,
    shared_folder,
)

ROOT = Path(__file__).resolve().parents[2]
EN, ES = "belarus-russian-grouping", "belarus-agrupacion-rusa"


def _hashes(project: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(project.iterdir())}


@pytest.fixture
def shared():
    with shared_folder() as folder:
        check_bound_by_permissions(folder)  # really bound: 555 would not stop root
        yield folder


@pytest.fixture
def read_only_project(shared: Path) -> Path:
    """The corpus ingested, a span, the two articles linked and aligned; then folder 555, files 444."""
    project = shared / "project"
    with open_project(project, annotator="owner") as store:
        ingest(ROOT / "corpus", store, lang=None)
        en, es = store.resolve(EN), store.resolve(ES)
        start = store.document(en).text.index("Minsk")
        store.add_span(en, start, start + 5, "ACTOR", {"canonical": "Belarus"})
        store.link(en, es)
        store.set_alignment(en, es, [((0,), (0,)), ((1,), (1,))])
    assert sorted(p.name for p in project.iterdir()) == [DB_NAME]  # closed: no -wal, no -shm
    make_read_only(project)
    return project


def _error_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2 and len(lines) == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return lines[0]


def test_read_commands_work_on_a_read_only_project(read_only_project: Path, shared: Path):
    project = read_only_project
    before = _hashes(project)
    out = shared / "out"
    out.mkdir(mode=0o777)
    out.chmod(0o777)
    commands = {
        "ls": ["ls"],
        "stats": ["stats"],
        "show": ["show", EN],
        "export": ["export", "--out", str(out / "corpus.jsonl")],
        "alignment": ["alignment", EN, ES],
        "claims": ["claims", "--out", str(out / "claims.html")],
        "meta": ["meta", EN],
        "agreement": ["agreement"],
    }
    results = {name: run_unprivileged(project, *args, home=shared) for name, args in commands.items()}
    for name, result in results.items():
        assert result.returncode == 0, (name, result.stdout, result.stderr)
    assert "7 documents" in results["ls"].stdout  # corpus/ and corpus/outlets/
    assert "ACTOR" in results["stats"].stdout and "owner" in results["stats"].stdout
    assert "Minsk" in results["show"].stdout
    assert "2 beads" in results["alignment"].stdout
    assert results["claims"].stdout.startswith("no quantity claims")  # the ledger read, without a claim
    assert "published  2022-10-17" in results["meta"].stdout
    assert results["agreement"].stdout.startswith("agreement needs two annotators")  # one annotator: the hint
    records = [json.loads(line) for line in (out / "corpus.jsonl").read_text("utf-8").splitlines()]
    articles = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "corpus").rglob("*.txt"))
    assert sorted(r["key"] for r in records) == articles
    assert _hashes(project) == before  # not a byte written, no -wal or -shm created


@pytest.mark.parametrize(
    "args",
    [
        ["ingest", str(ROOT / "corpus")],
        ["alignment", EN, ES, "--set", "1=1"],
        ["alignment", EN, ES, "--unlink"],
        ["init"],
        ["meta", EN, "--outlet", "Elsewhere"],
    ],
    ids=["ingest", "alignment --set", "alignment --unlink", "init", "meta --outlet"],
)
def test_write_commands_on_a_read_only_project_say_so_and_change_nothing(read_only_project, shared, args):
    before = _hashes(read_only_project)
    line = _error_line(run_unprivileged(read_only_project, *args, home=shared))
    assert line.startswith(f"error: Project {read_only_project} is read-only for "), line
    assert f"cannot write {read_only_project}" in line and "nothing was changed" in line
    assert "annot ls, show, stats, export" in line and f"cp -r {read_only_project} COPY" in line
    for wrong in ("corrupted", "backup", "Restore"):
        assert wrong not in line
    assert _hashes(read_only_project) == before


def test_import_into_a_read_only_project_says_so(read_only_project, shared):
    path = shared / "one.jsonl"
    with open_project(shared / "elsewhere") as other:
        ingest(ROOT / "corpus" / "belarus-russian-grouping-2022-10-17.en.txt", other)
        from annot.export import export_jsonl

        export_jsonl(other, path)
    path.chmod(0o644)
    before = _hashes(read_only_project)
    line = _error_line(run_unprivileged(read_only_project, "import", str(path), home=shared))
    assert f"Project {read_only_project} is read-only for " in line
    assert _hashes(read_only_project) == before


PYTHON = """
import sys
from annot import Store, StoreError
project = sys.argv[1]
try:
    Store(project)
except StoreError as exc:
    print("open:", exc)
with Store(project, read_only=True) as store:
    doc = store.document("belarus-russian-grouping")
    print("read:", store.counts()["spans"], store.read_only)
    try:
        store.add_span(doc.id, 0, 3, "ACTOR")
    except StoreError as exc:
        print("write:", exc)
"""


def test_python_store_read_only_reads_and_refuses_writes(read_only_project: Path, shared: Path):
    before = _hashes(read_only_project)
    result = run_python_unprivileged(PYTHON, str(read_only_project), home=shared)
    assert result.returncode == 0, result.stderr
    said = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    assert said["read"] == "1 True"
    for key in ("open", "write"):
        assert said[key].startswith(f"Project {read_only_project} is read-only for "), said
        assert "Store(path, read_only=True)" in said[key]
    assert _hashes(read_only_project) == before


HOLD = """
import sys, time
from annot import Store
store = Store(sys.argv[1], annotator="owner")
doc = store.document("belarus-russian-grouping")
start = doc.text.index("Revenko")
store.add_span(doc.id, start, start + 7, "ACTOR")
print("written", flush=True)
sys.stdin.readline()
store.close()
"""


def test_read_only_project_open_by_its_owner_is_read_live(read_only_project: Path, shared: Path):
    # The owner (root with its bypass, or this user) writes while the folder is read-only for the reader:
    # the reader goes through the WAL (mode=ro, not immutable) and sees the new span before it reaches annot.db.
    project = read_only_project
    project.chmod(0o755)
    (project / DB_NAME).chmod(0o644)  # writable again for the owner only
    owner = subprocess.Popen([sys.executable, "-c", HOLD, str(project)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)  # fmt: skip
    try:
        assert owner.stdout is not None and owner.stdout.readline().strip() == "written"
        (project / f"{DB_NAME}-wal").chmod(0o644)
        (project / f"{DB_NAME}-shm").chmod(0o644)
        give_away(project / f"{DB_NAME}-wal", project / f"{DB_NAME}-shm")  # the owner's, like the rest
        result = run_unprivileged(project, "stats", home=shared)
        assert result.returncode == 0, result.stderr
        assert "2 spans" in result.stdout
    finally:
        owner.communicate("\n", timeout=60)
    assert owner.returncode == 0


CRASH = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.execute("PRAGMA wal_autocheckpoint = 0")
conn.execute("UPDATE meta SET value = value WHERE key = 'schema_version'")
conn.execute("INSERT INTO meta(key, value) VALUES ('crash', 'left in the WAL')")
conn.commit()
os._exit(0)  # killed: the WAL is never checkpointed into annot.db
"""


def test_read_only_project_with_changes_left_in_its_wal_is_refused_not_misread(read_only_project, shared):
    project = read_only_project
    project.chmod(0o755)
    (project / DB_NAME).chmod(0o644)
    subprocess.run([sys.executable, "-c", CRASH, str(project / DB_NAME)], check=True)
    (project / f"{DB_NAME}-shm").unlink()  # as after a reboot
    assert (project / f"{DB_NAME}-wal").stat().st_size > 0
    make_read_only(project)
    line = _error_line(run_unprivileged(project, "ls", home=shared))
    assert f"its last changes are still in {DB_NAME}-wal" in line and "open the project once" in line
