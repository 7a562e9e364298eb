"""Who may propose, approve and reject code-list changes on the pages (the authorization matrix in
tests/accounts/test_matrix.py covers the proposal page; its shared data has no proposed change, so the decision
pages are checked here seat by seat). A denied request changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from socplan.registry.codelist_services import kind_retire
from socplan.registry.models import ChangeState, CodeListChange, ServiceKind
from tests import factories as f

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


@pytest.fixture
def proposal(db):
    proposer = f.region_admin(username="navrhovatel")
    return proposer, kind_retire(actor=proposer, kind=ServiceKind.objects.get(code="52"),
                                 valid_to=dt.date(2030, 12, 31), successor=None, reason="syntetická změna",
                                 legal_basis="syntetický předpis")


def _seats(proposer):
    provider = f.RegisteredServiceFactory().provider
    return {
        "anonymous": (None, False),
        "provider": (f.provider_user(provider, username="poskytovatel"), False),
        "orp": (f.orp_coordinator(username="orp"), False),
        "officer": (f.officer(username="referent"), False),
        "admin_without_approve": (f.region_admin(username="spravce3"), False),
        "approver_other_kraj": (f.officer(can_approve=True, region_code="CZ072", username="zlinsky"), False),
        "proposer": (proposer, False),  # the right to change is not the right to approve
        "approver": (f.officer(can_approve=True, username="schvaluje"), True),
        "superuser": (get_user_model().objects.create_superuser("root", "root@example.org", "x"), True),
    }


@pytest.mark.parametrize("name", ["registry:codelist_change_approve", "registry:codelist_change_reject"])
def test_decision_pages_by_seat(proposal, name):
    proposer, change = proposal
    path = reverse(name, args=[change.pk])
    for seat, (user, allowed) in _seats(proposer).items():
        response = _client(user).post(path, {"note": "důvod"})
        change.refresh_from_db()
        if allowed:
            assert response.status_code == 302 and change.state != ChangeState.PROPOSED, seat
            CodeListChange.objects.filter(pk=change.pk).update(state=ChangeState.PROPOSED)
            ServiceKind.objects.filter(code="52").update(valid_to=None, legal_basis="zákon č. 108/2006 Sb.")
        else:
            assert response.status_code in (302, 403, 404), seat
            if response.status_code == 302:
                assert reverse("login") in response["Location"], seat
            assert change.state == ChangeState.PROPOSED and ServiceKind.objects.get(code="52").valid_to is None, seat


def test_the_proposal_page_by_seat(proposal):
    proposer, _change = proposal
    path = reverse("registry:codelist_change_add")
    for seat, (user, _allowed) in _seats(proposer).items():
        may = seat in ("proposer", "admin_without_approve", "superuser")
        response = _client(user).get(path)
        assert (response.status_code == 200) is may, (seat, response.status_code)
