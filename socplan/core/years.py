"""The working year: which year a page or command opens on when the user has not named one.

The planning cycle has no single "current" year in the product: an officer prepares next year's network while
settling last year's money. A page takes the year from the request (``?rok=`` or ``?year=``), else the year the
user chose last in this session, else the calendar year. Demo data carries its own year; it is never the
product's default.
"""

from __future__ import annotations

from django.utils import timezone

SESSION_KEY = "socplan_working_year"
MIN_YEAR, MAX_YEAR = 2000, 2100


def _parse(value) -> int | None:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return year if MIN_YEAR <= year <= MAX_YEAR else None


def calendar_year() -> int:
    return timezone.localdate().year


def working_year(request=None) -> int:
    """The year named by the request, else the session's choice, else the calendar year (see module doc)."""
    if request is not None:
        for key in ("rok", "year"):
            year = _parse(request.GET.get(key))
            if year is not None:
                session = getattr(request, "session", None)
                if session is not None:
                    session[SESSION_KEY] = year
                return year
        session = getattr(request, "session", None)
        if session is not None:
            year = _parse(session.get(SESSION_KEY))
            if year is not None:
                return year
    return calendar_year()


