"""factory_boy factories shared by the tests: small, explicit data for one test instead of the whole demo.

Each factory builds a valid row with the fewest fields; territory rows (kraj, okres, ORP, obec) come from the
national territory loaded once per test session, so factories look them up by code rather than invent them.
"""

from __future__ import annotations

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
