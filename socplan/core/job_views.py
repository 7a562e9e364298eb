"""Pages for background jobs: list, detail with progress (refreshes itself while running), start.

Jobs are scoped and attributed: every job records who started it (`created_by`); a user sees only the jobs they
started, a superuser every job (`visible_jobs`). The generic launcher here starts only kinds that need no kraj
(`staff_only=False`) for any signed-in user, and the administrative kinds (national imports, a kraj's evaluation
without its parameters, …) for superusers only; a kraj's job is started from its module's page, which checks the
user's permission for that kraj and hands the job its actor, so the work runs with the starter's rights.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .jobs import KINDS, job_enqueue
from .models import Job
from .worker import worker_alive


def _is_superuser(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def visible_jobs(user, queryset=None):
    """The jobs `user` may see: their own; a superuser's, every job."""
    qs = (queryset if queryset is not None else Job.objects.all()).select_related("created_by")
    if _is_superuser(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(created_by=user)


def startable_kinds(user):
    """The job kinds `user` may start from the generic launcher."""
    return [k for k in KINDS.values() if _is_superuser(user) or (user.is_authenticated and not k.staff_only)]


@login_required
def job_list(request):
    return render(request, "core/job_list.html",
                  {"jobs": visible_jobs(request.user)[:100], "kinds": startable_kinds(request.user),
                   "worker_alive": worker_alive()})


@login_required
def job_detail(request, pk):
    job = get_object_or_404(visible_jobs(request.user), pk=pk)
    return render(request, "core/job_detail.html", {"job": job, "worker_alive": worker_alive()})


@login_required
@require_POST
def job_start(request):
    kind = KINDS.get(request.POST.get("kind", ""))
    if kind is None:
        messages.error(request, _("Neznámý druh úlohy."))
        return redirect("core:job_list")
    if kind not in startable_kinds(request.user):
        raise PermissionDenied(_("Tuto úlohu může odsud spustit jen hlavní správce; úlohu kraje spusťte na "
                                 "stránce modulu."))
    job = job_enqueue(actor=request.user, kind=kind.name)
    messages.success(request, _("Úloha „%(title)s“ byla zařazena do fronty.") % {"title": kind.title})
    return redirect("core:job_detail", pk=job.pk)
