"""The user's inbox: the items of every module's `inbox_items(user)` (each restricted to what the user may
see), sorted by due date; and the deadlines of every module for the reminders."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from socplan.catalogue import inbox as catalogue_inbox
from socplan.finance import inbox as finance_inbox
from socplan.network import inbox as network_inbox
from socplan.notices import selectors as notices_selectors
from socplan.notices.inbox import Deadline, InboxItem, ReminderTarget
from socplan.planning import inbox as planning_inbox

SOURCES = (planning_inbox.inbox_items, network_inbox.inbox_items, finance_inbox.inbox_items,
           catalogue_inbox.inbox_items)
DEADLINE_SOURCES = (planning_inbox.deadlines, finance_inbox.deadlines)
REMINDER_SOURCES = {"planning.plan": planning_inbox.reminder_targets,
                    "finance.programme": finance_inbox.reminder_targets}


@dataclass(frozen=True)
class InboxCounts:
    items: int
    overdue: int
    unread: int


def inbox_items(user) -> list[InboxItem]:
    if user is None or not user.is_authenticated:
        return []
    items = [item for source in SOURCES for item in source(user)]
    return sorted(items, key=lambda i: (i.due is None, i.due or timezone.localdate(), i.module, i.title))


def inbox_counts(user) -> InboxCounts:
    items = inbox_items(user)
    today = timezone.localdate()
    return InboxCounts(len(items), sum(1 for i in items if i.overdue(today)), notices_selectors.unread_count(user))


def deadlines(today) -> list[Deadline]:
    return [d for source in DEADLINE_SOURCES for d in source(today)]


def reminder_targets(user) -> list[ReminderTarget]:
    """The plans and programmes whose reminders `user` may time (those they may change)."""
    if user is None or not user.is_authenticated:
        return []
    return [t for source in REMINDER_SOURCES.values() for t in source(user)]


def user_deadlines(user, today) -> list[Deadline]:
    """The deadlines of the next weeks that `user` is reminded of (the reminder job's list, theirs only)."""
    return sorted((d for d in deadlines(today) if user.pk in d.user_ids), key=lambda d: (d.due, d.title))
