"""Territory work that may run in the background."""

from socplan.core.jobs import job_kind

from .services import territory_import

STEPS = ["hranice", "kraje", "okresy", "ORP", "POÚ", "obce", "obyvatelé"]


@job_kind("territory_import", "Načtení území ČR")
def territory_import_job(progress):
    def step(name):
        progress(100 * STEPS.index(name) / len(STEPS), f"načítám: {name}")

    report = territory_import(progress=step)
    return {"created": dict(report.created), "updated": dict(report.updated), "unchanged": dict(report.unchanged)}
