"""The database cache's table (``CACHES["default"]`` is ``DatabaseCache`` unless ``REDIS_URL`` is set).

`create_cache_table` runs after ``migrate`` (``post_migrate`` of core, connected in ``CoreConfig.ready``): it calls
``createcachetable``, which creates the table when it is missing and does nothing otherwise. So ``socplan migrate``,
``socplan demo`` and the test database all have it, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from django.core.management import call_command


def create_cache_table(sender, using="default", verbosity=0, **kwargs) -> None:
    call_command("createcachetable", database=using, verbosity=0)
