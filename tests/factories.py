"""factory_boy factories shared by the suite."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth.models import Group

from accounts.models import Office, User
from accounts.roles import Role

TEST_PASSWORD = "test-pass-1234"  # a throwaway password for test users only


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"office{n}")
    name = factory.Sequence(lambda n: f"测试科室{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=[role.value for role in extracted]))
        if create:
            self.save()


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "indicators.Place"
        django_get_or_create = ["name"]

    name = "下各镇"
    level = "town"


def unit(code: str | None) -> Any:
    """The unit row with this code ('yi_yuan', 'mu', …); None for None or ''."""
    from indicators.models import Unit

    return Unit.objects.get(code=code) if code else None


def _units_by_code(kwargs: dict) -> dict:
    """Let tests name a unit by its code, as they did when units were a fixed list."""
    if isinstance(kwargs.get("unit"), str):
        kwargs["unit"] = unit(kwargs["unit"])
    return kwargs


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "indicators.Indicator"
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"indicator_{n}")
    name = factory.Sequence(lambda n: f"测试指标{n}")
    category = "industry"
    unit = "yi_yuan"
    decimals = 2
    kind = "ytd"
    direction = "higher"
    office = factory.SubFactory(OfficeFactory)

    @classmethod
    def _adjust_kwargs(cls, **kwargs: Any) -> dict:
        return _units_by_code(kwargs)

    @factory.post_generation
    def places(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create:
            self.places.set(extracted or [PlaceFactory()])


class FigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "indicators.Figure"

    indicator = factory.SubFactory(IndicatorFactory)
    year = 2023
    month = 9
    place = factory.SubFactory(PlaceFactory)
    value = factory.Faker("pydecimal", left_digits=3, right_digits=2, positive=True)


class PlanSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plans.PlanSection"
        django_get_or_create = ["year", "number"]

    year = 2024
    number = 1
    title = "加速工业突破，激活发展动能"


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plans.Task"

    section = factory.SubFactory(PlanSectionFactory)
    code = factory.Sequence(lambda n: f"task{n}")
    title = factory.Sequence(lambda n: f"任务{n}")
    text = "完成朱溪港两侧1300亩土地征收"
    kind = "quantity"
    quantity = 1300
    unit = "mu"

    @classmethod
    def _adjust_kwargs(cls, **kwargs: Any) -> dict:
        return _units_by_code(kwargs)

    deadline = factory.LazyAttribute(lambda o: __import__("datetime").date(o.section.year, 12, 31))
    office = factory.SubFactory(OfficeFactory)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plans.Project"

    code = factory.Sequence(lambda n: f"project{n}")
    name = factory.Sequence(lambda n: f"项目{n}")
    type = "industry"
    office = factory.SubFactory(OfficeFactory)
