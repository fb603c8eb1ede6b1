#!/usr/bin/env python3
"""A throwaway PostgreSQL server: its own cluster in a temporary folder, gone when it stops.

    python3 scripts/postgres_server.py [--database NAME]

starts one, prints a database URL for ``vre-desktop --database-url URL`` and runs until Ctrl+C.
The tests use the same code (tests/postgres_fixtures.py)::

    with throwaway_server() as server:
        server.create_database("shop")
        url = server.url("shop")   # postgresql+psycopg://postgres@127.0.0.1:PORT/shop

Nothing is assumed to be installed or running: the server binaries are looked up (pg_config,
/usr/lib/postgresql/*/bin, PATH) and, when missing, installed with apt-get if this process may
(root, or passwordless sudo). Anything that stops the server from starting raises
PostgresUnavailableError with a one-line reason. Standard library only, so it runs before (and
without) the project's virtual environment.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"  # the database superuser, whatever OS user runs the server
SERVER_PROGRAMS = ("initdb", "pg_ctl", "postgres")
# As root the server must run as someone else (initdb and pg_ctl refuse root): the packaged
# "postgres" user if there is one, else this one, created on demand.
FALLBACK_OS_USER = "vre-postgres"
START_ATTEMPTS = 3  # a free port can be taken by someone else before the server binds it
START_TIMEOUT_S = 60
THROWAWAY_SETTINGS = {
    # A throwaway cluster never needs to survive a crash, so skip every flush to disk.
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    # An autovacuum worker connected to a template database makes CREATE DATABASE … TEMPLATE
    # wait for it, and fail after 5 s; short-lived test databases need no vacuuming anyway.
    "autovacuum": "off",
}


class PostgresUnavailableError(RuntimeError):
    """No PostgreSQL server can be started here; the message is one line saying why."""


@dataclass(frozen=True)
class PostgresServer:
    """A running throwaway server, reachable over TCP on 127.0.0.1 without a password."""

    host: str
    port: int
    data_dir: Path
    psql: Path
    major_version: int  # 15 for PostgreSQL 15.x

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@{self.host}:{self.port}/{dbname}"

    def create_database(self, name: str, template: str | None = None) -> None:
        """CREATE DATABASE name [TEMPLATE template]: a copy of ``template`` is quick."""
        copy = f" TEMPLATE {quote_identifier(template)}" if template else ""
        if template and self.major_version >= 15:
            # 15's default copies through the WAL: ~3x slower for a small database than copying
            # the files, whose checkpoints cost next to nothing with fsync off.
            copy += " STRATEGY FILE_COPY"
        self.execute(f"CREATE DATABASE {quote_identifier(name)}{copy}")

    def drop_database(self, name: str) -> None:
        """Drop ``name``, disconnecting whoever is still connected to it (PostgreSQL 13+)."""
        force = " WITH (FORCE)" if self.major_version >= 13 else ""
        self.execute(f"DROP DATABASE IF EXISTS {quote_identifier(name)}{force}")

    def execute(self, sql: str, dbname: str = "postgres") -> str:
        """Run SQL through psql (no driver needed); return what it printed."""
        result = subprocess.run(
            [str(self.psql), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
             "-h", self.host, "-p", str(self.port), "-U", SUPERUSER, "-d", dbname, "-c", sql],
            capture_output=True, text=True, env=_clean_environment(), check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql failed on {sql!r}: {_last_line(result.stderr)}")
        return result.stdout


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextlib.contextmanager
def throwaway_server() -> Iterator[PostgresServer]:
    """Start a server in a fresh temporary cluster; stop it and delete the cluster afterwards."""
    bindir = server_binaries()
    os_user = server_os_user()
    workdir = Path(tempfile.mkdtemp(prefix="vre-postgres-", dir=_temp_root(os_user)))
    try:
        if os_user is not None:
            os.chown(workdir, os_user.pw_uid, os_user.pw_gid)
        data_dir = workdir / "data"
        _run_as(os_user, [str(bindir / "initdb"), "-D", str(data_dir), "-U", SUPERUSER,
                          "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
                cwd=workdir, what="initdb")
        _write_settings(data_dir, socket_dir=workdir)
        try:
            port = _start(bindir, os_user, data_dir, log=workdir / "server.log")
            version = int((data_dir / "PG_VERSION").read_text().split(".")[0])
            yield PostgresServer("127.0.0.1", port, data_dir, _psql(bindir), version)
        finally:
            # Immediate: nothing in a throwaway cluster is worth a clean shutdown.
            _run_as(os_user, [str(bindir / "pg_ctl"), "-D", str(data_dir), "-m", "immediate",
                              "-w", "stop"], cwd=workdir, what="pg_ctl stop", check=False)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# --- finding or installing the server binaries ---------------------------------------------


def server_binaries() -> Path:
    """The folder holding initdb, pg_ctl and postgres, installing them if missing and allowed."""
    found = find_server_binaries()
    if found is not None:
        return found
    install_server_binaries()
    found = find_server_binaries()
    if found is None:
        raise PostgresUnavailableError(
            "installed the postgresql package but found no initdb/pg_ctl")
    return found


def find_server_binaries() -> Path | None:
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:  # on Debian pg_config comes with libpq-dev too, so check what it names
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            bindir = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                                    check=True, timeout=10).stdout.strip()
            candidates.append(Path(bindir))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version, reverse=True)
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    for folder in candidates:
        if all(os.access(folder / name, os.X_OK) for name in SERVER_PROGRAMS):
            return folder
    return None


def _version(bindir: Path) -> tuple[int, ...]:
    """(15,) for /usr/lib/postgresql/15/bin, so 15 sorts above 9.6."""
    return tuple(int(part) for part in re.findall(r"\d+", bindir.parent.name))


def install_server_binaries() -> None:
    """apt-get install postgresql, non-interactively; refresh the package lists only if needed."""
    if shutil.which("apt-get") is None:
        raise PostgresUnavailableError(
            "PostgreSQL server binaries are not installed and there is no apt-get to install "
            "them; install PostgreSQL (initdb, pg_ctl) yourself")
    if os.geteuid() == 0:
        privileged: list[str] = []
    elif shutil.which("sudo") and subprocess.run(
            ["sudo", "-n", "true"], capture_output=True, check=False).returncode == 0:
        privileged = ["sudo", "-n"]
    else:
        raise PostgresUnavailableError(
            "PostgreSQL server binaries are not installed and installing them needs root or "
            "passwordless sudo; run: sudo apt-get install postgresql")
    apt = [*privileged, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "-q", "-y"]
    install = [*apt, "--no-install-recommends", "install", "postgresql"]
    print("Installing the PostgreSQL server: apt-get install postgresql …", file=sys.stderr,
          flush=True)
    result = subprocess.run(install, capture_output=True, text=True, check=False)
    if result.returncode != 0:  # stale or missing package lists, as on a fresh machine
        subprocess.run([*apt, "update"], capture_output=True, text=True, check=False)
        result = subprocess.run(install, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise PostgresUnavailableError(
            f"apt-get install postgresql failed: {_last_line(result.stderr or result.stdout)}")


def _psql(bindir: Path) -> Path:
    if os.access(bindir / "psql", os.X_OK):
        return bindir / "psql"
    found = shutil.which("psql")
    if found is None:
        raise PostgresUnavailableError(f"no psql client in {bindir} or on PATH")
    return Path(found)


# --- running the server ------------------------------------------------------------------------


def server_os_user() -> pwd.struct_passwd | None:
    """Whom to run initdb and the server as: None means this process's own user."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", FALLBACK_OS_USER):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    created = subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
         FALLBACK_OS_USER], capture_output=True, text=True, check=False)
    if created.returncode != 0:
        raise PostgresUnavailableError(
            f"running as root, and cannot create the unprivileged user {FALLBACK_OS_USER} that "
            f"PostgreSQL must run as: {_last_line(created.stderr)}")
    return pwd.getpwnam(FALLBACK_OS_USER)


def _temp_root(os_user: pwd.struct_passwd | None) -> str | None:
    """Where to make the cluster folder: the usual temp folder, if the server user can reach it."""
    root = Path(tempfile.gettempdir())
    if os_user is None or all(folder.stat().st_mode & 0o001 for folder in (root, *root.parents)):
        return None
    return "/tmp"  # a private mkdtemp folder inside it, owned by the server user


def _write_settings(data_dir: Path, *, socket_dir: Path) -> None:
    settings = {
        "listen_addresses": "127.0.0.1",
        # Inside our own folder: never clashes with a system server's /var/run/postgresql.
        "unix_socket_directories": str(socket_dir),
        **THROWAWAY_SETTINGS,
    }
    lines = [f"{key} = '{value}'\n" for key, value in settings.items()]
    with (data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write("\n# Throwaway test server (scripts/postgres_server.py)\n")
        conf.writelines(lines)


def _start(bindir: Path, os_user: pwd.struct_passwd | None, data_dir: Path, log: Path) -> int:
    for _attempt in range(START_ATTEMPTS):
        port = free_port()
        started = _run_as(
            os_user,
            [str(bindir / "pg_ctl"), "-D", str(data_dir), "-l", str(log), "-o", f"-p {port}",
             "-w", "-t", str(START_TIMEOUT_S), "start"],
            cwd=data_dir.parent, what="pg_ctl start", check=False,
        )
        if started.returncode == 0:
            return port
        reason = _server_log_error(log) or _last_line(started.stderr or started.stdout)
        if "could not bind" not in reason and "already in use" not in reason:
            break
    raise PostgresUnavailableError(f"the PostgreSQL server did not start: {reason}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _server_log_error(log: Path) -> str:
    """The server's own complaint (FATAL/ERROR line), which says more than pg_ctl's."""
    with contextlib.suppress(OSError):
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        for line in reversed(lines):
            if "FATAL" in line or "ERROR" in line or "could not" in line:
                return line.strip()
    return ""


def _run_as(
    os_user: pwd.struct_passwd | None, command: list[str], *, cwd: Path, what: str,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    # As another user: what runuser -u USER -- does, without needing runuser. extra_groups=[]
    # drops root's supplementary groups too.
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, cwd=cwd, env=_clean_environment(),
            check=False, user=os_user.pw_uid if os_user else None,
            group=os_user.pw_gid if os_user else None, extra_groups=[] if os_user else None,
        )
    except OSError as exc:
        raise PostgresUnavailableError(f"{what} could not run: {exc}") from exc
    if check and result.returncode != 0:
        reason = _last_line(result.stderr or result.stdout)
        raise PostgresUnavailableError(f"{what} failed: {reason}")
    return result


def _clean_environment() -> dict[str, str]:
    """This environment without PG* variables: a user's PGDATABASE or PGHOST must not leak in."""
    return {key: value for key, value in os.environ.items() if not key.startswith("PG")}


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no message)"


# --- command line ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="velvet_rope",
                        help="database to create for the URL printed (default: velvet_rope)")
    args = parser.parse_args(argv)
    # Stop cleanly on kill/TERM too, not only Ctrl+C, so no server outlives this process.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    began = time.perf_counter()
    try:
        with throwaway_server() as server:
            server.create_database(args.database)
            print(f"PostgreSQL is ready in {time.perf_counter() - began:.1f} s "
                  f"(cluster in {server.data_dir.parent}).")
            print(server.url(args.database))
            print("Try: vre-desktop --database-url URL   Stop: Ctrl+C", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(3600)
    except PostgresUnavailableError as exc:
        print(f"Cannot start PostgreSQL: {exc}", file=sys.stderr)
        return 1
    print("Stopped; the cluster is deleted.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
