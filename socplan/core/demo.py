"""Demo data of the modules built on the registry, loaded after `socplan load-demo` in dependency order.

Each module may provide `socplan/<app>/demo.py` with an idempotent `demo_load()`; `socplan demo` and the
test database setup call `app_demos_load()` after the registry's demo region exists.
"""

from importlib import import_module
from importlib.util import find_spec

from django.db import transaction

ORDER = ["evaluation", "planning", "network", "finance", "availability", "catalogue", "documents"]


def app_demos_load(stdout=None) -> list[str]:
    loaded = []
    for app in ORDER:
        name = f"socplan.{app}.demo"
        if find_spec(name) is None:
            continue
        module = import_module(name)
        if hasattr(module, "demo_load"):
            with transaction.atomic():
                module.demo_load()
            loaded.append(app)
            if stdout is not None:
                stdout.write(f"… demo: {app}")
    return loaded
