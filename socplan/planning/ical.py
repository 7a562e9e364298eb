"""The public meeting calendar as iCalendar (RFC 5545), written by hand (no extra package).

Rules followed: CRLF line ends; content lines folded at 75 octets without splitting a UTF-8 character
(continuation lines start with a space); TEXT values escaped (backslash, semicolon, comma, newline);
times in UTC (`…Z`); every event has UID, DTSTAMP, DTSTART (and DTEND, or a default of two hours).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse

PRODID = "-//socplan//Planovani socialnich sluzeb//CS"


def escape_text(value: str) -> str:
    return (value or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\n") \
        .replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold one content line into chunks of at most 75 octets (RFC 5545 §3.1)."""
    out, current, size = [], "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines carry a leading space
        if size + n > limit:
            out.append(current)
            current, size = "", 0
        current += ch
        size += n
    out.append(current)
    return "\r\n ".join(out)


def utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def event_lines(meeting, *, base_url: str, stamp: dt.datetime) -> list[str]:
    end = meeting.ends_at or meeting.starts_at + dt.timedelta(hours=2)
    url = base_url + reverse("planning:meeting_detail", args=[meeting.pk])
    description = meeting.description
    if meeting.group_id:
        description = f"{meeting.group.name}\n{description}".strip()
    lines = [
        "BEGIN:VEVENT",
        f"UID:planning-meeting-{meeting.pk}@socplan",
        f"DTSTAMP:{utc(stamp)}",
        f"DTSTART:{utc(meeting.starts_at)}",
        f"DTEND:{utc(end)}",
        f"SUMMARY:{escape_text(meeting.title)}",
        f"LOCATION:{escape_text(meeting.place)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{url}",
        f"SEQUENCE:{max(meeting.version - 1, 0)}",
        "STATUS:CONFIRMED",
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]
    return lines


def calendar(meetings: Iterable, *, base_url: str, name: str) -> str:
    from django.utils import timezone

    stamp = timezone.now()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(name)}", "X-WR-TIMEZONE:Europe/Prague"]
    for m in meetings:
        lines.extend(event_lines(m, base_url=base_url, stamp=stamp))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
