"""Roles as data: a user holds any number of role assignments, each tied to a territory or a provider.

The permission layer (`socplan.accounts.scope`) reads these rows; nothing else decides who may see or change
what. See docs/accounts.md for the role × action matrix.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    REGION_ADMIN = "region_admin", _("správce kraje")
    REGION_OFFICER = "region_officer", _("pracovník krajského úřadu")
    DISTRICT_TEAM = "district_team", _("člen okresního týmu")
    ORP_COORDINATOR = "orp_coordinator", _("koordinátor komunitního plánování ORP")
    PROVIDER_USER = "provider_user", _("uživatel poskytovatele")


REGION_ROLES = frozenset({Role.REGION_ADMIN, Role.REGION_OFFICER})

# The territorial level a role works at ("provider" for provider users).
ROLE_LEVEL = {
    Role.REGION_ADMIN: "region",
    Role.REGION_OFFICER: "region",
    Role.DISTRICT_TEAM: "district",
    Role.ORP_COORDINATOR: "orp",
    Role.PROVIDER_USER: "provider",
}


def provider_region_id(provider) -> int | None:
    """The kraj of a registry provider along the region lookup of its SCOPE (the lowest when it has services in
    several kraje; None when it has none)."""
    lookup = type(provider).SCOPE["region"]
    values = [v for v in type(provider)._default_manager.filter(pk=provider.pk).values_list(lookup, flat=True)
              if v is not None]
    return min(values) if values else None


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)


class RoleAssignment(models.Model):
    """One role of one user, scoped to a kraj, an okres, an ORP or a provider.

    `region` is always set (for district/ORP roles it is derived from the unit; for provider users it is
    the kraj whose network the provider belongs to and whose administrators manage the account).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments",
                             verbose_name=_("uživatel"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("kraj"), null=True, blank=True)
    district = models.ForeignKey("territory.District", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("okres"), null=True, blank=True)
    orp = models.ForeignKey("territory.Orp", on_delete=models.PROTECT, related_name="+",
                            verbose_name=_("ORP"), null=True, blank=True)
    provider = models.ForeignKey("registry.Provider", on_delete=models.PROTECT, related_name="role_assignments",
                                 verbose_name=_("poskytovatel"), null=True, blank=True)
    can_approve = models.BooleanField(
        _("smí schvalovat"), default=False,
        help_text=_("Jen pro pracovníky a správce kraje: schvalování rozhodnutí o síti a o financování."),
    )
    is_active = models.BooleanField(_("platná"), default=True)
    note = models.CharField(_("poznámka"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("vytvořeno"), auto_now_add=True)

    history = HistoricalRecords()
    objects = RoleAssignmentQuerySet.as_manager()

    # Role assignments are themselves scoped: the kraj's administrators manage them; region staff read them.
    SCOPE = {
        "region": "region", "district": "district", "orp": "orp", "provider": None, "private": True,
        "view_roles": (Role.REGION_ADMIN, Role.REGION_OFFICER),
        "edit_roles": (Role.REGION_ADMIN,),
    }

    class Meta:
        verbose_name = _("přidělená role")
        verbose_name_plural = _("přidělené role")
        ordering = ["user__username", "role"]
        indexes = [models.Index(fields=["user", "is_active"])]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} ({self.scope_label})"

    def save(self, *args, **kwargs):
        # Derived territory is kept consistent even for writes that skip full_clean (imports, demo data).
        if self.role == Role.DISTRICT_TEAM and self.district_id and not self.region_id:
            self.region_id = self.district.region_id
        if self.role == Role.ORP_COORDINATOR and self.orp_id:
            self.district_id = self.district_id or self.orp.district_id
            self.region_id = self.region_id or self.orp.region_id
        super().save(*args, **kwargs)

    @property
    def scope_label(self) -> str:
        level = ROLE_LEVEL.get(self.role)
        unit = {"region": self.region, "district": self.district, "orp": self.orp, "provider": self.provider}.get(level)
        return str(unit) if unit is not None else "—"

    def clean(self):
        """The territory (or provider) must match the role; derived levels are filled in."""
        errors = {}
        level = ROLE_LEVEL.get(self.role)
        if level == "region":
            if not self.region_id:
                errors["region"] = _("Role kraje musí mít vyplněný kraj.")
            for name in ("district", "orp", "provider"):
                if getattr(self, f"{name}_id"):
                    errors[name] = _("Role kraje se neváže na okres, ORP ani poskytovatele.")
        elif level == "district":
            if not self.district_id:
                errors["district"] = _("Člen okresního týmu musí mít vyplněný okres.")
            else:
                self._fill_region(self.district.region_id, errors)
            for name in ("orp", "provider"):
                if getattr(self, f"{name}_id"):
                    errors[name] = _("Role okresního týmu se neváže na ORP ani poskytovatele.")
        elif level == "orp":
            if not self.orp_id:
                errors["orp"] = _("Koordinátor komunitního plánování musí mít vyplněnou ORP.")
            else:
                if self.district_id and self.district_id != self.orp.district_id:
                    errors["district"] = _("ORP neleží v zadaném okrese.")
                self.district_id = self.orp.district_id
                self._fill_region(self.orp.region_id, errors)
            if self.provider_id:
                errors["provider"] = _("Role koordinátora ORP se neváže na poskytovatele.")
        elif level == "provider":
            if not self.provider_id:
                errors["provider"] = _("Uživatel poskytovatele musí mít vyplněného poskytovatele.")
            for name in ("district", "orp"):
                if getattr(self, f"{name}_id"):
                    errors[name] = _("Role poskytovatele se neváže na okres ani ORP.")
            if not self.region_id and self.provider_id:
                self.region_id = provider_region_id(self.provider)
            if not self.region_id:
                errors["region"] = _("Vyplňte kraj, v jehož síti poskytovatel působí (spravují jej jeho správci).")
        if self.can_approve and self.role not in REGION_ROLES:
            errors["can_approve"] = _("Schvalovat smějí jen pracovníci a správci kraje.")
        if not errors and self.user_id:
            twins = RoleAssignment.objects.filter(
                user_id=self.user_id, role=self.role, region_id=self.region_id, district_id=self.district_id,
                orp_id=self.orp_id, provider_id=self.provider_id,
            ).exclude(pk=self.pk)
            if twins.exists():
                errors["role"] = _("Uživatel už tuto roli se stejným rozsahem má.")
        if errors:
            raise ValidationError(errors)

    def _fill_region(self, region_id, errors):
        if self.region_id and self.region_id != region_id:
            errors["region"] = _("Zadaný kraj neodpovídá územní jednotce role.")
        self.region_id = region_id
