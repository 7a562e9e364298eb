"""Years are labels, not quantities: pages must never print them with a thousands separator ("2 026"), and
year choices in forms must submit plain numbers. (USE_THOUSAND_SEPARATOR groups every integer in templates.)"""

import re

import pytest
from django.contrib.auth import get_user_model

from socplan.planning.models import Plan

pytestmark = pytest.mark.django_db


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("username, url", [
    ("kraj-referent", "/planovani/plan/{blansko}/"),
    ("kraj-referent", "/planovani/plan/{blansko}/plneni/"),
    ("kraj-referent", "/planovani/kraj/CZ064/plneni/"),
    ("kraj-referent", "/financovani/"),
    ("kraj-referent", "/hodnoceni/"),
    ("kraj-referent", "/dostupnost/pokryti/?kind=49&level=orp&year=2027"),
    ("kraj-referent", "/financovani/parametry/CZ064/2026/"),
    ("kraj-referent", "/financovani/podpora/CZ064/2026/"),
    ("kraj-referent", "/financovani/co-kdyz/CZ064/2026/"),
    ("kraj-referent", "/financovani/vykazy/"),
    ("kraj-referent", "/hodnoceni/vysledky/CZ064/2026/"),
    (None, "/katalog/"),
    (None, "/katalog/sluzba/{service}/"),
])
def test_years_are_printed_plain(client, username, url):
    plan = Plan.objects.get(orp__code="6201", year_from=2026)
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    from socplan.registry.models import Service

    service = Service.objects.filter(region__code="CZ064", network_entries__isnull=False).first()
    response = client.get(url.format(blansko=plan.pk, service=service.pk), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.findall(r'value="\d[\xa0 ,]\d{3}"', html)  # a year choice must submit "2026"
    text = visible_text(html)
    years_grouped = [m.group(0) for m in re.finditer(r"\b2[\xa0\u202f]0[0-4]\d\b(?![\xa0\u202f]\d|,\d|[\xa0 ]Kč)", text)]  # not amounts
    assert not years_grouped, years_grouped[:5]


def test_coverage_without_parameters_for_the_year_says_so(client):
    client.force_login(get_user_model().objects.get(username="kraj-referent"))
    html = client.get("/dostupnost/pokryti/?kind=49&level=orp&year=2027").content.decode()
    assert 'data-testid="no-parameters"' in html and "Pro rok 2027 kraj u tohoto druhu nezadal cílovou hodnotu" in html
    assert "year=2026" in html.split('data-testid="no-parameters"', 1)[1].split("</p>", 1)[0]
