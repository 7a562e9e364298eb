"""Registry of social services: code lists (kinds, forms, capacity types, target and age groups) as data,
providers, services with their forms and registered capacities, facilities, territorial scope, and per-year
staffing and economics.

Every registry model keeps full history (django-simple-history). Editable records carry optimistic locking
(`VersionedModel`) and provenance (`ProvenanceModel`: MPSV import / provider / officer / synthetic).

`SCOPE` on a model tells the permission layer (`socplan.accounts.scope.restrict`) how to reach the region,
district, ORP and provider of a row; `private=True` rows (staffing, economics) are visible only to the
provider itself and to regional staff. Lookups that cross a to-many relation (e.g. a service's ORPs through
its scope) can match a row more than once: the permission layer applies `.distinct()` for them.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from socplan.core.models import ProvenanceModel, VersionedModel
from socplan.core.text_limits import SHORT_TEXT, line_text, short_text

from .ico import ico_is_valid

ZERO = Decimal(0)
HUNDRED = Decimal(100)
MONEY = {"max_digits": 15, "decimal_places": 2, "default": ZERO}


def validate_ico(value: str) -> None:
    if not ico_is_valid(value):
        raise ValidationError(
            _("IČO %(value)s není platné: musí mít 8 číslic a správnou kontrolní číslici."),
            code="invalid_ico", params={"value": value},
        )


# --- code lists (loaded from socplan/registry/data/*.csv by `codelists_load`) ---------------------------------

ACT_START = datetime.date(2007, 1, 1)  # zákon č. 108/2006 Sb. in force (§ 121)
ACT_BASIS = "zákon č. 108/2006 Sb."


def _date_text(d: datetime.date) -> str:
    return f"{d.day}. {d.month}. {d.year}"


class DatedEntry(models.Model):
    """An entry of a code list valid over a period: the law as dated data (docs/legislation.md).

    ``valid_from`` / ``valid_to`` are inclusive; empty = open. An entry is *valid in a year* when its period
    overlaps the year (``registry.selectors.kinds_valid_in(year)`` and its siblings are the only readers of a
    year's list). ``legal_basis`` names the act or decision that set the entry (or its end)."""

    valid_from = models.DateField(_("platí od"), null=True, blank=True,
                                  help_text=_("Prázdné = bez omezení začátku."))
    valid_to = models.DateField(_("platí do"), null=True, blank=True,
                                help_text=_("Poslední den platnosti; prázdné = platí dál."))
    legal_basis = models.CharField(_("právní základ"), max_length=300, blank=True, validators=line_text(),
                                   help_text=_("Předpis nebo rozhodnutí, které položku zavedlo nebo ukončilo, "
                                               "např. „zákon č. 108/2006 Sb.“."))

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="%(app_label)s_%(class)s_validity_ordered",
                violation_error_message=_("Konec platnosti nesmí předcházet jejímu začátku."),
            ),
        ]

    def valid_in(self, year: int) -> bool:
        """Is the entry in force on at least one day of `year`?"""
        return ((self.valid_from is None or self.valid_from <= datetime.date(year, 12, 31))
                and (self.valid_to is None or self.valid_to >= datetime.date(year, 1, 1)))

    @property
    def validity_label(self) -> str:
        if self.valid_from is None and self.valid_to is None:
            return str(_("bez omezení"))
        start = _date_text(self.valid_from) if self.valid_from else "…"
        end = _date_text(self.valid_to) if self.valid_to else "…"
        return f"{start} – {end}"

class Category(models.TextChoices):
    COUNSELLING = "poradenstvi", _("sociální poradenství")
    CARE = "pece", _("služby sociální péče")
    PREVENTION = "prevence", _("služby sociální prevence")


class FinancingGroup(models.TextChoices):
    A = "A", _("A – prevence a poradenství, ambulantní a terénní")
    B = "B", _("B – péče, ambulantní a terénní")
    C = "C", _("C – prevence, pobytové")
    D = "D", _("D – péče, pobytové")


class DeliveryForm(DatedEntry):
    """Forma poskytování (§33): ambulantní, pobytová, terénní."""

    code = models.CharField(_("kód"), max_length=8, unique=True, help_text=_("amb / pob / ter"))
    name = models.CharField(_("název"), max_length=60)
    mpsv_od_id = models.CharField(_("ID v otevřených datech MPSV"), max_length=60, unique=True)
    mpsv_rest_id = models.PositiveIntegerField(_("ID v REST API MPSV"), null=True, blank=True, unique=True)
    order = models.PositiveSmallIntegerField(_("pořadí"), default=0)
    history = HistoricalRecords()

    class Meta(DatedEntry.Meta):
        verbose_name = _("forma poskytování")
        verbose_name_plural = _("formy poskytování")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class ServiceKind(DatedEntry):
    """Druh sociální služby (the 33 kinds of Act 108/2006 plus newer codes of the MPSV code list)."""

    code = models.CharField(_("kód"), max_length=10, unique=True,
                            help_text=_("paragraf zákona 108/2006 Sb. (např. 49, 60a); u druhů mimo zákon zkratka"))
    paragraph = models.CharField(_("paragraf"), max_length=10, blank=True)
    name = models.CharField(_("název"), max_length=120)
    short_name = models.CharField(_("zkrácený název"), max_length=60, blank=True)
    category = models.CharField(_("kategorie"), max_length=12, choices=Category.choices)
    allowed_forms = models.ManyToManyField(DeliveryForm, related_name="kinds", blank=True,
                                           verbose_name=_("přípustné formy"))
    mpsv_od_id = models.CharField(_("ID v otevřených datech MPSV"), max_length=60, unique=True, null=True, blank=True,
                                  help_text=_("např. DruhSocialniSluzby/13"))
    mpsv_od_id_confirmed = models.BooleanField(
        _("ID v otevřených datech ověřeno"), default=False,
        help_text=_("Ověřeno v reálných datech; jinak odvozeno z pořadí číselníku (viz docs/registry.md)."),
    )
    mpsv_rest_id = models.PositiveIntegerField(_("ID v REST API MPSV"), null=True, blank=True, unique=True)
    financing_group = models.CharField(_("skupina financování"), max_length=1, choices=FinancingGroup.choices)
    financing_group_residential = models.CharField(
        _("skupina financování pobytové formy"), max_length=1, choices=FinancingGroup.choices, blank=True,
        help_text=_("Jen u druhů, jejichž pobytová forma patří do jiné skupiny (např. odlehčovací služby: D)."),
    )
    in_act = models.BooleanField(_("druh podle zákona 108/2006 Sb."), default=True)
    successor = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="predecessors", verbose_name=_("nástupnický druh"),
                                  help_text=_("Druh, který ukončený druh nahrazuje."))
    order = models.PositiveSmallIntegerField(_("pořadí"), default=0)
    history = HistoricalRecords()

    class Meta(DatedEntry.Meta):
        verbose_name = _("druh sociální služby")
        verbose_name_plural = _("druhy sociálních služeb")
        ordering = ["order", "code"]

    def __str__(self):
        return f"§ {self.paragraph} {self.name}" if self.paragraph else self.name

    def group_for_form(self, form_code: str) -> str:
        """Financing group of this kind delivered in `form_code` (amb / pob / ter)."""
        if form_code == "pob" and self.financing_group_residential:
            return self.financing_group_residential
        return self.financing_group


class CapacityType(DatedEntry):
    """Typ kapacity v registru: lůžka, klienti, kontakty (10 min), intervence (30 min), hovory."""

    code = models.CharField(_("kód"), max_length=10, unique=True)
    name = models.CharField(_("název"), max_length=60)
    unit = models.CharField(_("jednotka"), max_length=30)
    minutes = models.PositiveSmallIntegerField(_("délka jednotky (min)"), null=True, blank=True)
    mpsv_od_id = models.CharField(_("ID v otevřených datech MPSV"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(_("pořadí"), default=0)
    history = HistoricalRecords()

    class Meta(DatedEntry.Meta):
        verbose_name = _("typ kapacity")
        verbose_name_plural = _("typy kapacity")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class PlanningGroup(models.IntegerChoices):
    """The four target groups the JMK plans use."""

    FAMILY = 1, _("děti, mládež do 26 let a rodina")
    SENIORS = 2, _("senioři")
    DISABLED = 3, _("osoby se zdravotním postižením")
    EXCLUSION = 4, _("osoby ohrožené sociálním vyloučením a osoby v krizi")


class TargetGroup(DatedEntry):
    """Cílová skupina osob (MPSV code list `CilovaSkupinaOsoby`)."""

    mpsv_od_id = models.CharField(_("ID v otevřených datech MPSV"), max_length=60, unique=True, null=True, blank=True)
    name = models.CharField(_("název"), max_length=200)
    name_confirmed = models.BooleanField(
        _("název ověřen"), default=True,
        help_text=_("Nepravda u skupin, které import zaznamenal podle kódu a jejichž název číselník zatím nedodal."),
    )
    planning_group = models.PositiveSmallIntegerField(_("plánovací skupina JMK"), choices=PlanningGroup.choices,
                                                      null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("pořadí"), default=0)
    history = HistoricalRecords()

    class Meta(DatedEntry.Meta):
        verbose_name = _("cílová skupina")
        verbose_name_plural = _("cílové skupiny")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class AgeGroup(models.Model):
    """Věková skupina osob (MPSV code list `VekovaSkupinaOsoby`)."""

    mpsv_od_id = models.CharField(_("ID v otevřených datech MPSV"), max_length=60, unique=True, null=True, blank=True)
    name = models.CharField(_("název"), max_length=120)
    name_confirmed = models.BooleanField(_("název ověřen"), default=True)
    age_from = models.PositiveSmallIntegerField(_("věk od"), null=True, blank=True)
    age_to = models.PositiveSmallIntegerField(_("věk do"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("pořadí"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("věková skupina")
        verbose_name_plural = _("věkové skupiny")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


# --- providers and services ---------------------------------------------------------------------------------

class LegalForm(models.TextChoices):
    MUNICIPALITY = "obec", _("obec")
    REGION = "kraj", _("kraj")
    CONTRIBUTORY = "po", _("příspěvková organizace")
    ASSOCIATION = "spolek", _("spolek")
    OPS = "ops", _("obecně prospěšná společnost")
    INSTITUTE = "ustav", _("ústav")
    CHURCH = "cirkev", _("církevní právnická osoba")
    LTD = "sro", _("společnost s ručením omezeným")
    JSC = "as", _("akciová společnost")
    FOUNDATION = "nadace", _("nadace / nadační fond")
    STATE = "stat", _("organizační složka státu / státní organizace")
    PERSON = "fo", _("fyzická osoba podnikající")
    OTHER = "jina", _("jiná")


class Provider(VersionedModel, ProvenanceModel):
    """Poskytovatel sociálních služeb (identified by IČO)."""

    ico = models.CharField(_("IČO"), max_length=8, unique=True, validators=[validate_ico])
    name = models.CharField(_("název"), max_length=255)
    legal_form = models.CharField(_("právní forma"), max_length=8, choices=LegalForm.choices, blank=True)
    dic = models.CharField(_("DIČ"), max_length=14, blank=True)
    web = models.CharField(_("web"), max_length=255, blank=True)
    email = models.CharField(_("e-mail"), max_length=255, blank=True)
    phone = models.CharField(_("telefon"), max_length=60, blank=True)
    history = HistoricalRecords()

    SCOPE = {"region": "services__region", "district": None, "orp": None, "provider": "pk", "private": False}

    class Meta:
        verbose_name = _("poskytovatel")
        verbose_name_plural = _("poskytovatelé")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} (IČO {self.ico})"


class Service(VersionedModel, ProvenanceModel):
    """Registrovaná sociální služba: one kind, one provider, one or more forms."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="services",
                                 verbose_name=_("poskytovatel"))
    identifier = models.CharField(
        _("identifikátor služby"), max_length=7, unique=True, null=True, blank=True,
        validators=[RegexValidator(r"^[0-9]{7}$", _("Identifikátor služby má 7 číslic."))],
        help_text=_("Sedmimístné registrační číslo služby (identifikátor) z registru poskytovatelů."),
    )
    registry_id = models.PositiveIntegerField(
        _("ID v registru MPSV"), unique=True, null=True, blank=True,
        help_text=_("portalId v otevřených datech registru (sluzba_id)."),
    )
    mpsv_uri = models.CharField(_("URI záznamu v registru"), max_length=255, blank=True)
    name = models.CharField(_("název"), max_length=255)
    kind = models.ForeignKey(ServiceKind, on_delete=models.PROTECT, related_name="services",
                             verbose_name=_("druh služby"))
    valid_from = models.DateField(_("poskytována od"), null=True, blank=True)
    valid_to = models.DateField(_("poskytována do"), null=True, blank=True)
    target_groups = models.ManyToManyField(TargetGroup, through="ServiceTargetGroup", related_name="services",
                                           blank=True, verbose_name=_("cílové skupiny"))
    age_groups = models.ManyToManyField(AgeGroup, through="ServiceAgeGroup", related_name="services", blank=True,
                                        verbose_name=_("věkové skupiny"))
    age_note = models.CharField(_("doplňující informace k věku"), max_length=500, blank=True, validators=line_text())
    region = models.ForeignKey(
        "territory.Region", on_delete=models.PROTECT, related_name="services", null=True, blank=True,
        verbose_name=_("kraj"),
        help_text=_("Kraj většiny zařízení (jinak územní působnosti) služby; slouží k rychlému určení oprávnění."),
    )
    web = models.CharField(_("web"), max_length=255, blank=True)
    email = models.CharField(_("e-mail"), max_length=255, blank=True)
    phone = models.CharField(_("telefon"), max_length=60, blank=True)
    import_fingerprint = models.CharField(
        _("otisk importovaného záznamu"), max_length=64, blank=True, editable=False,
        help_text=_("Otisk záznamu z otevřených dat; shodný otisk = záznam se od minulého importu nezměnil."),
    )
    import_raw_fingerprint = models.CharField(
        _("otisk textu importovaného záznamu"), max_length=80, blank=True, editable=False,
        help_text=_("Otisk textu záznamu v souboru otevřených dat a jeho délka; shodný text se při dalším importu "
                    "přeskočí bez čtení."),
    )
    history = HistoricalRecords(excluded_fields=["import_raw_fingerprint"])

    SCOPE = {"region": "region", "district": "areas__orp__district", "orp": "areas__orp",
             "provider": "provider", "private": False}

    class Meta:
        verbose_name = _("sociální služba")
        verbose_name_plural = _("sociální služby")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["region", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="registry_service_dates_ordered",
                violation_error_message=_("Datum ukončení služby nesmí předcházet datu zahájení."),
            ),
        ]

    def __str__(self):
        return self.name

    def is_active(self, on) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or self.valid_to >= on)


class ServiceTargetGroup(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="target_group_links",
                                verbose_name=_("služba"))
    target_group = models.ForeignKey(TargetGroup, on_delete=models.PROTECT, related_name="service_links",
                                     verbose_name=_("cílová skupina"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cílová skupina služby")
        verbose_name_plural = _("cílové skupiny služeb")
        constraints = [models.UniqueConstraint(fields=["service", "target_group"], name="registry_service_tg_unique")]

    def __str__(self):
        return f"{self.service_id} – {self.target_group_id}"


class ServiceAgeGroup(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="age_group_links",
                                verbose_name=_("služba"))
    age_group = models.ForeignKey(AgeGroup, on_delete=models.PROTECT, related_name="service_links",
                                  verbose_name=_("věková skupina"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("věková skupina služby")
        verbose_name_plural = _("věkové skupiny služeb")
        constraints = [models.UniqueConstraint(fields=["service", "age_group"], name="registry_service_ag_unique")]

    def __str__(self):
        return f"{self.service_id} – {self.age_group_id}"


class ServiceForm(VersionedModel, ProvenanceModel):
    """One form in which a service is provided (a service with two forms has two capacity lists)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="forms", verbose_name=_("služba"))
    form = models.ForeignKey(DeliveryForm, on_delete=models.PROTECT, related_name="service_forms",
                             verbose_name=_("forma"))
    continuous = models.BooleanField(_("nepřetržité poskytování"), default=False)
    history = HistoricalRecords()

    SCOPE = {"region": "service__region", "district": "service__areas__orp__district", "orp": "service__areas__orp",
             "provider": "service__provider", "private": False}

    class Meta:
        verbose_name = _("forma služby")
        verbose_name_plural = _("formy služeb")
        ordering = ["service", "form__order"]
        constraints = [models.UniqueConstraint(fields=["service", "form"], name="registry_service_form_unique")]

    def __str__(self):
        return f"{self.service} – {self.form}"


class Capacity(VersionedModel, ProvenanceModel):
    """Registrovaná kapacita formy služby (registered maximum, not free places)."""

    service_form = models.ForeignKey(ServiceForm, on_delete=models.CASCADE, related_name="capacities",
                                     verbose_name=_("forma služby"))
    capacity_type = models.ForeignKey(CapacityType, on_delete=models.PROTECT, related_name="capacities",
                                      verbose_name=_("typ kapacity"))
    count = models.PositiveIntegerField(_("počet"))
    description = models.CharField(_("popis"), max_length=500, blank=True, validators=line_text())
    history = HistoricalRecords()

    SCOPE = {"region": "service_form__service__region", "district": "service_form__service__areas__orp__district",
             "orp": "service_form__service__areas__orp", "provider": "service_form__service__provider",
             "private": False}

    class Meta:
        verbose_name = _("registrovaná kapacita")
        verbose_name_plural = _("registrované kapacity")
        constraints = [
            models.UniqueConstraint(fields=["service_form", "capacity_type"], name="registry_capacity_unique_type"),
            models.CheckConstraint(condition=Q(count__gte=0), name="registry_capacity_non_negative",
                                   violation_error_message=_("Kapacita nesmí být záporná.")),
        ]

    def __str__(self):
        return f"{self.count} × {self.capacity_type}"


class Facility(VersionedModel, ProvenanceModel):
    """Zařízení / místo poskytování služby."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="facilities",
                                verbose_name=_("služba"))
    name = models.CharField(_("název"), max_length=255)
    street = models.CharField(_("ulice"), max_length=120, blank=True)
    house_number = models.CharField(_("číslo domovní"), max_length=12, blank=True)
    orientation_number = models.CharField(_("číslo orientační"), max_length=12, blank=True)
    postcode = models.CharField(_("PSČ"), max_length=6, blank=True)
    address = models.CharField(_("adresa"), max_length=300, blank=True)
    address_point = models.PositiveBigIntegerField(_("kód adresního místa RÚIAN"), null=True, blank=True,
                                                   db_index=True)
    confidential = models.BooleanField(
        _("utajená adresa"), default=False,
        help_text=_("Adresa je utajená (např. azylový dům pro osoby ohrožené násilím): veřejně se ukazuje jen obec "
                    "a kontakt. Import z registru (utajenaAdresa) ulici, čísla ani PSČ neukládá."),
    )
    municipality = models.ForeignKey("territory.Municipality", on_delete=models.PROTECT, related_name="facilities",
                                     null=True, blank=True, verbose_name=_("obec"))
    lat = models.FloatField(_("zeměpisná šířka"), null=True, blank=True,
                            validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.FloatField(_("zeměpisná délka"), null=True, blank=True,
                            validators=[MinValueValidator(-180), MaxValueValidator(180)])
    valid_from = models.DateField(_("poskytuje od"), null=True, blank=True)
    valid_to = models.DateField(_("poskytuje do"), null=True, blank=True)
    history = HistoricalRecords()

    SCOPE = {"region": "service__region", "district": "municipality__district", "orp": "municipality__orp",
             "provider": "service__provider", "private": False}

    class Meta:
        verbose_name = _("zařízení")
        verbose_name_plural = _("zařízení")
        ordering = ["service", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="registry_facility_dates_ordered",
                violation_error_message=_("Datum ukončení zařízení nesmí předcházet datu zahájení."),
            ),
        ]

    def __str__(self):
        return self.name


class ServiceArea(VersionedModel, ProvenanceModel):
    """Územní působnost služby: an ORP or a municipality it serves, with a declared share of its capacity."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="areas", verbose_name=_("služba"))
    orp = models.ForeignKey("territory.Orp", on_delete=models.PROTECT, related_name="service_areas",
                            null=True, blank=True, verbose_name=_("ORP"))
    municipality = models.ForeignKey("territory.Municipality", on_delete=models.PROTECT,
                                     related_name="service_areas", null=True, blank=True, verbose_name=_("obec"))
    share = models.DecimalField(
        _("deklarovaný podíl (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(ZERO), MaxValueValidator(HUNDRED)],
        help_text=_("Podíl kapacity služby určený tomuto území, 0–100 %. Součet za službu nesmí překročit 100 %."),
    )
    history = HistoricalRecords()

    SCOPE = {"region": "service__region", "district": "orp__district", "orp": "orp",
             "provider": "service__provider", "private": False}

    class Meta:
        verbose_name = _("územní působnost")
        verbose_name_plural = _("územní působnost")
        constraints = [
            models.CheckConstraint(
                condition=(Q(orp__isnull=False) & Q(municipality__isnull=True))
                | (Q(orp__isnull=True) & Q(municipality__isnull=False)),
                name="registry_area_orp_xor_municipality",
                violation_error_message=_("Působnost se zadává buď pro ORP, nebo pro obec, ne pro obojí."),
            ),
            models.CheckConstraint(
                condition=Q(share__isnull=True) | (Q(share__gte=0) & Q(share__lte=100)),
                name="registry_area_share_0_100",
                violation_error_message=_("Podíl musí být mezi 0 a 100 %."),
            ),
            models.UniqueConstraint(fields=["service", "orp"], name="registry_area_unique_orp",
                                    condition=Q(orp__isnull=False),
                                    violation_error_message=_("Tato ORP už v působnosti služby je.")),
            models.UniqueConstraint(fields=["service", "municipality"], name="registry_area_unique_municipality",
                                    condition=Q(municipality__isnull=False),
                                    violation_error_message=_("Tato obec už v působnosti služby je.")),
        ]

    def __str__(self):
        unit = self.orp or self.municipality
        return f"{self.service} → {unit}" + (f" ({self.share} %)" if self.share is not None else "")


# --- per-year data ------------------------------------------------------------------------------------------

class Staffing(VersionedModel, ProvenanceModel):
    """Personální zajištění služby v roce (úvazky)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="staffing", verbose_name=_("služba"))
    year = models.PositiveSmallIntegerField(_("rok"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    fte_direct = models.DecimalField(_("úvazky v přímé péči"), max_digits=8, decimal_places=2, default=ZERO,
                                     validators=[MinValueValidator(ZERO)])
    fte_other = models.DecimalField(_("úvazky ostatních pracovníků"), max_digits=8, decimal_places=2, default=ZERO,
                                    validators=[MinValueValidator(ZERO)])
    history = HistoricalRecords()

    SCOPE = {"region": "service__region", "district": None, "orp": None, "provider": "service__provider",
             "private": True}

    class Meta:
        verbose_name = _("personální zajištění")
        verbose_name_plural = _("personální zajištění")
        ordering = ["service", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["service", "year"], name="registry_staffing_unique_year",
                                    violation_error_message=_("Personální zajištění služby pro tento rok už existuje.")),
            models.CheckConstraint(condition=Q(fte_direct__gte=0) & Q(fte_other__gte=0),
                                   name="registry_staffing_non_negative",
                                   violation_error_message=_("Počet úvazků nesmí být záporný.")),
        ]

    def __str__(self):
        return f"{self.service} {self.year}: {self.fte_direct} + {self.fte_other} úv."

    @property
    def fte_total(self) -> Decimal:
        return self.fte_direct + self.fte_other


COST_FIELDS = ["cost_personnel", "cost_material", "cost_energy", "cost_services", "cost_depreciation", "cost_other"]
REVENUE_FIELDS = ["revenue_user_fees", "revenue_health_insurance", "revenue_region", "revenue_state_subsidy",
                  "revenue_municipalities", "revenue_eu", "revenue_other"]


class Economics(VersionedModel, ProvenanceModel):
    """Náklady a výnosy služby v roce (v Kč)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="economics", verbose_name=_("služba"))
    year = models.PositiveSmallIntegerField(_("rok"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    cost_personnel = models.DecimalField(_("osobní náklady"), **MONEY)
    cost_material = models.DecimalField(_("spotřeba materiálu"), **MONEY)
    cost_energy = models.DecimalField(_("energie"), **MONEY)
    cost_services = models.DecimalField(_("služby"), **MONEY)
    cost_depreciation = models.DecimalField(_("odpisy"), **MONEY)
    cost_other = models.DecimalField(_("ostatní náklady"), **MONEY)
    revenue_user_fees = models.DecimalField(_("úhrady uživatelů"), **MONEY)
    revenue_health_insurance = models.DecimalField(_("zdravotní pojišťovny"), **MONEY)
    revenue_region = models.DecimalField(_("kraj (vlastní rozpočet)"), **MONEY)
    revenue_state_subsidy = models.DecimalField(_("dotace ze státního rozpočtu (§ 101a)"), **MONEY)
    revenue_municipalities = models.DecimalField(_("obce"), **MONEY)
    revenue_eu = models.DecimalField(_("fondy EU"), **MONEY)
    revenue_other = models.DecimalField(_("ostatní zdroje"), **MONEY)
    history = HistoricalRecords()

    SCOPE = {"region": "service__region", "district": None, "orp": None, "provider": "service__provider",
             "private": True}

    class Meta:
        verbose_name = _("hospodaření služby")
        verbose_name_plural = _("hospodaření služeb")
        ordering = ["service", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["service", "year"], name="registry_economics_unique_year",
                                    violation_error_message=_("Hospodaření služby pro tento rok už existuje.")),
            models.CheckConstraint(
                condition=Q(**{f"{f}__gte": 0 for f in COST_FIELDS + REVENUE_FIELDS}),
                name="registry_economics_non_negative",
                violation_error_message=_("Náklady ani výnosy nesmí být záporné."),
            ),
        ]

    def __str__(self):
        return f"{self.service} {self.year}"

    @property
    def total_costs(self) -> Decimal:
        return sum((getattr(self, f) for f in COST_FIELDS), ZERO)

    @property
    def total_revenues(self) -> Decimal:
        return sum((getattr(self, f) for f in REVENUE_FIELDS), ZERO)

    @property
    def public_revenues(self) -> Decimal:
        return self.revenue_region + self.revenue_state_subsidy + self.revenue_municipalities + self.revenue_eu


class ServiceYearCapacity(models.Model):
    """Kapacita služby v roce stanovená sítí kraje: the figure every module reads for the service and year
    instead of the registry rule (``socplan.registry.selectors.service_capacities``).

    Written only by ``service_year_capacity_set`` / ``service_year_capacity_clear`` /
    ``service_year_capacities_replace`` (the network module calls the last one when it approves a version)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="year_capacities",
                                verbose_name=_("služba"))
    year = models.PositiveSmallIntegerField(_("rok"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="+", null=True,
                               blank=True, verbose_name=_("kraj"),
                               help_text=_("Kraj, jehož síť kapacitu stanovila."))
    form = models.ForeignKey(DeliveryForm, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
                             verbose_name=_("hlavní forma"))
    capacity_type = models.ForeignKey(CapacityType, on_delete=models.PROTECT, related_name="+", null=True,
                                      blank=True, verbose_name=_("jednotka kapacity"))
    count = models.PositiveIntegerField(_("kapacita"))
    ref = models.CharField(_("zdroj údaje"), max_length=300, blank=True,
                           help_text=_("Např. „síť kraje 2026, verze 2 (schválená)“."))
    updated_at = models.DateTimeField(_("změněno"), auto_now=True)
    history = HistoricalRecords()

    SCOPE = {"region": "service__region", "district": None, "orp": None, "provider": "service__provider",
             "private": False}

    class Meta:
        verbose_name = _("kapacita služby v roce")
        verbose_name_plural = _("kapacity služeb v letech")
        ordering = ["service", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["service", "year"], name="registry_year_capacity_unique",
                                    violation_error_message=_("Kapacita služby pro tento rok už je stanovena.")),
            models.CheckConstraint(condition=Q(capacity_type__isnull=False) | Q(count=0),
                                   name="registry_year_capacity_unit",
                                   violation_error_message=_("Nenulová kapacita musí mít jednotku.")),
        ]

    def __str__(self):
        return f"{self.service} {self.year}: {self.count} × {self.capacity_type}"


# --- import log ---------------------------------------------------------------------------------------------

class RegistryImport(models.Model):
    """One run of the MPSV open-data import (what was read, what changed, what was rejected)."""

    started_at = models.DateTimeField(_("zahájeno"), auto_now_add=True)
    finished_at = models.DateTimeField(_("dokončeno"), null=True, blank=True)
    file_name = models.CharField(_("soubor"), max_length=500)
    file_sha256 = models.CharField(_("otisk souboru (SHA-256)"), max_length=64, blank=True)
    created = models.PositiveIntegerField(_("nové"), default=0)
    updated = models.PositiveIntegerField(_("změněné"), default=0)
    unchanged = models.PositiveIntegerField(_("beze změny"), default=0)
    rejected = models.PositiveIntegerField(_("odmítnuté"), default=0)
    report = models.JSONField(_("protokol"), default=dict, blank=True)

    class Meta:
        verbose_name = _("import registru")
        verbose_name_plural = _("importy registru")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.file_name} ({self.started_at:%Y-%m-%d %H:%M})"


# --- changes of the code lists (proposed, then approved by a second person) ---------------------------------

class CodeList(models.TextChoices):
    KIND = "kind", _("druh sociální služby")
    FORM = "form", _("forma poskytování")
    CAPACITY_TYPE = "capacity_type", _("typ kapacity")
    TARGET_GROUP = "target_group", _("cílová skupina")


class ChangeAction(models.TextChoices):
    ADD = "add", _("nová položka")
    RETIRE = "retire", _("ukončení platnosti")
    CHANGE = "change", _("změna položky")


class ChangeState(models.TextChoices):
    PROPOSED = "proposed", _("navržena")
    APPROVED = "approved", _("schválena a provedena")
    REJECTED = "rejected", _("zamítnuta")


class CodeListChange(models.Model):
    """A change of a code list from a date: proposed by a kraj administrator, applied only when a second person
    with the right to approve approves it (``codelist_change_approve``). Who, when, why and on what legal basis
    stay here; the entry's own history (simple-history) records the applied values."""

    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("kraj navrhovatele"))
    code_list = models.CharField(_("číselník"), max_length=16, choices=CodeList.choices, default=CodeList.KIND)
    action = models.CharField(_("druh změny"), max_length=8, choices=ChangeAction.choices)
    kind = models.ForeignKey(ServiceKind, on_delete=models.PROTECT, null=True, blank=True, related_name="changes",
                             verbose_name=_("druh služby"))
    form = models.ForeignKey(DeliveryForm, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("forma poskytování"))
    capacity_type = models.ForeignKey(CapacityType, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("typ kapacity"))
    target_group = models.ForeignKey(TargetGroup, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("cílová skupina"))
    code = models.CharField(_("kód nového druhu"), max_length=10, blank=True,
                            help_text=_("Jen u nového druhu: paragraf (např. 36) nebo zkratka."))
    name = models.CharField(_("název"), max_length=200, blank=True,
                            help_text=_("U nového druhu povinný; u změny prázdné = beze změny."))
    short_name = models.CharField(_("zkrácený název"), max_length=60, blank=True)
    category = models.CharField(_("kategorie"), max_length=12, choices=Category.choices, blank=True)
    financing_group = models.CharField(_("skupina financování"), max_length=1, choices=FinancingGroup.choices,
                                       blank=True)
    allowed_forms = models.CharField(_("přípustné formy"), max_length=20, blank=True,
                                     help_text=_("Kódy oddělené svislítkem, např. amb|ter; prázdné = beze změny."))
    valid_from = models.DateField(_("platí od"), null=True, blank=True)
    valid_to = models.DateField(_("platí do"), null=True, blank=True,
                                help_text=_("U ukončení poslední den platnosti položky."))
    successor = models.ForeignKey(ServiceKind, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("nástupnický druh"))
    legal_basis = models.CharField(_("právní základ"), max_length=300, validators=line_text(),
                                   help_text=_("Např. „zákon č. 38/2025 Sb., čl. I“."))
    reason = models.TextField(_("odůvodnění"), max_length=SHORT_TEXT, validators=short_text())
    state = models.CharField(_("stav"), max_length=10, choices=ChangeState.choices, default=ChangeState.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("navrhl"))
    proposed_at = models.DateTimeField(_("navrženo"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("rozhodl"))
    decided_at = models.DateTimeField(_("rozhodnuto"), null=True, blank=True)
    decision_note = models.CharField(_("poznámka k rozhodnutí"), max_length=500, blank=True,
                                     validators=line_text())
    history = HistoricalRecords()

    SCOPE = {"region": "region", "district": None, "orp": None, "provider": None, "private": False,
             "edit_roles": ("region_admin",)}

    class Meta:
        verbose_name = _("změna číselníku")
        verbose_name_plural = _("změny číselníků")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="registry_codelistchange_dates_ordered",
                violation_error_message=_("Konec platnosti nesmí předcházet jejímu začátku."),
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()}: {self.entry_label} ({self.get_state_display()})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("registry:codelist_change", kwargs={"pk": self.pk})

    @property
    def entry(self):
        return {CodeList.KIND: self.kind, CodeList.FORM: self.form, CodeList.CAPACITY_TYPE: self.capacity_type,
                CodeList.TARGET_GROUP: self.target_group}.get(self.code_list)

    @property
    def entry_label(self) -> str:
        entry = self.entry
        if entry is not None:
            return str(entry)
        return f"§ {self.code} {self.name}".strip() if self.code else self.name
