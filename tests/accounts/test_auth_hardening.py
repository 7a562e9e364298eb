"""Hardening of logins and errors: a user name with a NUL (or too long for the lockout table) in HTTP Basic auth is
refused without reaching the database as such (PostgreSQL cannot store a NUL: it was a 500); a refused request is
logged as one line, not a traceback."""

from __future__ import annotations

import base64
import logging
import sys

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from socplan.accounts.backends import lockout_username
from socplan.core.log import ClientErrorsOneLine
from tests.factories import ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db

API = ["/api/v1/accounts/me/", "/api/v1/plans/", "/api/v1/territory/regions/", "/api/v1/catalogue/situations/"]


def _basic(username: str, password: str = "pw") -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


@pytest.mark.parametrize("path", API)
def test_basic_auth_user_name_with_a_nul_is_refused_not_a_server_error(path):
    from axes.models import AccessAttempt

    client = Client(raise_request_exception=False)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, HTTP_AUTHORIZATION=_basic("a\x00b"), REMOTE_ADDR="10.9.0.1")
    assert response.status_code in (200, 401, 403), response.status_code  # catalogue reads no authentication
    assert not [q["sql"] for q in queries.captured_queries if "\x00" in q["sql"]]  # PostgreSQL would refuse them
    for attempt in AccessAttempt.objects.filter(ip_address="10.9.0.1"):
        assert "\x00" not in attempt.username and attempt.username == "a\ufffdb"


def test_basic_auth_nul_user_name_is_counted_by_the_lockout():
    from axes.models import AccessAttempt

    client = Client()
    for _ in range(5):
        client.get("/api/v1/accounts/me/", HTTP_AUTHORIZATION=_basic("eva\x00"), REMOTE_ADDR="10.9.0.2")
    attempt = AccessAttempt.objects.get(ip_address="10.9.0.2")
    assert attempt.username == "eva\ufffd" and attempt.failures_since_start == 5
    response = client.get("/api/v1/accounts/me/", HTTP_AUTHORIZATION=_basic("eva\x00"), REMOTE_ADDR="10.9.0.2")
    assert response.status_code in (401, 403, 429)


def test_a_user_name_longer_than_the_lockout_column_is_cut():
    from axes.models import AccessAttempt

    response = Client().get("/api/v1/plans/", HTTP_AUTHORIZATION=_basic("x" * 400), REMOTE_ADDR="10.9.0.3")
    assert response.status_code in (401, 403)
    assert len(AccessAttempt.objects.get(ip_address="10.9.0.3").username) == 255


def test_lockout_username_keeps_ordinary_names():
    assert lockout_username(None, {"username": "kraj-referent"}) == "kraj-referent"
    assert lockout_username(None, {"username": "a\x00b\x1fc"}) == "a\ufffdb\ufffdc"
    assert lockout_username(None, None) is None


def test_valid_basic_auth_still_works():
    user = UserFactory(username="eva-api")
    response = Client().get("/api/v1/accounts/me/", HTTP_AUTHORIZATION=_basic("eva-api", "socplan-test"),
                            REMOTE_ADDR="10.9.0.4")
    assert response.status_code == 200 and response.json()["username"] == user.username


def test_login_form_with_a_nul_is_an_invalid_form():
    response = Client().post("/ucet/login/", {"username": "a\x00b", "password": "x"}, REMOTE_ADDR="10.9.0.5")
    assert response.status_code == 200


# --- 403 in the log -----------------------------------------------------------------------------------------------

def test_permission_denied_is_logged_as_one_line(caplog):
    """A user without a role asks for a provider's XLSX template: 403, logged once, one line, no traceback."""
    provider = ProviderFactory()
    client = Client()
    client.force_login(UserFactory())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(f"/registr/poskytovatel/{provider.pk}/sablona.xlsx?rok=2026")
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    record = records[0]
    assert record.status_code == 403 and record.exc_info is None and not record.exc_text
    line = logging.Formatter().format(record)
    assert "\n" not in line and "Traceback" not in line
    assert line.startswith("403 Forbidden (Permission denied): /registr/poskytovatel/")


def test_server_errors_keep_their_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        exc_info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/x/",),
                               exc_info)
    record.status_code = 500
    assert ClientErrorsOneLine().filter(record) and record.exc_info is exc_info
    assert "Traceback" in logging.Formatter().format(record)


def test_the_filter_is_configured_on_the_request_logger():
    logger = logging.getLogger("django.request")
    assert any(isinstance(f, ClientErrorsOneLine) for f in logger.filters)
