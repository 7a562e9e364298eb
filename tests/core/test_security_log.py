"""A disallowed Host header (django.security) is answered 400 and logged as one line, without a traceback."""

import logging

import pytest
from django.test import Client


@pytest.mark.django_db
def test_disallowed_host_is_one_line(caplog):
    with caplog.at_level(logging.WARNING, logger="django.security"):
        response = Client().get("/", HTTP_HOST="evil.example\x00.com")
    assert response.status_code == 400
    records = [r for r in caplog.records if r.name.startswith("django.security")]
    assert len(records) == 1, [r.name for r in caplog.records]
    record = records[0]
    assert record.name == "django.security.DisallowedHost"
    assert record.exc_info is None and not record.exc_text
    line = logging.Formatter().format(record)
    assert "\n" not in line and "Traceback" not in line
    assert line.startswith("400 Invalid HTTP_HOST header")
    assert line.count("Invalid HTTP_HOST header") == 1
