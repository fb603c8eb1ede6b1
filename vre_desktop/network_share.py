"""Is the database file on a network share? SQLite's locking is not reliable there.

SQLite relies on the operating system's file locks, which NFS and SMB shares implement loosely
or not at all; two counters writing through a share can corrupt the file
(https://www.sqlite.org/useovernet.html). A shop with several counters belongs on PostgreSQL.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Linux file system types (the third column of /proc/mounts) that live on another computer.
NETWORK_FILE_SYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "9p", "ceph", "glusterfs",
    "fuse.sshfs", "fuse.rclone", "fuse.s3fs", "davfs", "fuse.davfs2", "lustre", "gpfs",
})
# macOS (statfs f_fstypename).
_MAC_NETWORK_TYPES = frozenset({"nfs", "smbfs", "afpfs", "webdav", "cifs"})

WARNING = (
    "The database is on a network share ({kind}). SQLite cannot lock a file on a share "
    "reliably, so two counters writing at once can damage it. Keep the database on this "
    "computer's own disk, or move the shop to PostgreSQL (see README: Several counters)."
)


def network_share_kind(path: Path, *, mounts: str | None = None) -> str | None:
    """The kind of network share ``path`` is on ("nfs4", "cifs", "a Windows network drive"),
    or None for a local disk (or when it cannot be told)."""
    if sys.platform == "win32":
        return _windows_kind(path)
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return _mac_kind(path) if sys.platform == "darwin" else None
    return _linux_kind(path, mounts)


def warning_for(path: Path, *, mounts: str | None = None) -> str | None:
    kind = network_share_kind(path, mounts=mounts)
    return WARNING.format(kind=kind) if kind else None


def _linux_kind(path: Path, mounts: str) -> str | None:
    """The file system type of the longest mount point containing ``path``."""
    target = _existing(path)
    best: tuple[int, str] | None = None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        # /proc/mounts escapes spaces and tabs in mount points as octal.
        point = fields[1].replace("\\040", " ").replace("\\011", "\t")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) >= best[0]):
            best = (len(point), fields[2])
    if best is None:
        return None
    kind = best[1]
    return kind if kind in NETWORK_FILE_SYSTEMS or kind.startswith("nfs") else None


def _existing(path: Path) -> str:
    """The absolute path with links resolved as far as it exists (a new database's file, or
    even its folder, may not exist yet)."""
    return os.path.realpath(path.absolute())


def _windows_kind(path: Path) -> str | None:  # pragma: no cover - exercised on Windows only
    text = str(path.absolute())
    if text.startswith("\\\\"):
        return "a Windows network path"
    import ctypes

    drive = os.path.splitdrive(text)[0] + "\\"
    drive_remote = 4
    if ctypes.windll.kernel32.GetDriveTypeW(drive) == drive_remote:  # type: ignore[attr-defined]
        return "a Windows network drive"
    return None


def _mac_kind(path: Path) -> str | None:  # pragma: no cover - exercised on macOS only
    import subprocess

    try:
        # df lists the path's file system only if it is one of the types given.
        output = subprocess.run(
            ["/bin/df", "-T", ",".join(sorted(_MAC_NETWORK_TYPES)), _existing(path)],
            capture_output=True, text=True, timeout=2, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return "a network share" if len(output.stdout.strip().splitlines()) > 1 else None
