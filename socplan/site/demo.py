"""The demo of every module, loaded in the order of the apps (docs/architecture.md).

`socplan load-demo` (registry) brings the territory, the demo region's registry and the demo users;
`app_demos_load()` then loads the demo data of the modules built on them, each in its own transaction and
each idempotent. `socplan demo` and the test database setup call both.
"""

from django.db import transaction

from socplan.availability.demo import demo_load as availability_demo_load
from socplan.catalogue.demo import demo_load as catalogue_demo_load
from socplan.evaluation.demo import demo_load as evaluation_demo_load
from socplan.finance.demo import demo_load as finance_demo_load
from socplan.network.demo import demo_load as network_demo_load
from socplan.network.layers_demo import demo_load as network_layers_demo_load
from socplan.planning.demo import demo_load as planning_demo_load

# (app, loader) from the bottom up: each module's demo may read the demos below it.
DEMOS = [
    ("evaluation", evaluation_demo_load),
    ("planning", planning_demo_load),
    ("network", network_demo_load),
    ("network layers", network_layers_demo_load),
    ("finance", finance_demo_load),
    ("availability", availability_demo_load),
    ("catalogue", catalogue_demo_load),
]


def app_demos_load(stdout=None) -> list[str]:
    loaded = []
    for app, load in DEMOS:
        with transaction.atomic():
            load()
        loaded.append(app)
        if stdout is not None:
            stdout.write(f"… demo: {app}")
    return loaded
