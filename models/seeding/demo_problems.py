"""The demo's hand-written problems: the stories a tester meets on the cards of the demo's
memorable regulars, logged through the same service the counter uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from models.database import SessionFactory
from models.entities import Customer
from models.insights.process_fixes import record_fix
from models.problem_categories import list_categories
from models.problem_report import ActionEntry, FollowUpEntry, ProblemReport, TeammateEntry
from models.problems import log_problem


@dataclass(frozen=True)
class _Story:
    customer: str
    days_ago: float
    category: str
    what_happened: str
    subject: str = ""
    customer_words: str = ""
    fair_fix: str = ""
    severity: str = "minor"
    allergen: bool = False
    handled_by: str = "Sam"
    actions: tuple[ActionEntry, ...] = ()
    outcome: str | None = "happy"
    resolved: bool = True
    follow_up: tuple[str, int] | None = None  # task, due in days from today (negative: overdue)
    teammate: tuple[str, str] | None = field(default=None)


_STORIES = (
    _Story("Zoë Park", 4.1, "wrong_order",
           "Made with dairy milk by mistake; she noticed at the first sip.",
           subject="oat flat white", customer_words="Oh no, not again!",
           fair_fix="Just remake it, no fuss", handled_by="Aisha",
           actions=(ActionEntry("apology"), ActionEntry("remade", "with oat milk, extra hot"))),
    _Story("Siobhan O'Brien", 120, "product_quality",
           "Scone served with the regular tongs: possible gluten cross-contact. She noticed "
           "before eating.", subject="scone", severity="safety", allergen=True,
           customer_words="I could be ill for a week from that.",
           fair_fix="Make sure it never happens again", handled_by="Marco",
           actions=(ActionEntry("apology"),
                    ActionEntry("value_add", "a gluten-free brownie from the sealed tin", 350),
                    ActionEntry("follow_up_contact", "Called her the next day; she was fine")),
           outcome="okay"),
    _Story("José Alvarez", 2.2, "process_breakdown",
           "Ticket lost in the Saturday rush: he waited 25 minutes for his roll.",
           subject="bacon & egg roll", severity="major",
           customer_words="I've got a store to open, I can't wait like that.",
           fair_fix="Just tell me if it's going to be long", handled_by="Jo",
           actions=(ActionEntry("apology"), ActionEntry("value_add", "roll on the house", 900)),
           outcome="unhappy", resolved=False,
           follow_up=("Pop into the hardware store to apologise again", -1),
           teammate=("Jo", "José raised his voice at her during the rush")),
    _Story("Katherine Smith", 9, "value_for_price",
           "Felt the new large latte price jump was steep for the size.", subject="large latte",
           fair_fix="A loyalty card", handled_by="Lena", actions=(ActionEntry("apology"),),
           outcome="okay", follow_up=("Tell Kate about the loyalty card when it launches", 2)),
    _Story("Marguerite Dubois", 20, "poor_communication",
           "Told her the pup cups were gone for good; they were only out for the day.",
           subject="pup cup", handled_by="Ben",
           actions=(ActionEntry("apology"), ActionEntry("value_add", "a pup cup for Biscuit", 0))),
)

# Process fixes the owner recorded (root cause key, what changed, days ago, recorded by), so the
# Insights window has before/after rates to show.
_FIXES = (
    ("wrong_order", "Oat and dairy jugs in different colours; the barista reads the ticket back",
     100, "Aisha"),
    ("wait_time", "A second grinder on the bar and a runner for the morning rush", 45, "Lena"),
)


def add_demo_problems(sessions: SessionFactory, now: datetime) -> int:
    with sessions.begin() as session:
        categories = {c.key: c.id for c in list_categories(session)}
        names = {name: id_ for name, id_ in session.execute(
            select(Customer.name, Customer.id).where(
                Customer.name.in_([story.customer for story in _STORIES]))
        )}
        today = now.astimezone().date()
        added = 0
        for story in _STORIES:
            customer_id = names.get(story.customer)
            if customer_id is None:
                continue
            report = ProblemReport(
                what_happened=story.what_happened, subject=story.subject,
                customer_words=story.customer_words, fair_fix=story.fair_fix,
                category_id=categories[story.category], severity=story.severity,
                allergen_or_illness=story.allergen, handled_by=story.handled_by,
                occurred_at=now - timedelta(days=story.days_ago), actions=list(story.actions),
                outcome=story.outcome, resolved=story.resolved,
                follow_up=(FollowUpEntry(story.follow_up[0],
                                         today + timedelta(days=story.follow_up[1]))
                           if story.follow_up else None),
                teammate=TeammateEntry(*story.teammate) if story.teammate else None,
            )
            log_problem(session, customer_id, report, now=now)
            added += 1
        for key, what_changed, days_ago, recorded_by in _FIXES:
            record_fix(session, categories[key], what_changed, today - timedelta(days=days_ago),
                       recorded_by=recorded_by, now=now)
        return added
