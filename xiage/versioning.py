"""Versioned rows: no save quietly overwrites another person's change.

A versioned row carries a `version` raised by every save. A change form sends back, hidden, the
version it showed; when the row has changed since, the save is refused, nothing of the form is
kept, and the person is told who changed which field, with the value now stored and the value
they typed. The admin change forms hold the row locked (SELECT ... FOR UPDATE) from reading it
to saving it, so the check also holds when two saves race.

Models use `VersionedModel`; admin classes `VersionedAdminMixin` and inlines
`VersionedInlineMixin`. Who changed what is read from django-simple-history unless the admin
says otherwise (`changes_since`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, router, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

VERSION = "version"
# Messages a service refused a save with; the form shown again carries them (see changeform_view).
_REFUSED = "_versioning_refused"
SHOWN_MAX = 60  # characters of a long text quoted in a conflict message


class VersionField(forms.IntegerField):
    """The version of a row when the page was opened, posted back to detect lost updates."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": gettext_lazy("页面已过期，请刷新后重新填写。"),
                "min_value": gettext_lazy("页面已过期，请刷新后重新填写。"),
            },
        )
        super().__init__(**kwargs)


class VersionedModel(models.Model):
    """A row whose version goes up by one on every save()."""

    version = models.PositiveIntegerField(gettext_lazy("版本"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding or self.pk is None:
            super().save(*args, **kwargs)
            return
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            # Counted from the stored row, locked, so that two saves of stale copies still
            # give two versions.
            stored = (
                type(self)
                ._base_manager.using(using)
                .select_for_update()
                .filter(pk=self.pk)
                .values_list(VERSION, flat=True)
                .first()
            )
            self.version = (self.version if stored is None else stored) + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], VERSION}
            super().save(*args, **kwargs)


# --- what changed since a version ------------------------------------------------------------


@dataclass(frozen=True)
class ChangesSince:
    """A row as it was at the version a page showed, and who has changed it since.

    `snapshot` maps field attnames to their values then; None when it is not known (the form
    then reports every field where the stored value differs from the typed one)."""

    snapshot: dict[str, Any] | None
    users: list[Any]


def history_changes_since(instance: models.Model, opened: int) -> ChangesSince:
    """From django-simple-history: the last record at version `opened`, and the users of the
    records after it."""
    records = instance.history.filter(version__gte=opened).select_related("history_user")  # type: ignore[attr-defined]
    records = list(records.order_by("history_date", "history_id"))
    before = [record for record in records if record.version == opened]
    after = [record for record in records if record.version > opened]
    snapshot = None
    if before:
        record = before[-1]
        snapshot = {
            field.attname: getattr(record, field.attname)
            for field in instance._meta.concrete_fields
        }
    users = [record.history_user for record in after if record.history_user is not None]
    if not users:
        latest = instance.history.select_related("history_user").first()  # type: ignore[attr-defined]
        if latest is not None and latest.history_user is not None:
            users = [latest.history_user]
    return ChangesSince(snapshot=snapshot, users=users)


def names(users: Iterable[Any]) -> str:
    """“张三”, “张三、李四”, or “他人” when nobody is known."""
    unique = list(dict.fromkeys(str(user) for user in users if user is not None))
    return "、".join(unique) or _("他人")


def shown(field: models.Field | None, value: Any) -> str:
    """A value as a person reads it in a message."""
    if value is None or value == "":
        return _("（空）")
    if isinstance(value, models.Model):
        return str(value)
    if field is not None and field.is_relation:
        related = field.related_model._base_manager.filter(pk=value).first()  # type: ignore[union-attr]
        return str(related) if related is not None else str(value)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text if len(text) <= SHOWN_MAX else text[:SHOWN_MAX] + "…"


def _model_field(model: type[models.Model], name: str) -> models.Field | None:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if getattr(field, "concrete", False) and field.name != VERSION else None  # type: ignore[return-value]


def _comparable(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


@dataclass(frozen=True)
class Check:
    """What a form's save would do to its row: `errors` refuse it; `untouched` says the person
    changed nothing on a row others changed (an inline row then is simply not saved)."""

    errors: list[str]
    untouched: bool = False


def check_form(form: forms.ModelForm, since: Callable[[Any, int], ChangesSince]) -> Check:
    """Judge a validated form against its stored (locked) row.

    A form whose row changed after it was opened is refused when saving it would change the
    stored row: the other person's change would be lost. A form that would change nothing
    goes through."""
    instance = form.instance
    opened = form.cleaned_data.get(VERSION)
    if instance.pk is None or opened is None or opened == instance.version:
        return Check([])
    model = type(instance)
    fields = {name: field for name in form.fields if (field := _model_field(model, name))}
    differs = [name for name in form.changed_data if name in fields]
    if not differs:
        return Check([])
    changes = since(instance, opened)
    snapshot = changes.snapshot

    def yours(name: str) -> Any:
        return form.cleaned_data[name] if name in form.cleaned_data else form[name].data

    if snapshot is not None and all(
        field.attname in snapshot and _comparable(yours(name)) == snapshot[field.attname]
        for name, field in fields.items()
    ):
        return Check([], untouched=True)
    who = names(changes.users)
    rows = []
    for name, field in fields.items():
        current = getattr(instance, field.attname)
        if snapshot is None:
            if name not in differs:
                continue
        elif field.attname not in snapshot or snapshot[field.attname] == current:
            continue
        values = {
            "field": form.fields[name].label or field.verbose_name,
            "who": who,
            "current": shown(field, getattr(instance, field.name)),
            "yours": shown(field, yours(name)),
        }
        if snapshot is not None and _comparable(yours(name)) == snapshot[field.attname]:
            # Left as the page showed it: saving would undo the other person's change.
            rows.append(
                _("“%(field)s”已被%(who)s修改为 %(current)s（您页面上仍是 %(yours)s）。") % values
            )
        else:
            rows.append(
                _("“%(field)s”已被%(who)s修改为 %(current)s，您填写的是 %(yours)s。") % values
            )
    headline = _(
        "“%(row)s”在您打开页面后已被%(who)s修改，您的修改未保存。请刷新页面，核对后重新填写。"
    ) % {"row": instance, "who": who}
    return Check([headline, *rows])


def versioned_form(
    form_class: type[forms.ModelForm],
    *,
    since: Callable[[Any, int], ChangesSince],
    with_version: bool,
    refused: list[str] | None = None,
    untouched: bool = False,
) -> type[forms.ModelForm]:
    """`form_class` sending back its row's version and refusing a save over a newer row.

    `refused` are messages a service refused the previous attempt with: the form is then
    invalid with them, whatever was typed. With `untouched` (inline rows), a row the person
    left as it was shown is skipped, however others changed it since, instead of refused."""
    attrs: dict[str, Any] = {"__module__": form_class.__module__}
    if with_version:
        attrs[VERSION] = VersionField(label=gettext_lazy("版本"))

    def __init__(self: forms.ModelForm, *args: Any, **kwargs: Any) -> None:
        form_class.__init__(self, *args, **kwargs)
        if with_version and self.instance.pk is not None:
            self.initial[VERSION] = self.instance.version

    def clean(self: forms.ModelForm) -> dict[str, Any]:
        cleaned = form_class.clean(self)
        for message in refused or []:
            self.add_error(None, message)
        if with_version:
            check = check_form(self, since)
            self.untouched = untouched and check.untouched  # type: ignore[attr-defined]
            for message in check.errors:
                self.add_error(None, message)
        return cleaned  # type: ignore[return-value]

    def has_changed(self: forms.ModelForm) -> bool:
        # An untouched row that others changed keeps their change: it is not saved.
        return not getattr(self, "untouched", False) and form_class.has_changed(self)

    attrs.update(__init__=__init__, clean=clean, has_changed=has_changed)
    return type(form_class)(form_class.__name__, (form_class,), attrs)  # type: ignore[misc]


# --- admin ------------------------------------------------------------------------------------


def locked_for_write(queryset: models.QuerySet, request: HttpRequest) -> models.QuerySet:
    """The rows locked until the request's transaction ends, when it writes."""
    if request.method == "POST" and transaction.get_connection(queryset.db).in_atomic_block:
        return queryset.select_for_update(of=("self",))
    return queryset


def posted_version(request: HttpRequest) -> int | None:
    raw = request.POST.get(VERSION, "") if request.method == "POST" else ""
    return int(raw) if raw.isascii() and raw.isdigit() else None


def _with_version(fieldsets: list, shown: bool) -> list:
    """The fieldsets with the hidden version last (once), or without it where nobody may save."""
    result = [
        (name, {**options, "fields": [f for f in options["fields"] if f != VERSION]})
        for name, options in fieldsets
    ]
    if shown and result:
        name, options = result[-1]
        result[-1] = (name, {**options, "fields": [*options["fields"], VERSION]})
    return result


class _Versioned:
    def changes_since(self, obj: Any, opened: int) -> ChangesSince:
        return history_changes_since(obj, opened)

    def _form_fields(self, request: HttpRequest, obj: Any, kwargs: dict) -> list | None:
        """The fields the admin asks the form factory for, less the version: a form field of
        ours, never a model field the form writes."""
        if "fields" in kwargs:
            fields = kwargs.pop("fields")
        else:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))  # type: ignore[attr-defined]
        return None if fields is None else [name for name in fields if name != VERSION]


class VersionedAdminMixin(_Versioned):
    """For a ModelAdmin of a versioned model (put it before the ModelAdmin in the bases)."""

    def is_stale_post(self, request: HttpRequest, obj: Any) -> bool:
        """A save posted from a page that showed an older version of `obj` (it will be
        refused: the form is judged as the person saw it, never saved)."""
        opened = posted_version(request)
        return obj is not None and opened is not None and opened != obj.version

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None):
        # As Django's, with the row locked while a POST is checked and saved.
        queryset = locked_for_write(self.get_queryset(request), request)  # type: ignore[attr-defined]
        model = queryset.model
        field = model._meta.pk if from_field is None else model._meta.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (model.DoesNotExist, ValidationError, ValueError):
            return None

    def _shows_version(self, request: HttpRequest, obj: Any) -> bool:
        return obj is not None and self.has_change_permission(request, obj)  # type: ignore[attr-defined]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list:
        return _with_version(
            super().get_fieldsets(request, obj),  # type: ignore[misc]
            self._shows_version(request, obj),
        )

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        fields = self._form_fields(request, obj, kwargs)
        form_class = super().get_form(request, obj, change=change, fields=fields, **kwargs)  # type: ignore[misc]
        return versioned_form(
            form_class,
            since=self.changes_since,
            with_version=self._shows_version(request, obj),
            refused=getattr(request, _REFUSED, None),
        )

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context=None,
    ):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        except ValidationError as exc:
            # A service refused the save (a frozen month, a race it caught): its transaction is
            # rolled back. Show the form again, invalid with the refusal and nothing else.
            if request.method != "POST" or hasattr(request, _REFUSED):
                raise
            setattr(request, _REFUSED, exc.messages)
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]


class VersionedInlineMixin(_Versioned):
    """For an inline of a versioned model: each row sends its version and is checked alone."""

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return locked_for_write(super().get_queryset(request), request)  # type: ignore[misc]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list:
        return _with_version(
            super().get_fieldsets(request, obj),  # type: ignore[misc]
            self.has_change_permission(request, obj),  # type: ignore[attr-defined]
        )

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any):
        fields = self._form_fields(request, obj, kwargs)
        kwargs["form"] = versioned_form(
            kwargs.get("form", self.form),  # type: ignore[arg-type, attr-defined]
            since=self.changes_since,
            with_version=self.has_change_permission(request, obj),  # type: ignore[attr-defined]
            untouched=True,
        )
        return super().get_formset(request, obj, fields=fields, **kwargs)  # type: ignore[misc]
