"""The periodic job that sends e-mails: retries of immediate ones the mail server refused, and daily digests."""

from django.utils.translation import gettext_lazy as _

from socplan.core.jobs import job_kind
from socplan.core.worker import periodic

from . import services


@periodic(every_seconds=600)
@job_kind("notices_send", _("Odeslání e-mailů s upozorněními (souhrny a opakované pokusy)"))
def notices_send(progress, **params):
    progress(10, str(_("odesílám e-maily")))
    now_sent = services.emails_send_immediate()
    digests = services.emails_send_digests()
    progress(100, "")
    return {"immediate": now_sent, "digests": digests}
