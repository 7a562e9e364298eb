"""Pages for background jobs: list, detail with progress (refreshes itself while running), start.

Jobs are scoped and attributed: every job records who started it (`created_by`) and the kraj whose data it works
on (`region`, from its parameters); a user sees the jobs they started and, through the permission layer
(`Job.SCOPE`), the jobs of their own kraj if they are its staff (administrator, officer); a superuser every job
(`visible_jobs`). The generic launcher here starts only kinds that need no kraj
(`staff_only=False`) for any signed-in user, and the administrative kinds (national imports, a kraj's evaluation
without its parameters, …) for superusers only; a kraj's job is started from its module's page, which checks the
user's permission for that kraj and hands the job its actor, so the work runs with the starter's rights.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .jobs import KINDS, job_enqueue
from .models import Job
from .worker import worker_alive


def _is_superuser(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


_SCOPE: list = []  # the permission layer's restrict(queryset, user, action), registered by socplan.accounts


def register_job_scope(restrict) -> None:
    """The permission layer (an app above core) hands its ``restrict`` over at start-up (AccountsConfig.ready)."""
    _SCOPE[:] = [restrict]


def visible_jobs(user, queryset=None):
    """The jobs `user` may see: their own and those of their kraj (kraj staff, by the permission layer);
    a superuser's, every job."""
    qs = (queryset if queryset is not None else Job.objects.all()).select_related("created_by", "region")
    if _is_superuser(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    if not _SCOPE:
        raise ImproperlyConfigured("socplan.accounts did not register the job scope (register_job_scope)")
    colleagues = _SCOPE[0](Job.objects.filter(region__isnull=False), user, "view")
    return qs.filter(Q(created_by=user) | Q(pk__in=colleagues.values("pk")))


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
