"""Availability tests: every test starts and ends with an empty registry snapshot cache, because tests change
the registry and the adapter caches its snapshot per data version within a process."""

import pytest

from socplan.availability import adapter


@pytest.fixture(autouse=True)
def _fresh_cache():
    adapter.cache_clear()
    yield
    adapter.cache_clear()
