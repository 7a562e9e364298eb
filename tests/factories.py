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
