"""`vre-desktop audit`: the audit trail (who did what, when) as a table or JSON.

Events print oldest first, so the newest line sits next to the prompt; ``--limit`` keeps the
newest N. Times are the shop computer's local time in the table and ISO 8601 with the offset
in JSON. The command line acts with the owner's powers (see models/staff/roles.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, time
from typing import Any

from vre_desktop.cli import CommandLineError, _table

DEFAULT_LIMIT = 1000
MAX_LIMIT = 100_000
SUMMARY_WIDTH = 60


def add_audit_command(sub: Any, common: argparse.ArgumentParser) -> None:
    from vre_desktop.cli import _date, _positive_int

    audit = sub.add_parser(
        "audit", parents=[common],
        help="the audit trail: who added, changed or removed what, sign-ins, wrong PINs, "
        "imports, exports and restores (newest last)")
    audit.add_argument("--since", type=_date, metavar="DATE",
                       help="only events on or after DATE (YYYY-MM-DD, local time)")
    audit.add_argument("--actor", metavar="NAME",
                       help="only what NAME did (as in the trail; case does not matter)")
    audit.add_argument("--limit", type=_positive_int, default=DEFAULT_LIMIT, metavar="N",
                       help=f"the newest N events at most (default {DEFAULT_LIMIT:,})")
    audit.add_argument("--json", action="store_true",
                       help="print a JSON array (oldest first) instead of a table")


def run_audit(url: str, args: argparse.Namespace) -> int:
    import models
    from models.audit import audit_actors, find_events

    since: date | None = args.since
    start = datetime.combine(since, time.min).astimezone() if since else None
    limit = min(args.limit, MAX_LIMIT)
    sessions = models.open_database(url)
    with sessions() as session:
        actor = None
        if args.actor is not None:
            actor = _known_actor(audit_actors(session), args.actor)
        events = list(reversed(find_events(session, actor=actor, since=start, limit=limit)))
    if args.json:
        sys.stdout.write(json.dumps([_json(e) for e in events], ensure_ascii=False, indent=2)
                         + "\n")
        return 0
    if not events:
        since_text = f" since {since.isoformat()}" if since else ""
        by = f" by {actor}" if actor else ""
        sys.stdout.write(f"No audit events{by}{since_text}.\n")
        return 0
    sys.stdout.write(_text(events) + "\n")
    return 0


def _known_actor(actors: list[str], wanted: str) -> str:
    """The name as the trail spells it; ``wanted`` itself if nobody matches (nothing shows)."""
    cleaned = " ".join(wanted.split())
    if not cleaned:
        raise CommandLineError("--actor needs a name")
    return next((name for name in actors if name.casefold() == cleaned.casefold()), cleaned)


def _json(entry: Any) -> dict[str, Any]:
    from models.audit import action_label

    return {
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "what": action_label(entry.action),
        "record_type": entry.record_type,
        "record_id": entry.record_id,
        "summary": entry.summary,
    }


def _text(events: list[Any]) -> str:
    from models.audit import action_label, record_label

    rows = [
        (f"{e.at.astimezone():%Y-%m-%d %H:%M}", e.actor or "—", action_label(e.action),
         record_label(e.record_type, e.record_id) or "—", e.summary or "—")
        for e in events
    ]
    return _table(("when", "who", "what", "record", "summary"), rows, width=SUMMARY_WIDTH)
