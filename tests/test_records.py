"""The data-driven checks fail, and name the records that broke the rule."""

from __future__ import annotations

import pytest

from tests.records import assert_every, broken, every


def positive(number: int) -> None:
    assert number > 0, f"{number} is not positive"


def test_every_record_that_breaks_the_rule_is_named_with_why() -> None:
    failures = broken([3, -1, 5, 0], positive, name=lambda n: f"n={n}")
    assert failures == [
        "n=-1: -1 is not positive\nassert -1 > 0",
        "n=0: 0 is not positive\nassert 0 > 0",
    ]


def test_an_error_that_is_not_an_assertion_names_its_record_too() -> None:
    assert broken([{"a": 1}, {}], lambda record: record["a"], name=repr) == ["{}: 'a'"]


def test_the_test_fails_with_the_list_and_the_count() -> None:
    with pytest.raises(AssertionError) as failure:
        assert_every([1, -2, -3], positive, name=lambda n: f"n={n}")
    message = str(failure.value)
    assert message.startswith("2 of 3 records fail positive:\nn=-2: -2 is not positive")
    assert "n=-3: -3 is not positive" in message


def test_no_records_is_a_failure_not_a_pass() -> None:
    with pytest.raises(AssertionError, match="no records to check"):
        assert_every([], positive, name=str)


def test_every_makes_a_test_that_takes_no_fixture_and_checks_all() -> None:
    test = every([1, 2, -3], name=lambda n: f"n={n}")(positive)
    assert test.__name__ == "positive"
    with pytest.raises(AssertionError, match="1 of 3 records fail positive:\nn=-3"):
        test()


def test_a_seed_figure_that_breaks_a_rule_is_named_by_its_id() -> None:
    from tests.indicators import test_seed_data as seed

    figure = dict(seed.data.FIGURES_2023[0], quote="不在文中的引文")
    failures = broken(
        [*seed.data.FIGURES_2023[1:4], figure],
        seed.test_every_quote_occurs_verbatim_in_the_document.__wrapped_check__,
        name=seed._figure_id,
    )
    assert len(failures) == 1
    assert failures[0].startswith(seed._figure_id(figure) + ": ")
