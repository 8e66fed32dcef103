"""A throwaway PostgreSQL server on loopback: for the test suite, the benchmarks, and trying annot on a server.

Debian's ``postgresql`` package (installed by ``scripts/setup.sh``) brings
the binaries; ``start(folder)`` makes a new cluster in ``folder``, starts it on
a free loopback port with trust authentication, and creates one database.
PostgreSQL refuses to run as root: as root the cluster is made and run as the
``postgres`` user the package created. Never for production data: trust
authentication lets every local user in.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

from annot.errors import StoreError

__all__ = ["PgServer", "start"]

_TRIES = 5  # ports another process took between our probe and the server's bind


@dataclass(frozen=True)
class PgServer:
    """A running server: its folder, port, and the URL of its database (user ``annot``, no password)."""

    folder: Path
    port: int
    database: str
    bindir: Path
    user: str | None  # the system user the server runs as (None: this one)

    def url(self, schema: str | None = None) -> str:
        """The database's URL; with ``schema``, the project kept in that schema."""
        tail = f"?schema={schema}" if schema else ""
        return f"postgresql://annot@127.0.0.1:{self.port}/{self.database}{tail}"

    def stop(self) -> None:
        """Stop the server at once (``immediate``: the tests' data is thrown away)."""
        _run(self, "pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise StoreError(
        "PostgreSQL's server is not installed (no initdb); install Debian's postgresql package:"
        " bash scripts/setup.sh, or apt-get install postgresql."
    )


def _run(server: PgServer, tool: str, *args: str) -> None:
    command = [str(server.bindir / tool), *args]
    if server.user:
        command = ["runuser", "-u", server.user, "--", *command]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise StoreError(f"{tool} failed: {detail[-1] if detail else done.returncode}; see {server.folder}/log.")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(folder: str | os.PathLike[str], *, database: str = "annot", durable: bool = True) -> PgServer:
    """Make and start a cluster in ``folder`` (new or empty), with ``database`` created in it.

    ``durable=False`` (the test suite's) skips flushing to disk (``fsync``, ``synchronous_commit`` off):
    a commit is still a commit to every client, and a client killed mid-transaction still leaves nothing;
    only a crash of the machine could lose the last ones, which a throwaway server does not mind.

    Raises:
        StoreError: PostgreSQL is not installed, or the server did not start (its log is in ``folder/log``).
    """
    import psycopg

    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    user = "postgres" if os.geteuid() == 0 else None
    if user:
        shutil.chown(root, user)
    server = PgServer(root, 0, database, _bindir(), user)
    _run(server, "initdb", "-D", str(root / "data"), "-U", "annot", "--auth=trust", "-E", "UTF8", "--no-locale")
    for attempt in range(_TRIES):
        server = PgServer(root, _free_port(), database, server.bindir, user)
        options = f"-p {server.port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=200"
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        try:
            _run(server, "pg_ctl", "-D", str(root / "data"), "-l", str(root / "log"), "-o", options, "-w", "start")
            break
        except StoreError:
            if attempt == _TRIES - 1:
                raise
    with psycopg.connect(server.url().rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    return server
