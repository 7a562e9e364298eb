"""Fixtures of the catalogue tests: the per-process caches start empty in every test (the database rolls back
between tests, the caches would not), and generated files go to a temporary media directory."""

import pytest


@pytest.fixture(autouse=True)
def _catalogue_isolation(settings, tmp_path):
    from socplan.catalogue import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    cache.version_forget()
    yield
    cache.version_forget()
