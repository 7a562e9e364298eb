"""Registry test fixtures. The session database already holds the territory (tests/conftest.py); the
registry code lists are loaded by the app's post_migrate hook. Tests that need them again call
`codelists_load()`, which is idempotent."""

import pytest


@pytest.fixture
def codelists(db):
    from socplan.registry.services import codelists_load

    codelists_load()


@pytest.fixture
def territory(db):
    """Make sure the territory is loaded (it is, by the session fixture; this is cheap when it is)."""
    from socplan.territory.models import Municipality

    if not Municipality.objects.filter(code="582786").exists():
        from socplan.territory.services import territory_import

        territory_import()
