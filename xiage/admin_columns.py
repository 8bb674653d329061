"""Admin list columns shared by the apps' admin modules."""

from collections.abc import Callable

from django.contrib import admin
from django.db.models import Model
from django.utils.formats import number_format


def amount(model: type[Model], name: str) -> Callable[[Model], str]:
    """An admin column for an amount, its digits grouped as people read amounts (4,550.0000);
    other numbers (years, ids) are printed without grouping."""
    field = model._meta.get_field(name)
    places = getattr(field, "decimal_places", None)

    @admin.display(description=getattr(field, "verbose_name", name), ordering=name)
    def column(obj: Model) -> str:
        value = getattr(obj, name)
        if value is None:
            return admin.site.empty_value_display
        return number_format(value, places, force_grouping=True)

    column.__name__ = name  # the column's CSS class: field-<name>
    return column
