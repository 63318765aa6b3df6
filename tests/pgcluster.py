"""A throwaway PostgreSQL cluster for the tests: Debian's server binaries, a temporary folder, a unix socket.

``initdb`` refuses to run as root, so under root (CI, this machine) the cluster belongs to ``nobody``;
otherwise to the user running the tests.  It listens on a socket in its own folder only (no TCP port),
trusts local connections, skips fsync (the data is thrown away), and is stopped and deleted afterwards.
Missing binaries are a failure, never a skip: ``apt-get install postgresql`` (``.ci/run`` does it).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

BIN_GLOB = "/usr/lib/postgresql/*/bin"
USER = "factsift"  # the database superuser the cluster is created with


def server_bin_dir() -> Path | None:
    """The newest installed PostgreSQL server's ``bin`` folder (``initdb``, ``pg_ctl``), or None."""
    found = sorted(
        Path("/").glob(BIN_GLOB.lstrip("/")), key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0
    )
    found = [folder for folder in found if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file()]
    return found[-1] if found else None


@dataclass
class Cluster:
    """A running cluster: its folder, its socket folder and the account its server runs as."""

    folder: Path
    bin_dir: Path
    run_as: tuple[int, int] | None  # (uid, gid) when started by root, else None

    @property
    def socket_dir(self) -> Path:
        return self.folder / "socket"

    def url(self, schema: str | None = None, database: str = "postgres") -> str:
        """A store URL for the cluster; with ``schema``, every table lands in that schema (a fresh store)."""
        query = f"host={quote(str(self.socket_dir), safe='/')}"
        if schema is not None:
            query += "&options=" + quote(f"-csearch_path={schema}", safe="")
        return f"postgresql://{USER}@/{database}?{query}"

    def _run(self, *command: str) -> None:
        """Run one server tool as the cluster's owner; a failure raises with its output."""
        user: dict[str, object] = {}
        if self.run_as is not None:
            user = {"user": self.run_as[0], "group": self.run_as[1], "extra_groups": []}
        done = subprocess.run(
            [str(self.bin_dir / command[0]), *command[1:]],
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            **user,  # type: ignore[arg-type]
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")

    def start(self) -> None:
        """initdb, then start the server on the socket and wait until it accepts connections."""
        self.socket_dir.mkdir()
        if self.run_as is not None:
            for path in (self.folder, self.socket_dir):
                os.chown(path, *self.run_as)
        self._run("initdb", "-D", "data", "-U", USER, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")
        options = f"-k {self.socket_dir} -c listen_addresses='' -c fsync=off -c synchronous_commit=off"
        options += " -c full_page_writes=off -c max_connections=200"
        self._run("pg_ctl", "-D", "data", "-l", "server.log", "-o", options, "-w", "-t", "60", "start")

    def stop(self) -> None:
        """Stop the server at once and delete its folder."""
        try:
            self._run("pg_ctl", "-D", "data", "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def start_cluster() -> Cluster:
    """A new cluster in a new temporary folder (outside pytest's root-only folders, so ``nobody`` can enter it)."""
    bin_dir = server_bin_dir()
    if bin_dir is None:
        raise RuntimeError(
            f"PostgreSQL's server is not installed (no initdb under {BIN_GLOB}): the PostgreSQL store tests need it. "
            "Install Debian's package: apt-get install postgresql"
        )
    run_as = None
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        run_as = (nobody.pw_uid, nobody.pw_gid)
    cluster = Cluster(Path(tempfile.mkdtemp(prefix="factsift-pg-")), bin_dir, run_as)
    try:
        cluster.start()
    except BaseException:
        shutil.rmtree(cluster.folder, ignore_errors=True)
        raise
    return cluster
