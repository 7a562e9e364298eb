"""Links a page shows must open for the user who sees them (found by crawling the demo as every role):
finance tabs for staff only, "new plan as a copy" for those who may create one, declaration edits for their
territory. Also: capacity units in Czech plural forms in the registry list."""

import re

import pytest
from django.contrib.auth import get_user_model

from socplan.planning.models import Plan

pytestmark = pytest.mark.django_db


def as_user(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def links(html: str) -> set[str]:
    return set(re.findall(r'href="([^"#?]+)', html))


@pytest.mark.parametrize("username", ["orp-blansko", "okres-blansko", "poskytovatel", "kraj-referent"])
def test_finance_tabs_open_for_whoever_sees_them(client, username):
    as_user(client, username)
    html = client.get("/financovani/parametry/CZ064/2026/").content.decode()
    nav = html.split('class="fin-nav"', 1)[1].split("</nav>", 1)[0]
    shown = [u for u in links(nav) if u.startswith("/financovani/")]
    assert len(shown) >= 4
    for url in shown:
        assert client.get(url).status_code == 200, url
    assert ("/financovani/co-kdyz/CZ064/2026/" in shown) == (username == "kraj-referent")


@pytest.mark.parametrize("username, expected", [("orp-znojmo", False), ("orp-blansko", True),
                                                ("kraj-referent", True), ("poskytovatel", False)])
def test_copy_link_only_for_those_who_may_create_the_plan(client, username, expected):
    plan = Plan.objects.get(orp__code="6201", year_from=2026)
    as_user(client, username)
    html = client.get(f"/planovani/plan/{plan.pk}/").content.decode()
    url = f"/planovani/plan/{plan.pk}/kopie/"
    assert (url in html) == expected
    assert client.get(url).status_code == (200 if expected else 403)


def test_declaration_edit_links_follow_the_scope(client):
    from socplan.network.models import CofinancingDeclaration

    d = CofinancingDeclaration.objects.select_related("municipality").first()
    page = f"/financovani/spolufinancovani/obec/{d.municipality.code}/"  # (/sit/obec/… redirects here)
    edit = f"/sit/deklarace/{d.pk}/upravit/"
    seen = {}
    for username in ("okres-blansko", "orp-znojmo", "poskytovatel", "orp-blansko", "kraj-referent"):
        as_user(client, username)
        response = client.get(page)
        if response.status_code != 200:
            continue
        seen[username] = edit in response.content.decode()
        assert seen[username] == (client.get(edit).status_code == 200), username
    assert True in seen.values() and False in seen.values(), seen  # both cases were exercised


def test_registry_list_uses_czech_plural_forms(client):
    html = client.get("/registr/?kind=49").content.decode()
    counts = re.findall(r"(\d[\d\xa0]*) (lůžko|lůžka|lůžek)\b", html)
    assert counts
    for number, word in counts:
        n = int(number.replace("\xa0", ""))
        assert word == ("lůžko" if n == 1 else "lůžka" if 2 <= n <= 4 else "lůžek"), (n, word)
