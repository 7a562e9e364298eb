"""Background job: evaluate a kraj and year and store the run (`socplan job run evaluation_run …`)."""

from django.contrib.auth import get_user_model

from socplan.core.jobs import job_kind
from socplan.core.years import calendar_year
from socplan.territory.models import Region


@job_kind("evaluation_run", "Hodnocení služeb kraje (výpočet a uložení výsledků)")
def evaluation_run_job(progress, region: str = "CZ064", year: int | None = None, actor_id: int | None = None):
    from .services import evaluation_run

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    run = evaluation_run(actor=actor, region=Region.objects.get(code=region), year=int(year or calendar_year()),
                         progress=progress)
    return {"run_id": run.pk, "region": region, "year": run.year, "services": run.n_services,
            "meeting_threshold": run.n_meeting, "with_missing": run.n_with_missing}
