"""factory_boy factories shared by the tests: small, explicit data for one test instead of the whole demo.

Each factory builds a valid row with the fewest fields; territory rows (kraj, okres, ORP, obec) come from the
national territory loaded once per test session, so factories look them up by code rather than invent them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from socplan.accounts.models import Role, RoleAssignment
from socplan.territory.models import Region

JMK = "CZ064"


def region(code: str = JMK) -> Region:
    return Region.objects.defer("boundary").get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("socplan-test")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.REGION_OFFICER
    region = factory.LazyFunction(region)


# --- registry: providers, services, forms, capacities -------------------------------------------------------

def _ico(n: int) -> str:
    from socplan.registry.ico import ico_check_digit

    first7 = f"{9_000_000 + n:07d}"
    return first7 + str(ico_check_digit(first7))


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "registry.Provider"

    ico = factory.Sequence(_ico)
    name = factory.Sequence(lambda n: f"Poskytovatel {n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    """A registered service of the kraj (kind § 49 unless `kind` is given: a ServiceKind or its code)."""

    class Meta:
        model = "registry.Service"

    provider = factory.SubFactory(ProviderFactory)
    name = factory.Sequence(lambda n: f"Služba {n}")
    kind = "49"
    region = factory.LazyFunction(region)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from socplan.registry.models import ServiceKind

        if isinstance(kwargs.get("kind"), str):
            kwargs["kind"] = ServiceKind.objects.get(code=kwargs["kind"])
        return super()._create(model_class, *args, **kwargs)


class ServiceFormFactory(factory.django.DjangoModelFactory):
    """A form of a service; `form` is a DeliveryForm or its code (amb / ter / pob)."""

    class Meta:
        model = "registry.ServiceForm"

    service = factory.SubFactory(ServiceFactory)
    form = "amb"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from socplan.registry.models import DeliveryForm

        if isinstance(kwargs.get("form"), str):
            kwargs["form"] = DeliveryForm.objects.get(code=kwargs["form"])
        return super()._create(model_class, *args, **kwargs)


class CapacityFactory(factory.django.DjangoModelFactory):
    """A registered capacity of a service form; `capacity_type` is a CapacityType or its code."""

    class Meta:
        model = "registry.Capacity"

    service_form = factory.SubFactory(ServiceFormFactory)
    capacity_type = "klient"
    count = 10

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from socplan.registry.models import CapacityType

        if isinstance(kwargs.get("capacity_type"), str):
            kwargs["capacity_type"] = CapacityType.objects.get(code=kwargs["capacity_type"])
        return super()._create(model_class, *args, **kwargs)


def service_with(forms: dict[str, dict[str, int]], **service_fields):
    """A service with `forms` = {form code: {capacity type code: count}} (an empty dict = a form without
    registered capacity)."""
    service = ServiceFactory(**service_fields)
    for code, caps in forms.items():
        sf = ServiceFormFactory(service=service, form=code)
        for ctype, count in caps.items():
            CapacityFactory(service_form=sf, capacity_type=ctype, count=count)
    return service


# --- territory: rows of the national territory, looked up by code -------------------------------------------

BLANSKO_DISTRICT = "CZ0641"
BLANSKO_ORP = "6201"


def district(code: str = BLANSKO_DISTRICT):
    from socplan.territory.models import District

    return District.objects.defer("boundary").get(code=code)


def orp(code: str = BLANSKO_ORP):
    from socplan.territory.models import Orp

    return Orp.objects.defer("boundary").get(code=code)


def municipality(code: str):
    from socplan.territory.models import Municipality

    return Municipality.objects.defer("boundary").get(code=code)


def _unit(value, lookup):
    return lookup(value) if isinstance(value, str) else value


# --- users with each role -------------------------------------------------------------------------------------

def user_with_role(role: str, *, username: str | None = None, can_approve: bool = False, **scope):
    """A user holding one role assignment, validated like the admin form validates it (`full_clean`):
    the derived territory is filled in and a role that may not approve cannot get `can_approve`."""
    user = UserFactory(**({"username": username} if username else {}))
    assignment = RoleAssignment(user=user, role=role, can_approve=can_approve, **scope)
    assignment.full_clean()
    assignment.save()
    return user


def region_admin(*, can_approve: bool = False, region_code: str = JMK, username: str | None = None):
    return user_with_role(Role.REGION_ADMIN, username=username, can_approve=can_approve, region=region(region_code))


def officer(*, can_approve: bool = False, region_code: str = JMK, username: str | None = None):
    """A kraj officer (`kraj-referent`); `can_approve=True` is the approver (`kraj-schvalovatel`)."""
    return user_with_role(Role.REGION_OFFICER, username=username, can_approve=can_approve,
                          region=region(region_code))


def district_member(district_unit=BLANSKO_DISTRICT, *, username: str | None = None):
    return user_with_role(Role.DISTRICT_TEAM, username=username, district=_unit(district_unit, district))


def orp_coordinator(orp_unit=BLANSKO_ORP, *, username: str | None = None):
    return user_with_role(Role.ORP_COORDINATOR, username=username, orp=_unit(orp_unit, orp))


def provider_user(provider, *, username: str | None = None):
    """A user of `provider` (its kraj is derived from the provider's services, so create a service first)."""
    return user_with_role(Role.PROVIDER_USER, username=username, provider=provider)


def system_actor(region_code: str = JMK):
    """The kraj approver the network factories act as (created once per test, then reused)."""
    username = f"factory-approver-{region_code}"
    existing = RoleAssignment.objects.filter(user__username=username, role=Role.REGION_OFFICER, can_approve=True).first()
    if existing is not None:
        return existing.user
    return officer(can_approve=True, region_code=region_code, username=username)


# --- registry: a service as the network and finance need it ---------------------------------------------------

class StaffingFactory(factory.django.DjangoModelFactory):
    """Direct-care and other FTE of a service in a year."""

    class Meta:
        model = "registry.Staffing"

    service = factory.SubFactory(ServiceFactory)
    year = 2031
    fte_direct = Decimal("4.00")
    fte_other = Decimal("1.00")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = model_class(*args, **kwargs)
        obj.full_clean()
        obj.save()
        return obj


class RegisteredServiceFactory(ServiceFactory):
    """A registered service with one delivery form, a registered capacity in a unit, a declared service area in
    one ORP (100 %) and staffing for `year`: what the network, evaluation and finance read.

    Defaults: § 40 pečovatelská služba, terénní, 20 klientů, ORP Blansko, 4 FTE in direct care in 2031.
    `kind`, `form`, `capacity_type` and `orp` may be given as codes."""

    kind = "40"
    valid_from = dt.date(2010, 1, 1)
    # not fields of the service: popped by _create
    form = "ter"
    capacity_type = "klient"
    capacity = 20
    area = BLANSKO_ORP
    year = 2031
    fte = Decimal("4.00")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from socplan.registry.services import service_scope_set

        form, capacity_type, capacity, area, year, fte = (
            kwargs.pop(k) for k in ("form", "capacity_type", "capacity", "area", "year", "fte"))
        service = super()._create(model_class, *args, **kwargs)
        service.full_clean()
        sf = ServiceFormFactory(service=service, form=form)
        if capacity_type is not None:
            CapacityFactory(service_form=sf, capacity_type=capacity_type, count=capacity)
        if area is not None:
            service_scope_set(service=service, orps=[(_unit(area, orp), 100)])
        if year is not None:
            StaffingFactory(service=service, year=year, fte_direct=fte)
        return service


# --- planning: community plan → priority → measure ------------------------------------------------------------

class CommunityPlanFactory(factory.django.DjangoModelFactory):
    """A draft community plan of an ORP (created by `plan_create`, so the plan's rules apply)."""

    class Meta:
        model = "planning.Plan"

    title = factory.Sequence(lambda n: f"Komunitní plán {n}")
    orp = factory.LazyFunction(orp)
    year_from = 2030
    year_to = 2033

    @classmethod
    def _create(cls, model_class, *args, orp, title, year_from, year_to, **kwargs):
        from socplan.planning.services import plan_create

        return plan_create(actor=kwargs.pop("actor", None), kind="community", title=title, region=orp.region,
                           orp=orp, year_from=year_from, year_to=year_to, **kwargs)


class PriorityFactory(factory.django.DjangoModelFactory):
    """A target-group priority of a plan (`priority_create`; the plan must still be editable)."""

    class Meta:
        model = "planning.Priority"

    plan = factory.SubFactory(CommunityPlanFactory)
    code = factory.Sequence(lambda n: f"P{n}")
    title = factory.Sequence(lambda n: f"Priorita {n}")
    target_group = 2

    @classmethod
    def _create(cls, model_class, *args, plan, code, title, target_group, **kwargs):
        from socplan.planning.services import priority_create

        return priority_create(actor=None, plan=plan, kind="group", code=code, title=title,
                               target_group=target_group, **kwargs)


class MeasureFactory(factory.django.DjangoModelFactory):
    """A measure of a community plan (`measure_create`). With `approved=True` (the default) the plan is then
    approved (`plan_approve`): a measure can only be added while its plan is a draft, so the plan's other
    measures must be created before (pass `approved=False` for all but the last one)."""

    class Meta:
        model = "planning.Measure"

    priority = factory.SubFactory(PriorityFactory)
    code = factory.Sequence(lambda n: f"{n}.1")
    title = factory.Sequence(lambda n: f"Rozvoj terénních služeb {n}")
    responsible = "ORP"
    year_from = factory.LazyAttribute(lambda m: m.priority.plan.year_from)
    year_to = factory.LazyAttribute(lambda m: m.priority.plan.year_to)
    approved = True  # not a field: approve the plan after adding the measure

    @classmethod
    def _create(cls, model_class, *args, priority, approved, **kwargs):
        from socplan.planning.services import measure_create, plan_approve

        measure = measure_create(actor=None, priority=priority, **kwargs)
        if approved:
            plan_approve(actor=None, plan=priority.plan, approved_on=dt.date(priority.plan.year_from, 1, 1),
                         approval_ref="usnesení zastupitelstva")
            measure.refresh_from_db()
        return measure


def approved_measure(orp_unit=BLANSKO_ORP, **fields):
    """A measure of an approved community plan of the ORP."""
    plan = CommunityPlanFactory(orp=_unit(orp_unit, orp))
    return MeasureFactory(priority=PriorityFactory(plan=plan), **fields)


# --- network: yearly parameters, tiers, versions and entries --------------------------------------------------

class NetworkParametersFactory(factory.django.DjangoModelFactory):
    """The kraj's network settings of a year with the default tiers and conditions
    (`network_parameters_create`: copies the latest earlier year of the kraj when there is one)."""

    class Meta:
        model = "network.NetworkParameters"

    region = factory.LazyFunction(region)
    year = 2031

    @classmethod
    def _create(cls, model_class, *args, region, year, **kwargs):
        from socplan.network.services import network_parameters_create

        return network_parameters_create(actor=kwargs.pop("actor", None) or system_actor(region.code),
                                         region=region, year=year, **kwargs)


class TierFactory(factory.django.DjangoModelFactory):
    """An extra tier of a year's network (`tier_create`)."""

    class Meta:
        model = "network.Tier"

    parameters = factory.SubFactory(NetworkParametersFactory)
    code = factory.Sequence(lambda n: f"uroven{n}")
    name = factory.Sequence(lambda n: f"úroveň {n}")
    funded = True
    order = 10

    @classmethod
    def _create(cls, model_class, *args, parameters, **kwargs):
        from socplan.network.services import tier_create

        return tier_create(actor=kwargs.pop("actor", None) or system_actor(parameters.region.code),
                           parameters=parameters, **kwargs)


def tier(region_unit=None, year: int = 2031, code: str = "zakladni"):
    from socplan.network.models import Tier

    r = region_unit or region()
    return Tier.objects.get(parameters__region=r, parameters__year=year, parameters__superseded_by__isnull=True,
                            code=code)


class NetworkVersionFactory(factory.django.DjangoModelFactory):
    """The draft base version (amendment 0) of a kraj's network for a year (`network_year_create`, which also
    creates the year's parameters with the default tiers when they are missing)."""

    class Meta:
        model = "network.NetworkVersion"

    region = factory.LazyFunction(region)
    year = 2031

    @classmethod
    def _create(cls, model_class, *args, region, year, **kwargs):
        from socplan.network.services import network_year_create

        return network_year_create(actor=kwargs.pop("actor", None) or system_actor(region.code), region=region,
                                   year=year, **kwargs)


class NetworkEntryFactory(factory.django.DjangoModelFactory):
    """A service in a draft network version (`network_entry_add`): by default the registered service's whole
    capacity and direct-care FTE in the basic tier, entrusted for the service's ORP from 1 January."""

    class Meta:
        model = "network.NetworkEntry"

    network = factory.SubFactory(NetworkVersionFactory)
    service = factory.SubFactory(RegisteredServiceFactory, year=factory.SelfAttribute("..network.year"))
    tier = factory.LazyAttribute(lambda e: tier(e.network.region, e.network.year))
    capacity = factory.LazyAttribute(lambda e: _registered(e.service, e.network.year).capacity)
    capacity_type = factory.LazyAttribute(lambda e: _registered(e.service, e.network.year).capacity_type)
    fte = factory.LazyAttribute(lambda e: _direct_fte(e.service, e.network.year))
    orps = factory.LazyAttribute(lambda e: [a.orp for a in e.service.areas.filter(orp__isnull=False)])
    entrusted_from = factory.LazyAttribute(lambda e: dt.date(e.network.year, 1, 1))

    @classmethod
    def _create(cls, model_class, *args, network, capacity_type, **kwargs):
        from socplan.network.services import network_entry_add
        from socplan.registry.models import CapacityType

        if isinstance(capacity_type, str):
            capacity_type = CapacityType.objects.get(code=capacity_type)

        return network_entry_add(actor=kwargs.pop("actor", None) or system_actor(network.region.code),
                                 network=network, capacity_type=capacity_type,
                                 **kwargs)


def _registered(service, year):
    from socplan.registry.selectors import service_capacity

    return service_capacity(service, year)


def _direct_fte(service, year):
    staffing = service.staffing.filter(year=year).first()
    return staffing.fte_direct if staffing else Decimal(0)


def network_approve(version, *, actor=None, decision_ref: str = "usnesení rady kraje", **kwargs):
    """Approve a network version through `network_year_approve` (as the kraj approver by default)."""
    from socplan.network.services import network_year_approve

    return network_year_approve(actor=actor or system_actor(version.region.code), network=version,
                                decision_ref=decision_ref, **kwargs)


# --- finance: yearly parameters, provider budgets ---------------------------------------------------------------

class FinanceParamsFactory(factory.django.DjangoModelFactory):
    """The kraj's financing parameters of a year with the illustrative rates of every kind
    (`finance_params_default_create`)."""

    class Meta:
        model = "finance.FinanceParams"

    region = factory.LazyFunction(region)
    year = 2031

    @classmethod
    def _create(cls, model_class, *args, region, year, **kwargs):
        from socplan.finance.services import finance_params_default_create

        return finance_params_default_create(actor=kwargs.pop("actor", None), region=region, year=year, **kwargs)


class ProviderBudgetFactory(factory.django.DjangoModelFactory):
    """A draft budget of a service in a year and term (`provider_budget_save`), balanced: costs = sources."""

    class Meta:
        model = "finance.ProviderBudget"

    service = factory.SubFactory(RegisteredServiceFactory)
    year = 2031
    term = "plan"
    cost_personnel = 3_000_000
    cost_operating = 600_000
    revenue_users = 400_000
    public_state = 2_000_000
    public_region = 700_000
    public_municipalities = 500_000

    @classmethod
    def _create(cls, model_class, *args, service, year, term, **data):
        from socplan.finance.services import provider_budget_save

        actor = data.pop("actor", None)
        return provider_budget_save(actor=actor, service=service, year=year, term=term,
                                    data={k: Decimal(v) if isinstance(v, int) else v for k, v in data.items()})


# --- network: co-financing rates and declarations ---------------------------------------------------------------

class KindParameterFactory(factory.django.DjangoModelFactory):
    """A per-kind row of a year's network settings (`kind_parameter_create`): by default a co-financing rate of
    15 % for § 40 in every form and tier. `kind`, `form` may be codes; `tier` a Tier of the same settings."""

    class Meta:
        model = "network.KindParameter"

    parameters = factory.SubFactory(NetworkParametersFactory)
    kind = "40"
    form = None
    tier = None
    cofinancing_rate = Decimal(15)

    @classmethod
    def _create(cls, model_class, *args, parameters, kind, form, **kwargs):
        from socplan.network.services import kind_parameter_create
        from socplan.registry.models import DeliveryForm, ServiceKind

        if isinstance(kind, str):
            kind = ServiceKind.objects.get(code=kind)
        if isinstance(form, str):
            form = DeliveryForm.objects.get(code=form)
        return kind_parameter_create(actor=kwargs.pop("actor", None) or system_actor(parameters.region.code),
                                     parameters=parameters, kind=kind, form=form, **kwargs)


_municipality_by_code = municipality


class CofinancingDeclarationFactory(factory.django.DjangoModelFactory):
    """A municipality's co-financing declaration for a service and year (`cofinancing_declaration_submit`).
    `municipality` may be a code (default: Blansko)."""

    class Meta:
        model = "network.CofinancingDeclaration"

    municipality = "581283"
    service = factory.SubFactory(RegisteredServiceFactory)
    year = 2031
    amount = Decimal(100_000)
    declared_on = dt.date(2030, 5, 15)
    reference = "usnesení zastupitelstva obce"

    @classmethod
    def _create(cls, model_class, *args, municipality, **kwargs):
        from socplan.network.services import cofinancing_declaration_submit

        return cofinancing_declaration_submit(actor=kwargs.pop("actor", None) or system_actor(),
                                              municipality=_unit(municipality, _municipality_by_code), **kwargs)


# --- finance: allocation runs -------------------------------------------------------------------------------------

class AllocationRunFactory(factory.django.DjangoModelFactory):
    """A stored allocation of the kraj's budget for a year (`allocation_run`, rules mode): needs the year's
    financing parameters (FinanceParamsFactory) and services in the year's network (or the registry)."""

    class Meta:
        model = "finance.AllocationRun"

    region = factory.LazyFunction(region)
    year = 2031
    budget = Decimal(10_000_000)
    mode = "rules"

    @classmethod
    def _create(cls, model_class, *args, region, year, budget, mode, **kwargs):
        from socplan.finance.services import allocation_run

        return allocation_run(actor=kwargs.pop("actor", None) or system_actor(region.code), region=region,
                              year=year, budget=budget, mode=mode, **kwargs)


# --- images (catalogue photos) ----------------------------------------------------------------------------------

def png_bytes(width: int = 400, height: int = 300, *, text: bytes = b"") -> bytes:
    """A valid grey PNG of the given size; `text` adds a tEXt metadata chunk (which the catalogue strips)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + (chunk(b"tEXt", b"Comment\x00" + text) if text else b"")
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def jpeg_header_bytes(width: int = 640, height: int = 480, *, exif: bytes = b"") -> bytes:
    """The segments of a JPEG up to the image data (JFIF, optional EXIF APP1, a baseline frame header, start of
    scan) and a few data bytes: enough for the catalogue's type, size and metadata checks."""
    import struct

    def seg(marker: int, data: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(data) + 2) + data

    return (b"\xff\xd8" + seg(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
            + (seg(0xE1, b"Exif\x00\x00" + exif) if exif else b"")
            + seg(0xC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00")
            + seg(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x12\x34\x56\xff\xd9")
