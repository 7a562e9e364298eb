"""The typed shape of what waits for a user, returned by each app's `inbox.py` selectors and read by the inbox
page and the start page (`socplan.inbox`), and of the deadlines the reminder job reminds of."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class InboxItem:
    """One thing waiting for the user: what (`title`), what to do (`action`), its state, due date and link."""

    module: str  # "planning", "network", "finance" (for grouping)
    action: str  # Czech: "vyjádřit se", "schválit", "opravit a předložit" …
    title: str
    state: str
    url: str
    due: date | None = None
    detail: str = ""  # what tells it apart from a similar item: ORP, provider, programme and round, mode …

    def overdue(self, today: date) -> bool:
        return self.due is not None and self.due < today


@dataclass(frozen=True)
class Deadline:
    """A date by which `user_ids` must act; `key` names it for the reminder's idempotence."""

    key: str
    title: str
    due: date
    url: str
    user_ids: frozenset[int]
    region_id: int | None = None
    remind_days: int | None = None  # None: the site's SOCPLAN_REMIND_DAYS


@dataclass(frozen=True)
class ReminderTarget:
    """A record whose deadlines are reminded (a plan, a subsidy programme), for the page where whoever may change
    it sets how many days before: `days` is its own setting, None = the site's."""

    source: str  # "planning.plan", "finance.programme"
    obj: object
    title: str
    detail: str
    url: str
    days: int | None = None
