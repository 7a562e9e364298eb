"""Notifications and each user's e-mail preference.

A notification belongs to its recipient only (nobody else reads it). `key` makes a step idempotent: a reminder
of one deadline carries the deadline's key, and a second run of the reminder job finds it and sends nothing.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class EmailMode(models.TextChoices):
    IMMEDIATELY = "immediately", _("hned")
    DIGEST = "digest", _("jednou denně (souhrn)")
    OFF = "off", _("neposílat")


class EmailState(models.TextChoices):
    PENDING = "pending", _("čeká na odeslání")
    SENT = "sent", _("odesláno")
    SKIPPED = "skipped", _("neodesílá se")


class Notification(models.Model):
    """Upozornění uživateli (krok v projednávání, vrácený výkaz, blížící se termín …). Vidí je jen adresát."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices",
                                  verbose_name=_("adresát"))
    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("kraj"))
    topic = models.CharField(_("druh"), max_length=60, blank=True)
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("odkaz"), max_length=300, blank=True)
    key = models.CharField(_("klíč události"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("vytvořeno"), auto_now_add=True)
    read_at = models.DateTimeField(_("přečteno"), null=True, blank=True)
    email_state = models.CharField(_("e-mail"), max_length=10, choices=EmailState.choices,
                                   default=EmailState.PENDING)
    emailed_at = models.DateTimeField(_("odesláno e-mailem"), null=True, blank=True)

    class Meta:
        verbose_name = _("upozornění")
        verbose_name_plural = _("upozornění")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"]), models.Index(fields=["email_state"])]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], condition=~Q(key=""),
                                               name="notices_one_per_recipient_and_key")]

    def __str__(self):
        return self.text


class Preference(models.Model):
    """Jak chce uživatel dostávat upozornění e-mailem."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference",
                                verbose_name=_("uživatel"))
    email_mode = models.CharField(_("e-mailem"), max_length=12, choices=EmailMode.choices,
                                  default=EmailMode.IMMEDIATELY)
    last_digest_at = models.DateTimeField(_("poslední souhrn"), null=True, blank=True)

    class Meta:
        verbose_name = _("nastavení upozornění")
        verbose_name_plural = _("nastavení upozornění")

    def __str__(self):
        return f"{self.user} – {self.get_email_mode_display()}"


class ReminderSetting(models.Model):
    """Kolik dní před termínem se připomíná – pro jeden plán nebo dotační program (jinak platí nastavení webu).

    The record names its object generically (the reminder settings of every module live here, below the apps
    whose deadlines they time); the owning app's `inbox.py` reads them with `notices.selectors.reminder_days`."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("druh záznamu"))
    object_id = models.PositiveBigIntegerField(_("záznam"))
    days_before = models.PositiveSmallIntegerField(
        _("připomenout dní před termínem"), validators=[MinValueValidator(0), MaxValueValidator(365)],
        help_text=_("0 = připomenout až v den termínu."))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("nastavil"))
    updated_at = models.DateTimeField(_("nastaveno"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nastavení připomínek termínů")
        verbose_name_plural = _("nastavení připomínek termínů")
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"],
                                               name="notices_one_reminder_setting_per_object")]

    def __str__(self):
        return f"{self.content_type.model} {self.object_id}: {self.days_before}"
