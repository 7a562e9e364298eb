"""Background job kinds of the finance module."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from socplan.core.jobs import job_kind
from socplan.territory.models import Region


@job_kind("finance_allocation", _("Rozdělení rozpočtu na síť (financování)"))
def allocation_job(progress, *, region: str, year: int, budget: str, mode: str = "rules", note: str = "",
                   user_id: int | None = None) -> dict:
    """``allocation_run`` in the background; the actor's permission is checked as in the page."""
    from .services import allocation_run

    actor = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    progress(10, "výpočet optimální podpory")
    run = allocation_run(actor=actor, region=Region.objects.defer("boundary").get(code=region), year=int(year),
                         budget=budget, mode=mode, note=note)
    progress(100, "hotovo")
    return {"run_id": run.pk, "total_allocated": str(run.total_allocated), "total_optimal": str(run.total_optimal),
            "url": f"/financovani/rozdeleni/vypocet/{run.pk}/"}
