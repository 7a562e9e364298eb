"""Who may take which decision: one table, read by every service function that decides or approves.

A *decision* is a step after which the others rely on the result: the steps of a development request
(ORP opinion, district review, evaluation, the kraj's decision, returning it for completion), approving a
version of the network, approving or returning a provider report, approving an allocation of the budget,
deciding on a district team's proposal. Each decision kind names the roles that may take it and whether the
role must carry the right to approve (``RoleAssignment.can_approve``). A role acts at its own level: an ORP
coordinator on objects of its ORP, a district team on objects of its okres, kraj staff on objects of their
kraj — where the object sits is read from its model's ``SCOPE`` (the permission layer, ``scope.py``).
Superusers may take every decision.

``DECISION_TABLE`` is documented row by row in docs/accounts.md ("Decisions"); a test keeps the two equal.

Entry points (service functions call ``require_decision`` first, pages and the API ask ``may_decide``
to show a button or list ``available_actions``)::

    may_decide(user, DecisionKind.NETWORK_APPROVE, version) -> bool
    require_decision(user, DecisionKind.NETWORK_APPROVE, version)   # PermissionDenied with a Czech reason
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import ROLE_LEVEL, Role
from .scope import _matches, grants, is_superuser, model_scope

REGION_STAFF = frozenset({Role.REGION_ADMIN, Role.REGION_OFFICER})


class DecisionKind(models.TextChoices):
    REQUEST_OPINION = "request_opinion", gettext_lazy("stanovisko ORP k rozvojovému záměru")
    REQUEST_REVIEW = "request_review", gettext_lazy("projednání rozvojového záměru v okrese")
    REQUEST_EVALUATE = "request_evaluate", gettext_lazy("hodnocení rozvojového záměru")
    REQUEST_DECIDE = "request_decide", gettext_lazy("rozhodnutí o rozvojovém záměru")
    NETWORK_APPROVE = "network_approve", gettext_lazy("schválení verze sítě")
    REPORT_APPROVE = "report_approve", gettext_lazy("schválení výkazu poskytovatele")
    REPORT_RETURN = "report_return", gettext_lazy("vrácení výkazu poskytovatele k opravě")
    ALLOCATION_APPROVE = "allocation_approve", gettext_lazy("schválení rozdělení rozpočtu")
    PROPOSAL_DECIDE = "proposal_decide", gettext_lazy("rozhodnutí o návrhu okresního týmu")


@dataclass(frozen=True)
class DecisionRule:
    """The roles that may take a decision, and whether their assignment must carry the right to approve."""

    roles: frozenset
    needs_approval: bool
    who: str  # Czech, for the denial reason: "…smí jen {who}."


_STAFF_APPROVERS = gettext_lazy("pracovník nebo správce kraje s právem schvalovat")

DECISION_TABLE: dict[DecisionKind, DecisionRule] = {
    DecisionKind.REQUEST_OPINION: DecisionRule(
        REGION_STAFF | {Role.ORP_COORDINATOR}, False,
        gettext_lazy("koordinátor komunitního plánování ORP záměru nebo pracovník či správce kraje")),
    DecisionKind.REQUEST_REVIEW: DecisionRule(
        REGION_STAFF | {Role.DISTRICT_TEAM}, False,
        gettext_lazy("okresní tým okresu záměru nebo pracovník či správce kraje")),
    DecisionKind.REQUEST_EVALUATE: DecisionRule(REGION_STAFF, False, gettext_lazy("pracovník nebo správce kraje")),
    DecisionKind.REQUEST_DECIDE: DecisionRule(REGION_STAFF, True, _STAFF_APPROVERS),
    DecisionKind.NETWORK_APPROVE: DecisionRule(REGION_STAFF, True, _STAFF_APPROVERS),
    DecisionKind.REPORT_APPROVE: DecisionRule(REGION_STAFF, True, _STAFF_APPROVERS),
    DecisionKind.REPORT_RETURN: DecisionRule(REGION_STAFF, True, _STAFF_APPROVERS),
    DecisionKind.ALLOCATION_APPROVE: DecisionRule(REGION_STAFF, True, _STAFF_APPROVERS),
    DecisionKind.PROPOSAL_DECIDE: DecisionRule(REGION_STAFF, False, gettext_lazy("pracovník nebo správce kraje")),
}


def _seat_matches(grant, rule: DecisionRule, obj) -> bool:
    if grant.role not in rule.roles or (rule.needs_approval and not grant.can_approve):
        return False
    level = ROLE_LEVEL[grant.role]
    return _matches(obj, model_scope(obj), level, getattr(grant, f"{level}_id"))


def may_decide(user, kind: DecisionKind | str, obj) -> bool:
    """May `user` take the decision `kind` on `obj` (a development request, network version, report …)?"""
    rule = DECISION_TABLE[DecisionKind(kind)]
    if is_superuser(user):
        return True
    if model_scope(obj) is None:
        raise TypeError(f"{type(obj).__name__} declares no SCOPE: decisions need to know where it sits")
    return any(_seat_matches(g, rule, obj) for g in grants(user))


def may_decide_some(user, kind: DecisionKind | str) -> bool:
    """Could `user` take the decision `kind` on *some* object (to show a link; objects are checked by
    `may_decide`)?"""
    rule = DECISION_TABLE[DecisionKind(kind)]
    if is_superuser(user):
        return True
    return any(g.role in rule.roles and (g.can_approve or not rule.needs_approval) for g in grants(user))


def denial_reason(user, kind: DecisionKind | str, obj) -> str:
    """Why `user` may not take the decision (Czech, shown on the 403 page and in API errors)."""
    kind = DecisionKind(kind)
    rule = DECISION_TABLE[kind]
    label = str(kind.label)
    if user is None or not getattr(user, "is_authenticated", False):
        return _("Pro krok „%(decision)s“ se přihlaste.") % {"decision": label}
    if rule.needs_approval:
        without_right = DecisionRule(rule.roles, False, rule.who)
        if any(_seat_matches(g, without_right, obj) for g in grants(user)):
            return _("Krok „%(decision)s“ smí provést jen %(who)s; vaše role právo schvalovat nemá "
                     "(uděluje je správce kraje).") % {"decision": label, "who": rule.who}
    return _("Krok „%(decision)s“ smí provést jen %(who)s.") % {"decision": label, "who": rule.who}


def require_decision(user, kind: DecisionKind | str, obj) -> None:
    """Raise PermissionDenied (with a Czech reason) unless `may_decide(user, kind, obj)`."""
    if not may_decide(user, kind, obj):
        raise PermissionDenied(denial_reason(user, kind, obj))
