"""Security basics: login lockout, password rules, headers, cookies, CSRF and `socplan check --deploy`."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password, ip="10.0.0.1"):
    return client.post("/ucet/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_page_logs_in_and_out(make_user):
    make_user("eva")
    client = Client()
    response = _login(client, "eva", PASSWORD)
    assert response.status_code == 302
    assert client.get("/ucet/sprava/").status_code == 200
    assert client.post("/ucet/logout/").status_code == 302
    assert client.get("/ucet/sprava/").status_code == 302  # back to the login page


def test_lockout_after_repeated_failures(make_user):
    from axes.models import AccessAttempt

    make_user("eva")
    client = Client()
    for _ in range(5):
        response = _login(client, "eva", "spatne-heslo")
        assert response.status_code in (200, 429)
    response = _login(client, "eva", PASSWORD)  # the right password no longer helps
    assert response.status_code == 429
    assert "Přihlášení dočasně zablokováno" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username="eva").exists()
    # The lock is per username *and* address: the same user elsewhere is not locked out by an attacker.
    assert _login(Client(), "eva", PASSWORD, ip="10.0.0.2").status_code == 302


def test_successful_login_resets_the_failure_count(make_user):
    make_user("eva")
    client = Client()
    for _ in range(4):
        _login(client, "eva", "spatne-heslo")
    assert _login(client, "eva", PASSWORD).status_code == 302
    client.post("/ucet/logout/")
    for _ in range(4):
        _login(client, "eva", "spatne-heslo")
    assert _login(client, "eva", PASSWORD).status_code == 302


def test_api_basic_auth_is_throttled_too(make_user):
    import base64

    make_user("eva")
    client = Client()
    bad = "Basic " + base64.b64encode(b"eva:spatne-heslo").decode()
    for _ in range(5):
        client.get("/api/v1/accounts/me/", HTTP_AUTHORIZATION=bad, REMOTE_ADDR="10.0.0.9")
    good = "Basic " + base64.b64encode(f"eva:{PASSWORD}".encode()).decode()
    response = client.get("/api/v1/accounts/me/", HTTP_AUTHORIZATION=good, REMOTE_ADDR="10.0.0.9")
    assert response.status_code in (401, 403, 429)


@pytest.mark.parametrize("password", ["heslo", "1234567890123", "password123", "novak-jan"])
def test_weak_passwords_are_refused(django_user_model, password):
    user = django_user_model(username="novak-jan", first_name="Jan", last_name="Novák")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_password_change_page(make_user):
    make_user("eva")
    client = Client()
    _login(client, "eva", PASSWORD)
    response = client.post("/ucet/heslo/", {"old_password": PASSWORD, "new_password1": "kratke",
                                            "new_password2": "kratke"})
    assert response.status_code == 200 and "Změna hesla" in response.content.decode()
    response = client.post("/ucet/heslo/", {"old_password": PASSWORD, "new_password1": "Nove-Heslo-2026!",
                                            "new_password2": "Nove-Heslo-2026!"})
    assert response.status_code == 302
    assert _login(Client(), "eva", "Nove-Heslo-2026!").status_code == 302


def test_security_headers_and_cookies(make_user):
    make_user("eva")
    client = Client()
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    response = _login(client, "eva", PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_hsts_and_secure_cookies_behind_tls(settings, make_user):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    make_user("eva")
    client = Client()
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    response = client.post("/ucet/login/", {"username": "eva", "password": PASSWORD}, secure=True)
    assert response.cookies["sessionid"]["secure"]


def test_login_needs_csrf_token(make_user):
    make_user("eva")
    client = Client(enforce_csrf_checks=True)
    assert _login(client, "eva", PASSWORD).status_code == 403


def test_check_deploy_is_clean_in_production_settings(tmp_path):
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env = {
        **os.environ, "DEBUG": "0", "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(50)),
        "ALLOWED_HOSTS": "example.org", "SOCPLAN_TLS": "1", "SOCPLAN_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run([sys.executable, "-m", "socplan.cli", "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
