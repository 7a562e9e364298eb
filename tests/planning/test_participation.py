"""Comments (připomínkování) end to end through the pages, anti-spam of the public form, the meeting calendar
and its iCalendar feed (RFC 5545), working groups."""

import datetime as dt
import re

import pytest
from django.core import signing
from django.utils import timezone

from socplan.planning import services as svc
from socplan.planning.forms import SIGNER_SALT
from socplan.planning.models import Comment, Resolution

from .conftest import build_plan

pytestmark = pytest.mark.django_db


def _started(seconds_ago: float) -> str:
    return signing.dumps(timezone.now().timestamp() - seconds_ago, salt=SIGNER_SALT)


def public_comment(client, plan, text, ip="192.0.2.1", **extra):
    data = {"author_name": "Marie Občanová", "author_email": "marie@example.cz", "text": text, "website": "",
            "started": _started(10), "target": ""}
    data.update(extra)
    return client.post(f"/planovani/plan/{plan.pk}/pripominky/", data, REMOTE_ADDR=ip)


def test_comment_cycle_through_the_pages(client, t, users, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "c1"}}
    plan = build_plan(t.jmk, orp=t.blansko)
    url = f"/planovani/plan/{plan.pk}/"
    # A draft is not public.
    assert client.get(url).status_code == 404
    client.force_login(users.orp_blansko)
    page = client.get(url + "zverejnit/")
    assert page.status_code == 200
    assert client.post(url + "zverejnit/", {"comments_until": "2100-01-31"}).status_code == 302
    client.logout()
    # The public comments on a measure; the e-mail is kept but never shown.
    s11 = plan.measures.get(code="S1.1")
    assert public_comment(client, plan, "Chybí odlehčovací služba.", target=f"measure:{s11.pk}").status_code == 302
    # A logged-in user comments too.
    client.force_login(users.nobody)
    assert client.post(url + "pripominky/", {"text": "Více terénních služeb.", "target": ""}).status_code == 302
    client.logout()
    assert Comment.objects.filter(plan=plan).count() == 2
    assert client.get(url + "vyporadani/").status_code == 404  # nothing published yet
    # The coordinator resolves both and publishes the settlement table.
    client.force_login(users.orp_blansko)
    html = client.get(url + "pripominky/").content.decode()
    assert 'data-testid="comments-pending">2<' in html
    for c, res in zip(Comment.objects.filter(plan=plan).order_by("pk"), ["partly", "accepted"], strict=True):
        r = client.post(f"/planovani/pripominka/{c.pk}/vyporadat/", {"resolution": res, "reasoning": f"Důvod {c.pk}."})
        assert r.status_code == 302
    assert client.post(url + "vyporadani/zverejnit/", {"confirm": "True"}).status_code == 302
    client.logout()
    html = client.get(url + "vyporadani/").content.decode()
    table = html.split('data-testid="settlement-table"', 1)[1].split("</table>", 1)[0]
    assert "Chybí odlehčovací služba." in table and "akceptováno částečně" in table
    assert f"opatření {s11.code}" in table and "Více terénních služeb." in table
    assert "marie@example.cz" not in html
    # The settlement is in the API too, without e-mails.
    data = client.get(f"/api/v1/comments/?plan={plan.pk}").json()
    assert {c["resolution"] for c in data["results"]} == {Resolution.PARTLY, Resolution.ACCEPTED}
    assert "example.cz" not in str(data)


def test_public_form_anti_spam(client, t, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "c2"}}
    settings.PLANNING_COMMENT_RATE = 3
    plan = build_plan(t.jmk)
    svc.plan_publish_for_comments(actor=None, plan=plan)
    # The honeypot field filled in: refused.
    assert public_comment(client, plan, "spam", website="http://spam.example").status_code == 200
    # Sent faster than a person can: refused; a forged timestamp: refused.
    assert public_comment(client, plan, "rychle", started=_started(0.5)).status_code == 200
    assert public_comment(client, plan, "padělek", started="123").status_code == 200
    assert not Comment.objects.filter(plan=plan).exists()
    # Every attempt counts: three per address within ten minutes, then the address waits.
    for i in range(3):
        assert public_comment(client, plan, f"připomínka {i}", ip="192.0.2.9").status_code == 302
    r = public_comment(client, plan, "čtvrtá", ip="192.0.2.9")
    assert r.status_code == 200 and "příliš mnoho" in r.content.decode()
    assert public_comment(client, plan, "z jiné adresy", ip="192.0.2.10").status_code == 302
    assert Comment.objects.filter(plan=plan).count() == 4


def test_comments_closed_after_the_deadline(client, t):
    plan = build_plan(t.jmk)
    svc.plan_publish_for_comments(actor=None, plan=plan, comments_until=dt.date(2020, 1, 1))
    r = public_comment(client, plan, "pozdě")
    assert r.status_code == 302 and not Comment.objects.filter(plan=plan).exists()
    assert "Lhůta pro připomínky skončila" in client.get(f"/planovani/plan/{plan.pk}/pripominky/").content.decode()


def unfold(text: str) -> list[str]:
    assert "\n" not in text.replace("\r\n", "")  # only CRLF line ends
    lines = text.split("\r\n")
    assert lines[-1] == ""
    out = []
    for line in lines[:-1]:
        assert len(line.encode()) <= 75, line
        if line.startswith(" "):
            out[-1] += line[1:]
        else:
            out.append(line)
    return out


def test_calendar_and_icalendar_feed(client, t):
    group = svc.working_group_create(actor=None, region=t.jmk, orp=t.blansko, target_group=2, name="Senioři")
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=10)
    m = svc.meeting_create(actor=None, region=t.jmk, orp=t.blansko, group=group, title="Setkání; senioři, pečující",
                           starts_at=start, place="Blansko, radnice", description="Program:\nplnění plánu " + "x" * 90)
    svc.meeting_create(actor=None, region=t.jmk, title="Interní porada", starts_at=start, place="KrÚ", is_public=False)
    html = client.get("/planovani/kalendar/").content.decode()
    assert "Setkání; senioři, pečující" in html and "Interní porada" not in html
    r = client.get("/planovani/kalendar.ics?orp=6201")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
    lines = unfold(r.content.decode())
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(x.startswith("PRODID:") for x in lines)
    events = [i for i, x in enumerate(lines) if x == "BEGIN:VEVENT"]
    # Blansko's feed: our public meeting exactly once (the demo adds its own), never the internal one.
    uid = f"UID:planning-meeting-{m.pk}@socplan"
    assert lines.count(uid) == 1 and len(events) == sum(x.startswith("UID:") for x in lines)
    assert "SUMMARY:Interní porada" not in lines
    ours = next(i for i in events if uid in lines[i:lines.index("END:VEVENT", i)])
    props = dict(x.split(":", 1) for x in lines[ours + 1:lines.index("END:VEVENT", ours)])
    assert props["UID"] == f"planning-meeting-{m.pk}@socplan"
    assert props["SUMMARY"] == "Setkání\\; senioři\\, pečující"
    assert props["DTSTART"] == start.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert re.fullmatch(r"\d{8}T\d{6}Z", props["DTEND"]) and re.fullmatch(r"\d{8}T\d{6}Z", props["DTSTAMP"])
    assert props["DESCRIPTION"].startswith("Senioři\\nProgram:\\nplnění plánu xxx")
    assert props["URL"].endswith(f"/planovani/setkani/{m.pk}/")


def test_working_group_members_are_not_public(client, t, users):
    g = svc.working_group_create(actor=None, region=t.jmk, orp=t.blansko, name="Rodina")
    svc.working_group_member_add(actor=None, group=g, name="Petra Tajná", side="users", email="petra@example.cz")
    html = client.get(f"/planovani/skupina/{g.pk}/").content.decode()
    assert "Rodina" in html and "Petra Tajná" not in html and "1</strong> uživatelé" in html
    client.force_login(users.orp_blansko)
    assert "Petra Tajná" in client.get(f"/planovani/skupina/{g.pk}/").content.decode()
