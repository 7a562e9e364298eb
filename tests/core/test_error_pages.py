"""Error pages: 403 and 404 in the site's layout and language, 500 standalone (it must render without a database
or context processors)."""

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string

pytestmark = pytest.mark.django_db


def test_404_is_a_czech_page_with_navigation(client):
    response = client.get("/tato-stranka-neexistuje/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'data-testid="error-404"' in html and "Stránka nenalezena" in html and 'class="menu"' in html


def test_403_explains_and_offers_login_or_home(client):
    from socplan.planning.models import CapacityNeed

    need = CapacityNeed.objects.filter(plan__orp__code="6201").first()
    url = f"/planovani/potreba/{need.pk}/upravit/"
    client.force_login(get_user_model().objects.get(username="orp-znojmo"))
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 403
    assert "Přístup odepřen" in html and 'data-testid="error-403"' in html and "správce kraje" in html
    client.cookies["django_language"] = "en"
    assert "Access denied" in client.get(url).content.decode()


def test_500_renders_without_context():
    html = render_to_string("500.html")
    assert "Chyba serveru" in html and "{%" not in html
