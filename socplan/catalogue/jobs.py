"""Catalogue work that may run in the background."""

from socplan.core.jobs import job_kind

from .services import catalogue_refresh


@job_kind("catalogue_refresh", "Obnovení veřejného katalogu služeb")
def catalogue_refresh_job(progress):
    return catalogue_refresh(progress=progress)
