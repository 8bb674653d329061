"""The dashboard's filters: category and office, followed by every part of the page."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import readable_offices
from indicators.models import Category, Indicator


class DashboardFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(
        choices=Category.choices, label=_("类别"), empty_label=_("全部类别")
    )
    office = django_filters.ModelChoiceFilter(
        queryset=None, label=_("责任科室"), empty_label=_("全部科室")
    )

    class Meta:
        model = Indicator
        fields = ["category", "office"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["office"].queryset = readable_offices(user).filter(is_active=True)
