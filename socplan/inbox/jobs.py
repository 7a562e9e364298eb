"""The reminder job: N days before a deadline (and once when it has passed) the people who must act are told.

Idempotent: each reminder carries the deadline's key (with "before" or "overdue"), and `notify` gives a
recipient nothing new for a key they already have, so running the job again sends nothing twice.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socplan.core.jobs import job_kind
from socplan.core.worker import periodic
from socplan.notices.services import notify

from .selectors import deadlines


def reminders_send(today=None) -> int:
    today = today or timezone.localdate()
    sent = 0
    for d in deadlines(today - timedelta(days=7)):  # a week to notice a missed deadline (worker down)
        days = d.remind_days if d.remind_days is not None else settings.SOCPLAN_REMIND_DAYS
        if d.due < today:
            sent += len(notify(d.user_ids, actor=None, text=_("Termín uplynul: %(t)s") % {"t": d.title}, url=d.url,
                               region_id=d.region_id, topic="reminder.overdue", key=f"{d.key}.overdue"))
        elif d.due - today <= timedelta(days=days):
            sent += len(notify(d.user_ids, actor=None, text=_("Blíží se termín: %(t)s") % {"t": d.title}, url=d.url,
                               region_id=d.region_id, topic="reminder.before", key=f"{d.key}.before"))
    return sent


@periodic(every_seconds=3600)
@job_kind("reminders_send", gettext_lazy("Připomínky blížících se termínů"))
def reminders_job(progress, **params):
    progress(10, "")
    n = reminders_send()
    progress(100, "")
    return {"reminders": n}
