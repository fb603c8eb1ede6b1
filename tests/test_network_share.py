"""A database on a network share gets a warning: SQLite cannot lock files there reliably."""

from __future__ import annotations

from pathlib import Path

import pytest

from vre_desktop import startup_check
from vre_desktop.network_share import network_share_kind, warning_for

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
proc /proc proc rw,nosuid 0 0
//nas/shop /mnt/shop cifs rw,vers=3.0 0 0
/dev/sdb1 /mnt/shop/local-cache ext4 rw 0 0
nas:/export/counter\\040two /srv/counter\\040two nfs4 rw 0 0
tmpfs /tmp tmpfs rw 0 0
"""


@pytest.mark.parametrize(("path", "kind"), [
    ("/mnt/shop/velvet-rope.sqlite3", "cifs"),
    ("/mnt/shop/sub/folder/not-yet-created.sqlite3", "cifs"),
    ("/mnt/shop/local-cache/velvet-rope.sqlite3", None),  # a local disk mounted inside
    ("/srv/counter two/velvet-rope.sqlite3", "nfs4"),  # spaces escaped in /proc/mounts
    ("/mnt/shopping/velvet-rope.sqlite3", None),  # a name that only starts the same
    ("/home/owner/.local/share/velvet-rope.sqlite3", None),
])
def test_the_file_system_under_the_database_is_recognised(path: str, kind: str | None) -> None:
    assert network_share_kind(Path(path), mounts=MOUNTS) == kind


def test_the_warning_names_the_share_and_the_way_out() -> None:
    warning = warning_for(Path("/mnt/shop/velvet-rope.sqlite3"), mounts=MOUNTS)
    assert warning is not None
    assert "network share (cifs)" in warning and "PostgreSQL" in warning
    assert warning_for(Path("/home/owner/velvet-rope.sqlite3"), mounts=MOUNTS) is None


def test_this_machines_temporary_folder_is_not_a_share(tmp_path: Path) -> None:
    assert network_share_kind(tmp_path / "shop.sqlite3") is None


def test_opening_a_database_on_a_share_shows_the_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[tuple[str, str]] = []
    monkeypatch.setattr(startup_check, "warning_for",
                        lambda path: warning_for(Path("/mnt/shop") / path.name, mounts=MOUNTS))
    monkeypatch.setattr(startup_check, "_tell",
                        lambda icon, title, text: told.append((title, text)))
    assert startup_check.check_before_opening(f"sqlite:///{tmp_path / 'shop.sqlite3'}", None)
    assert [title for title, _ in told] == ["The database is on a network share"]
    assert "SQLite cannot lock" in told[0][1]
