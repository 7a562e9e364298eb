"""Headless Chromium on the demo server: a provider report passes between the provider and the kraj through the
inbox — submitted, returned with a comment (the provider is notified in the app and by e-mail), fixed and
resubmitted, approved (the provider is notified) — and the inbox counts in the header change at each step.

The server writes its e-mails as files (`demo_server.outbox`). The test uses the demo provider's unfinished
budget, which no other browser test touches."""

import re

import pytest

from tests.conftest import login

pytestmark = pytest.mark.browser

PROVIDER, APPROVER = "poskytovatel", "kraj-schvalovatel"


def password_of(demo_server, username):
    for user, password, _role in demo_server.logins:
        if user == username:
            return password
    pytest.fail(f"demo user {username} missing from the demo logins")


def as_user(page, demo_server, username):
    page.context.clear_cookies()
    login(page, username, password_of(demo_server, username))


def inbox_count(page) -> int:
    page.goto("/prace/")
    return int(page.get_by_test_id("header-inbox-count").inner_text())


def mails_to(demo_server, address):
    if not demo_server.outbox.exists():
        return []
    texts = [p.read_text(errors="replace") for p in sorted(demo_server.outbox.iterdir())]
    return [t for t in texts if f"To: {address}" in t]


def test_report_round_trip_through_the_inbox(page, demo_server):
    # the provider finishes the unfinished budget from the inbox
    as_user(page, demo_server, PROVIDER)
    before = inbox_count(page)
    row = page.get_by_test_id("inbox-items").locator("tr", has_text="dokončit a předložit").first
    title = row.locator("a").inner_text()
    row.locator("a").click()
    report_url = page.url
    page.get_by_role("link", name="Předložit ke kontrole").click()
    page.get_by_role("button", name="Předložit").click()
    assert inbox_count(page) == before - 1

    # the approver sees it in the inbox and returns it with a comment
    as_user(page, demo_server, APPROVER)
    approver_before = inbox_count(page)
    item = page.get_by_test_id("inbox-items").get_by_role("link", name=title)
    assert item.count() == 1
    item.click()
    page.get_by_role("link", name="Vrátit k opravě").click()
    page.get_by_label("Důvod vrácení").fill("Doplňte prosím rozpis osobních nákladů.")
    page.get_by_role("button", name="Vrátit").click()
    assert inbox_count(page) == approver_before - 1

    # the provider is told in the app and by e-mail, fixes and resubmits
    as_user(page, demo_server, PROVIDER)
    assert inbox_count(page) == before  # the returned report waits again
    unread = int(page.get_by_test_id("header-unread-count").inner_text())
    assert unread >= 1
    assert page.get_by_test_id("inbox-notifications").get_by_text(re.compile("Vráceno k opravě")).count() >= 1
    mails = mails_to(demo_server, f"{PROVIDER}@socplan-demo.invalid")
    assert any("Doplňte prosím rozpis osobních nákladů." in m and "Vr" in m for m in mails)
    page.goto(report_url)
    page.get_by_role("link", name="Předložit ke kontrole").click()
    page.get_by_role("button", name="Předložit").click()
    assert inbox_count(page) == before - 1

    # the approver approves; the provider is notified
    as_user(page, demo_server, APPROVER)
    assert inbox_count(page) == approver_before
    page.get_by_test_id("inbox-items").get_by_role("link", name=title).click()
    page.get_by_role("link", name="Schválit").click()
    page.get_by_role("button", name="Schválit").click()
    assert inbox_count(page) == approver_before - 1
    as_user(page, demo_server, PROVIDER)
    page.goto("/upozorneni/")
    assert page.get_by_test_id("notifications").get_by_text(re.compile("^Schváleno: ")).count() >= 1
    assert any("Schváleno" in m for m in mails_to(demo_server, f"{PROVIDER}@socplan-demo.invalid"))
