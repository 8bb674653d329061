"""The data stamp: which version of the data a cached page (the dashboard's, the top bar's
to-do count) was built from.

Writes to the indicators, plans and offices change the stamp when their transaction commits:
Django's model signals for single saves and deletes, and xiage.signals.data_changed, which the
writers send after bulk writes. The writers know nothing of this module (dependencies run
downward). A request whose own connection has uncommitted changes neither reads nor fills a
cache (`pending()`).

When the stamp has changed, `changed` is sent (after the commit), so the dashboard can build
its most read pages again before anyone asks for them (dashboard.page_cache)."""

from __future__ import annotations

import uuid
import weakref

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal

from dashboard.models import DataStamp
from xiage.signals import data_changed

STAMP_ID = 1
WATCHED_APPS = ("indicators", "plans", "accounts")
CURRENT_SQL = f"SELECT token FROM {DataStamp._meta.db_table} WHERE id = %s"

# Sent after a committed write changed the stamp (no arguments but the sender).
changed = Signal()


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


class _PendingBump:
    """The stamp change one transaction waits for, registered with transaction.on_commit.

    Only the transaction's list of commit hooks holds it; `_waiting` keeps a weak reference.
    A rollback drops the hooks and with them this object, so no flag outlives its
    transaction; a commit calls it."""

    __slots__ = ("__weakref__", "done")

    def __init__(self) -> None:
        self.done = False

    def __call__(self) -> None:
        self.done = True
        _bump()
        changed.send(sender=DataStamp)


# Per database connection (each thread has its own): the bump its open transaction waits for.
_waiting: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _waiting_bump() -> _PendingBump | None:
    ref = _waiting.get(transaction.get_connection())
    bump = ref() if ref is not None else None
    return None if bump is None or bump.done else bump


def touch() -> None:
    """Change the stamp when the current transaction commits (at once outside a transaction);
    once per transaction however many writes it holds."""
    if pending():
        return
    bump = _PendingBump()
    if transaction.get_connection().in_atomic_block:
        _waiting[transaction.get_connection()] = weakref.ref(bump)
    transaction.on_commit(bump)


def pending() -> bool:
    """Whether this connection holds writes whose stamp change waits for a commit."""
    return transaction.get_connection().in_atomic_block and _waiting_bump() is not None


def _changed(sender, **kwargs) -> None:
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= {"last_login"}:
        return  # a login is not a change of data
    touch()


# Written on every login and export, and shown on no dashboard page.
UNWATCHED_MODELS = frozenset({"SecurityEvent"})


def connect_signals() -> None:
    from django.apps import apps

    data_changed.connect(_changed, dispatch_uid="dashboard-stamp-data-changed")
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
