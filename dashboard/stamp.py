"""The data stamp: which version of the data a cached dashboard page was built from.

Writes to the indicators, plans and offices change the stamp when their transaction commits
(signals for single saves and deletes, `touch()` after bulk writes). A request whose own
connection has uncommitted changes neither reads nor fills the cache."""

from __future__ import annotations

import uuid

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from dashboard.models import DataStamp

STAMP_ID = 1
WATCHED_APPS = ("indicators", "plans", "accounts")
CURRENT_SQL = f"SELECT token FROM {DataStamp._meta.db_table} WHERE id = %s"


def current() -> str:
    """The committed token (one query); empty when the row is missing.

    Plain SQL: it runs on every dashboard visit, and building the ORM query cost more than
    running it."""
    with connection.cursor() as cursor:
        cursor.execute(CURRENT_SQL, [STAMP_ID])
        row = cursor.fetchone()
    return row[0] if row else ""


def _bump() -> None:
    token = uuid.uuid4().hex
    if not DataStamp.objects.filter(pk=STAMP_ID).update(token=token):
        DataStamp.objects.update_or_create(pk=STAMP_ID, defaults={"token": token})


def touch() -> None:
    """Change the stamp when the current transaction commits (at once outside a transaction);
    once per transaction however many writes it holds."""
    if not pending():
        transaction.on_commit(_bump)


def pending() -> bool:
    """Whether this connection holds writes whose stamp change waits for a commit."""
    return any(func is _bump for _sids, func, _robust in connection.run_on_commit)


def _changed(sender, **kwargs) -> None:  # type: ignore[no-untyped-def]
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= {"last_login"}:
        return  # a login is not a change of data
    touch()


# Written on every login and export, and shown on no dashboard page.
UNWATCHED_MODELS = frozenset({"SecurityEvent"})


def connect_signals() -> None:
    from django.apps import apps

    for label in WATCHED_APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue  # written beside the real rows, which already touch
            if model.__name__ in UNWATCHED_MODELS:
                continue
            uid = f"dashboard-stamp-{label}-{model.__name__}"
            post_save.connect(_changed, sender=model, dispatch_uid=uid + "-save")
            post_delete.connect(_changed, sender=model, dispatch_uid=uid + "-delete")
            for field in model._meta.many_to_many:
                m2m_changed.connect(
                    _changed, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}"
                )
