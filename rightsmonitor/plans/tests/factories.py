"""factory_boy factories for the plan register. Objects are saved directly: tests of the
actions themselves call the actions."""

from __future__ import annotations

import datetime

import factory

from rightsmonitor.plans.models import (
    Action,
    ActionAgency,
    Agency,
    FormOfCompletion,
    Instrument,
    Plan,
    Section,
    Theme,
)


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instrument

    kind = Instrument.Kind.GOVERNMENT_DECREE
    number = factory.Sequence(lambda n: str(100 + n))
    date = datetime.date(2022, 4, 28)
    issuing_authority = "Government"
    country = "KAZ"
    title_en = factory.Sequence(lambda n: f"Decree {n}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("abbreviation",)

    abbreviation = factory.Sequence(lambda n: f"AG{n}")
    name_en = factory.LazyAttribute(lambda o: f"Agency {o.abbreviation}")
    kind = Agency.Kind.MINISTRY


class FormOfCompletionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormOfCompletion
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"form-{n}")
    name_en = factory.LazyAttribute(lambda o: o.key.replace("-", " ").capitalize())


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"theme-{n}")
    kind = Theme.Kind.RIGHT
    name_en = factory.LazyAttribute(lambda o: o.key)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    code = factory.Sequence(lambda n: f"plan-{n}")
    title_en = factory.Sequence(lambda n: f"Human rights action plan {n}")
    country = "KAZ"
    status = Plan.Status.IN_FORCE
    period_start = datetime.date(2022, 4, 28)
    period_end = datetime.date(2023, 12, 31)
    adopting_instrument = factory.SubFactory(InstrumentFactory)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    order = factory.Sequence(lambda n: n + 1)
    title_en = factory.Sequence(lambda n: f"Section {n}")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    section = factory.SubFactory(SectionFactory)
    plan = factory.LazyAttribute(lambda o: o.section.plan)
    number = factory.Sequence(lambda n: f"9.{n + 1}")
    order = factory.Sequence(lambda n: n + 1)
    title_en = factory.Sequence(lambda n: f"Draft a law on matter {n}")
    deadline_text = "December 2022"
    due_date = datetime.date(2022, 12, 31)


class ActionAgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionAgency

    action = factory.SubFactory(ActionFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = ActionAgency.Role.LEAD


def build_plan(*, sections: int = 2, actions_per_section: int = 3, **plan_fields: object) -> Plan:
    """A plan with sections, actions, a lead and a co-executor each, and themes."""
    plan = PlanFactory(**plan_fields)
    lead, partner = (
        AgencyFactory(abbreviation="MIA"),
        AgencyFactory(abbreviation="GPO", kind=Agency.Kind.PROSECUTOR),
    )
    form = FormOfCompletionFactory(key="draft_law", name_en="Draft law")
    theme = ThemeFactory(key="equality")
    for s in range(1, sections + 1):
        section = SectionFactory(plan=plan, number=str(s), order=s)
        for a in range(1, actions_per_section + 1):
            action = ActionFactory(
                section=section, plan=plan, number=f"{s}.{a}", order=a, form_of_completion=form
            )
            ActionAgencyFactory(action=action, agency=lead, role=ActionAgency.Role.LEAD, order=0)
            ActionAgencyFactory(
                action=action,
                agency=partner,
                role=ActionAgency.Role.CO_EXECUTOR,
                as_agreed=True,
                order=1,
            )
            action.themes.add(theme)
    return plan
