"""The public measure page (monitoring of a published plan) names who entered a report by role and organisation,
never by login name; the responsible person without a full name neither."""

from __future__ import annotations

import pytest
from django.test import Client

from socplan.accounts.selectors import public_seat_labels
from socplan.planning import services as svc
from tests.factories import UserFactory, approved_measure, orp_coordinator, provider_user, service_with

pytestmark = pytest.mark.django_db


def test_measure_page_shows_role_and_organisation_not_login_names():
    coordinator = orp_coordinator(username="jnovak-login-7x")
    responsible = orp_coordinator(username="pvesela-login-9y")  # no first or last name
    measure = approved_measure(responsible_user=responsible)
    svc.measure_report_set(actor=coordinator, measure=measure, year=measure.year_from, state="in_progress", progress=40,
                           comment="Běží.")
    for client in (Client(), _logged_in(UserFactory())):
        response = client.get(f"/planovani/opatreni/{measure.pk}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Běží." in html and "40 %" in html  # the report is there
        assert "jnovak-login-7x" not in html and "pvesela-login-9y" not in html
        assert html.count("koordinátor komunitního plánování ORP (Blansko)") >= 2  # who entered + responsible


def _logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_responsible_person_with_a_full_name_is_named():
    person = UserFactory(username="mdvorak-login", first_name="Marie", last_name="Dvořáková")
    measure = approved_measure(responsible_user=person)
    html = Client().get(f"/planovani/opatreni/{measure.pk}/").content.decode()
    assert "Marie Dvořáková" in html and "mdvorak-login" not in html


def test_public_seat_labels():
    coordinator = orp_coordinator()
    provider = service_with({"ter": {"klient": 5}}).provider
    staff = provider_user(provider)
    superuser = UserFactory(is_superuser=True)
    nobody = UserFactory()
    labels = public_seat_labels([coordinator.pk, staff.pk, superuser.pk, nobody.pk, None])
    assert labels == {
        coordinator.pk: "koordinátor komunitního plánování ORP (Blansko)",
        staff.pk: f"uživatel poskytovatele ({provider})",
        superuser.pk: "správce systému",
        nobody.pk: "uživatel systému",
    }
    assert public_seat_labels([]) == {}
