"""Readable audit history (`history_rows`, `{% history_table %}`)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from socplan.accounts.history import history_rows
from socplan.core.services import model_update
from socplan.registry.models import Economics, Service

pytestmark = pytest.mark.django_db


def test_service_history_is_readable(world, users):
    s = Service.objects.get(pk=world.service_a.pk)
    model_update(instance=s, data={"name": "Domov A Blansko – nový název", "source": "provider"},
                 actor=users.provider_a, expected_version=s.version, reason="oprava názvu")
    model_update(instance=s, data={"provider": world.provider_b}, actor=users.officer, expected_version=s.version)
    rows = history_rows(s, user=users.officer)
    assert [r.action for r in rows] == ["~", "~", "+"]
    latest, renamed, created = rows
    assert latest.who == "r_officer"
    assert [(c.label, c.before, c.after) for c in latest.changes] == [
        ("poskytovatel", "Poskytovatel A (Blansko) (IČO 11111119)", "Poskytovatel B (Znojmo) (IČO 22222227)"),
    ]
    assert renamed.who == "p_a" and renamed.reason == "oprava názvu" and renamed.action_label == "změněno"
    assert {(c.label, c.before, c.after) for c in renamed.changes} == {
        ("název", "Domov A Blansko", "Domov A Blansko – nový název"),
        ("zdroj", "krajský úřad", "poskytovatel"),  # choice labels, not codes
    }
    assert created.action_label == "vytvořeno" and created.who.startswith("systém")
    assert ("název", "—", "Domov A Blansko") in {(c.label, c.before, c.after) for c in created.changes}
    assert all(c.field != "version" for r in rows for c in r.changes)


def test_numbers_and_dates_in_czech(world, users):
    e = Economics.objects.get(pk=world.economics[world.service_a.pk].pk)
    model_update(instance=e, data={"cost_personnel": Decimal("7654321.50")}, actor=users.provider_a,
                 expected_version=e.version)
    change = history_rows(e, user=users.provider_a)[0].changes[0]
    assert change.label == "osobní náklady"
    assert change.before.replace("\xa0", " ") == "1 234 567,00"
    assert change.after.replace("\xa0", " ") == "7 654 321,50"
    created = history_rows(e, user=users.provider_a)[-1]
    year = next(c for c in created.changes if c.field == "year")
    assert year.after == str(e.year)  # a year is never grouped ("2 026")


def test_template_tag_renders_the_history(world, users):
    s = Service.objects.get(pk=world.service_b.pk)
    model_update(instance=s, data={"web": "https://domov-b.example"}, actor=users.provider_b,
                 expected_version=s.version)
    request = RequestFactory().get("/")
    request.user = users.officer
    html = Template("{% load accounts_tags %}{% history_table obj %}").render(Context({"obj": s, "request": request}))
    assert "Historie změn" in html
    assert "p_b" in html and "https://domov-b.example" in html and "změněno" in html
    assert html.index("změněno") < html.index("vytvořeno")  # newest first


def test_private_fields_are_hidden_from_those_who_may_not_see_them(world, users, monkeypatch):
    monkeypatch.setattr(Service, "PRIVATE_FIELDS", ("phone",), raising=False)
    s = Service.objects.get(pk=world.service_a.pk)
    model_update(instance=s, data={"phone": "+420 111 222 333", "web": "https://a.example"},
                 actor=users.provider_a, expected_version=s.version)
    seen_by_owner = {c.field for c in history_rows(s, user=users.provider_a)[0].changes}
    seen_by_other = {c.field for c in history_rows(s, user=users.provider_b)[0].changes}
    assert seen_by_owner == {"phone", "web"}
    assert seen_by_other == {"web"}
