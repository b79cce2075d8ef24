from __future__ import annotations

import factory

from rightsmonitor.accounts.models import Organisation, Role, User
from rightsmonitor.plans.tests.factories import AgencyFactory

PASSWORD = "correct horse battery staple 42"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Human Rights NGO {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = "Test"
    role = Role.CIVIL_SOCIETY
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class AdministratorFactory(UserFactory):
    role = Role.ADMINISTRATOR


class CoordinatorFactory(UserFactory):
    role = Role.COORDINATOR


class FocalPointFactory(UserFactory):
    role = Role.FOCAL_POINT
    agency = factory.SubFactory(AgencyFactory, abbreviation="MIA")


class CivilSocietyFactory(UserFactory):
    role = Role.CIVIL_SOCIETY
    organisation = factory.SubFactory(OrganisationFactory)
