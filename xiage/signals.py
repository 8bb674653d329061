"""Signals the apps send about themselves, defined here at the ground floor so that a writer
never imports the code that listens (which lives higher up). Imports no app.

`data_changed`: a write that Django's model signals do not carry (bulk_create, bulk_update,
QuerySet.update) changed data a page may show. Sent by the writer inside its transaction; the
dashboard's data stamp (dashboard.stamp) listens and changes when that transaction commits."""

from __future__ import annotations

from django.dispatch import Signal

data_changed = Signal()


def data_written(sender: type) -> None:
    """Say that rows of `sender` (a model) were written by a bulk write."""
    data_changed.send(sender=sender)
