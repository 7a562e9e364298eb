"""Catalogue work that may run in the background."""

from socplan.core.jobs import job_kind


@job_kind("catalogue_refresh", "Obnovení veřejného katalogu služeb")
def catalogue_refresh_job(progress):
    # imported at the call: job registration runs at start-up, and the refresh reads the network and the scores
    # (numpy, pandas), which a command that never refreshes the catalogue must not pay for
    from .services import catalogue_refresh

    return catalogue_refresh(progress=progress)
