"""The domain of Velvet Rope Desktop, free of Qt: tables, search and services.

The scripting API::

    import models
    sessions = models.open_database("sqlite:///shop.db")   # creates or upgrades the schema
    with sessions() as session:
        for match in models.find_customers(session, "corgi", limit=10):
            print(match.display_name, match.usual, match.visits, match.last_visit)
    with sessions.begin() as session:                       # one transaction
        customer_id = models.create_customer(session, models.CustomerDraft(name="Zoë Park"))
        models.check_in(session, customer_id)
"""

from models.briefing import Briefing, BriefingEntry, BriefingSection, load_briefing
from models.customers import (
    CustomerDraft,
    add_note,
    check_in,
    count_customers,
    create_customer,
    delete_note,
    load_draft,
    set_note_pinned,
    undo_check_in,
    update_customer,
    update_note,
)
from models.database import DatabaseError, SessionFactory, open_database
from models.errors import NotFoundError, ValidationError
from models.follow_ups import (
    FollowUpView,
    add_follow_up,
    complete_follow_up,
    count_follow_ups_due,
    open_follow_ups,
)
from models.greeting import GreetingCard, NoteView, load_card
from models.last_time import LastTime, came_back_line, suggested_greeting
from models.problem_categories import (
    CategoryView,
    add_category,
    list_categories,
    rename_category,
    set_category_retired,
)
from models.problem_drafts import discard_problem_draft, load_problem_draft, save_problem_draft
from models.problem_list import ProblemSummary, known_staff_names, list_problems
from models.problem_report import (
    ACTION_LABELS,
    OUTCOME_LABELS,
    SEVERITY_LABELS,
    ActionEntry,
    FollowUpEntry,
    ProblemReport,
    TeammateEntry,
    format_cost,
    parse_cost,
)
from models.problems import (
    delete_problem,
    load_report,
    log_problem,
    problem_customer,
    resolve_problem,
    update_problem,
)
from models.search.service import CustomerMatch, find_customers, match_for, recent_customers
from models.settings import LAST_TIME_DAYS, get_setting, set_setting
from models.teammates import (
    TeammateCheckInView,
    complete_teammate_check_in,
    count_open_teammate_check_ins,
    flag_teammate,
    open_teammate_check_ins,
)
from models.timeline import KIND_LABELS, TIMELINE_KINDS, TimelineEntry, load_timeline
from models.wording import greeting_name, relative_day

__all__ = [
    "ACTION_LABELS",
    "KIND_LABELS",
    "LAST_TIME_DAYS",
    "OUTCOME_LABELS",
    "SEVERITY_LABELS",
    "TIMELINE_KINDS",
    "ActionEntry",
    "Briefing",
    "BriefingEntry",
    "BriefingSection",
    "CategoryView",
    "CustomerDraft",
    "CustomerMatch",
    "DatabaseError",
    "FollowUpEntry",
    "FollowUpView",
    "GreetingCard",
    "LastTime",
    "NotFoundError",
    "NoteView",
    "ProblemReport",
    "ProblemSummary",
    "SessionFactory",
    "TeammateCheckInView",
    "TeammateEntry",
    "TimelineEntry",
    "ValidationError",
    "add_category",
    "add_follow_up",
    "add_note",
    "came_back_line",
    "check_in",
    "complete_follow_up",
    "complete_teammate_check_in",
    "count_customers",
    "count_follow_ups_due",
    "count_open_teammate_check_ins",
    "create_customer",
    "delete_note",
    "delete_problem",
    "discard_problem_draft",
    "find_customers",
    "flag_teammate",
    "format_cost",
    "get_setting",
    "greeting_name",
    "known_staff_names",
    "list_categories",
    "list_problems",
    "load_briefing",
    "load_card",
    "load_draft",
    "load_problem_draft",
    "load_report",
    "load_timeline",
    "log_problem",
    "match_for",
    "open_database",
    "open_follow_ups",
    "open_teammate_check_ins",
    "parse_cost",
    "problem_customer",
    "recent_customers",
    "relative_day",
    "rename_category",
    "resolve_problem",
    "save_problem_draft",
    "set_category_retired",
    "set_note_pinned",
    "set_setting",
    "suggested_greeting",
    "undo_check_in",
    "update_customer",
    "update_note",
    "update_problem",
]
