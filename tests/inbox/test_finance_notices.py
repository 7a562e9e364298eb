"""Issued grant decisions and their settlement are told to the provider of each decision (and nobody else), by a
notification and an e-mail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from socplan.finance import programmes, services
from socplan.notices.models import Notification
from tests.finance import test_adapter_world as world
from tests.finance.test_adapter_world import YEAR

from .test_programme_reminders import actual_budget, make_round

_fast_password_hashing, zlk, zlk_users = world._fast_password_hashing, world.zlk, world.zlk_users  # fixtures

pytestmark = pytest.mark.django_db


def test_decisions_and_settlement_are_told_to_their_provider(zlk, zlk_users, django_capture_on_commit_callbacks):
    u = zlk_users
    for user in vars(u).values():
        user.email = f"{user.username}@example.org"
        user.save()
    rnd = make_round(zlk)
    run = services.allocation_run_approve(actor=u.approver, run=services.allocation_run(
        actor=None, region=zlk.region, year=YEAR, budget=rnd.budget, programme_round=rnd))
    Notification.objects.all().delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decisions = {d.provider_id: d for d in programmes.decisions_issue(actor=u.approver, run=run,
                                                                          issued_on=dt.date(YEAR, 2, 10))}
    told = {n.recipient_id: n for n in Notification.objects.filter(topic="finance.decision")}
    assert set(told) == {u.provider1.pk, u.provider2.pk}
    for user, provider in ((u.provider1, zlk.p1), (u.provider2, zlk.p2)):
        d = decisions[provider.pk]
        assert d.number in told[user.pk].text and told[user.pk].url == reverse("finance:decision_detail", args=[d.pk])
    assert sorted(a for m in mail.outbox for a in m.to) == sorted([u.provider1.email, u.provider2.email])
    actual_budget(u, zlk.a, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        programmes.decision_settle(actor=u.officer, decision=decisions[zlk.p1.pk])
    settled = list(Notification.objects.filter(topic="finance.settlement"))
    assert [n.recipient_id for n in settled] == [u.provider1.pk]
    assert decisions[zlk.p1.pk].number in settled[0].text
