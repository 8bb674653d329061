"""Data-driven checks over static records (the seed data): one test per rule, every record
checked, and each record that breaks the rule named in the failure.

A check is a plain function of one record that raises (an ``assert``, a ``KeyError``, a
``decimal.InvalidOperation``…) when the record breaks the rule; ``assert_every`` runs it on
every record and fails once with the list of records that broke it and why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

Record = TypeVar("Record")


def broken(
    records: Iterable[Record], check: Callable[[Record], object], name: Callable[[Record], str]
) -> list[str]:
    """``name(record): why`` for every record ``check`` raises on, in the records' order."""
    failures = []
    for record in records:
        try:
            check(record)
        except Exception as error:  # any error is the record's failure, named below
            why = str(error) or type(error).__name__
            failures.append(f"{name(record)}: {why}")
    return failures


def assert_every(
    records: Iterable[Record], check: Callable[[Record], object], name: Callable[[Record], str]
) -> None:
    records = list(records)
    assert records, "no records to check"
    failures = broken(records, check, name)
    assert not failures, (
        f"{len(failures)} of {len(records)} records fail {check.__name__}:\n" + "\n".join(failures)
    )


def every(
    records: Iterable[Record], name: Callable[[Record], str]
) -> Callable[[Callable[[Record], object]], Callable[[], None]]:
    """Make a check of one record into a test of all of them:

    @every(data.TASKS, name=lambda task: task["code"])
    def test_every_task_names_a_known_office(task): assert task["office"] in OFFICES
    """
    records = list(records)

    def decorate(check: Callable[[Record], object]) -> Callable[[], None]:
        def test() -> None:
            assert_every(records, check, name)

        # Not functools.wraps: pytest would read the check's parameter as a fixture.
        test.__name__ = test.__qualname__ = check.__name__
        test.__doc__ = check.__doc__
        test.__module__ = check.__module__
        test.__wrapped_check__ = check  # type: ignore[attr-defined]
        return test

    return decorate
