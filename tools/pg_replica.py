"""A PostgreSQL primary and a real streaming replica of it, side by side on loopback.

    python tools/pg_replica.py run -- COMMAND...   start both, run COMMAND with DATABASE_URL (the
                                                   primary) and DATABASE_REPLICA_URL (the replica)
                                                   set, stop both; exits with COMMAND's status
    python tools/pg_replica.py serve               start both, print the two URLs, keep them
                                                   until Ctrl-C

The primary is a new cluster (initdb) in a temporary folder, on a free port; the replica is made
from it with pg_basebackup (-R: it streams the primary's WAL) and serves read-only queries on
another free port. Both are thrown away at the end. As root, the servers run as the `postgres`
user (PostgreSQL refuses root). The system's own PostgreSQL is not touched.

Without PostgreSQL's server programs (initdb, pg_ctl, pg_basebackup) `run` says so and exits 0,
skipping COMMAND, except in CI (CI=true), where that is an error.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROGRAMS = ("initdb", "pg_ctl", "pg_basebackup", "psql")
SETTINGS = """
listen_addresses = '127.0.0.1'
unix_socket_directories = '{sockets}'
wal_level = replica
max_wal_senders = 4
hot_standby = on
fsync = off
full_page_writes = off
"""


def bindir() -> Path | None:
    """The newest installed PostgreSQL's server programs (Debian keeps them off PATH), or the
    folder on PATH that holds them."""
    folders = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda folder: int(Path(folder).parent.name),
        reverse=True,
    )
    on_path = shutil.which("initdb")
    if on_path:
        folders.append(str(Path(on_path).parent))
    for folder in folders:
        if all((Path(folder) / program).exists() for program in PROGRAMS):
            return Path(folder)
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Pair:
    """The primary and its replica, in `self.base`."""

    def __init__(self, programs: Path):
        self.programs = programs
        self.as_postgres = os.geteuid() == 0
        self.base = Path(tempfile.mkdtemp(prefix="unmask-pg-replica-"))
        self.primary_port, self.replica_port = free_port(), free_port()
        if self.as_postgres:
            account = pwd.getpwnam("postgres")
            os.chown(self.base, account.pw_uid, account.pw_gid)
        self.base.chmod(0o700)
        self.started: list[Path] = []

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.programs / program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        # run in our folder: the postgres user may not enter the caller's
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=self.base)  # noqa: S603

    @staticmethod
    def _address(port: int) -> tuple[str, ...]:
        return ("-h", "127.0.0.1", "-p", str(port), "-U", "postgres")

    def _start(self, data: Path, port: int) -> None:
        log = self.base / f"{data.name}.log"
        self._run("pg_ctl", "-D", str(data), "-l", str(log), "-o", f"-p {port}", "-w", "start")
        self.started.append(data)

    def start(self) -> None:
        primary, replica = self.base / "primary", self.base / "replica"
        self._run(
            "initdb",
            "-D",
            str(primary),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
            "--locale=C.UTF-8",
        )
        with (primary / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write(SETTINGS.format(sockets=self.base))
        self._start(primary, self.primary_port)
        self._run(
            "pg_basebackup",
            *self._address(self.primary_port),
            *("-D", str(replica), "-R", "-X", "stream", "-c", "fast"),
        )
        self._start(replica, self.replica_port)
        # the database the URLs name, for a site served on the pair (tests make their own)
        self._run(
            "psql",
            "-q",
            *self._address(self.primary_port),
            *("-d", "postgres", "-c", "CREATE DATABASE unmask"),
        )

    def stop(self) -> None:
        for data in reversed(self.started):
            with contextlib.suppress(subprocess.CalledProcessError):
                self._run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.base, ignore_errors=True)

    def urls(self) -> dict[str, str]:
        return {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.primary_port}/unmask",
            "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{self.replica_port}/unmask",
        }


def _missing() -> int:
    why = "PostgreSQL's server programs (initdb, pg_ctl, pg_basebackup) are not installed"
    if os.environ.get("CI", "").lower() == "true":
        print(f"pg_replica: {why}; CI=true, so this is an error: the replica tests must run.")
        return 1
    print(f"pg_replica: {why}; the replica tests are skipped (apt-get install postgresql).")
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "serve") or (argv[0] == "run" and "--" not in argv):
        print(__doc__)
        return 2
    programs = bindir()
    if programs is None:
        return _missing()
    pair = Pair(programs)
    try:
        pair.start()
        if argv[0] == "serve":
            for name, url in pair.urls().items():
                print(f"{name}={url}")
            print("Primary and replica running; Ctrl-C stops both.", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                signal.pause()
            return 0
        command = argv[argv.index("--") + 1 :]
        started = time.monotonic()
        done = subprocess.run(command, env={**os.environ, **pair.urls()})  # noqa: S603
        print(f"pg_replica: ran against the pair for {time.monotonic() - started:.0f} s")
        return done.returncode
    finally:
        pair.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
