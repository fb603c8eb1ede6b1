"""Which backups to keep: grandfather-father-son rotation.

``choose_kept`` is a pure function over dates: the newest backup of each of the last 7 days
that have one, of the last 4 weeks that have one and of the last 12 months that have one, plus
everything from the last 24 hours (a backup taken before a restore must not vanish an hour
later because the daily one came after it). Counting days *that have a backup* rather than
calendar days means a shop that was closed for a month still finds its older copies.

``rotate`` applies it to a folder, deleting only files named like our backups.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

from models.backups.catalog import list_backups
from models.backups.files import BackupInfo

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class Retention:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12
    keep_within: timedelta = timedelta(hours=24)


RETENTION = Retention()


@dataclass(frozen=True)
class RotationResult:
    kept: list[BackupInfo]
    deleted: list[Path]
    failed: list[tuple[Path, str]] = field(default_factory=list)  # could not delete: why


def choose_kept(
    items: Sequence[T], *, when: Callable[[T], datetime], now: datetime,
    policy: Retention = RETENTION,
) -> list[T]:
    """The items to keep, newest first; everything else may be deleted.

    ``when`` gives each item's time (aware, or naive local); days, weeks and months are the
    computer's local ones.
    """
    ordered = sorted(items, key=lambda item: _local(when(item)), reverse=True)
    local_now = _local(now)
    kept_ids: set[int] = set()
    for index, item in enumerate(ordered):
        if local_now - _local(when(item)) < policy.keep_within:
            kept_ids.add(index)  # recent (or dated in the future by a clock change)

    def newest_per(bucket: Callable[[datetime], Hashable], count: int) -> None:
        seen: set[Hashable] = set()
        for index, item in enumerate(ordered):
            if len(seen) >= count:
                return
            key = bucket(_local(when(item)))
            if key not in seen:
                seen.add(key)
                kept_ids.add(index)

    newest_per(lambda moment: moment.date(), policy.daily)
    newest_per(lambda moment: moment.isocalendar()[:2], policy.weekly)
    newest_per(lambda moment: (moment.year, moment.month), policy.monthly)
    return [item for index, item in enumerate(ordered) if index in kept_ids]


def _local(moment: datetime) -> datetime:
    # Naive values are compared as local wall-clock times; aware ones converted to local.
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo is not None else moment


def rotate(folder: Path, *, now: datetime, policy: Retention = RETENTION) -> RotationResult:
    """Delete the backups in ``folder`` that ``choose_kept`` does not keep."""
    backups = list_backups(folder, read_revisions=False)
    kept = choose_kept(backups, when=lambda b: b.taken_at, now=now, policy=policy)
    kept_paths = {b.path for b in kept}
    deleted: list[Path] = []
    failed: list[tuple[Path, str]] = []
    for backup in backups:
        if backup.path in kept_paths:
            continue
        try:
            backup.path.unlink()
        except FileNotFoundError:
            continue  # another counter's rotation got there first
        except OSError as exc:
            failed.append((backup.path, exc.strerror or str(exc)))
            log.warning("could not delete old backup %s: %s", backup.path, exc)
            continue
        deleted.append(backup.path)
    if deleted:
        log.info("rotation removed %d old backups from %s", len(deleted), folder)
    return RotationResult(kept=kept, deleted=deleted, failed=failed)
