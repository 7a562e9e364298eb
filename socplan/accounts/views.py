"""“Můj účet”: my roles and their scope, what I may do, and (for kraj staff) the roles in my kraj."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors


@login_required
def index(request):
    user = request.user
    return render(request, "accounts/index.html", {
        "roles": selectors.own_role_assignments(user),
        "access": selectors.access_overview(user),
        "kraj_roles": selectors.role_assignment_list(user=user)[:500],
    })
