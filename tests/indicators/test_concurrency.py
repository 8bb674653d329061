"""Two people open the same figure and both save: the second is told, never overwritten."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connection, connections

from accounts.roles import Role
from indicators.models import Figure
from indicators.services import ConcurrentEdit, FigureEntry, figures_save
from tests.factories import FigureFactory, UserFactory

OCT = date(2023, 10, 15)


@pytest.mark.django_db
def test_the_second_saver_is_told_and_shown_both_values(output, town, clerk):
    figure = FigureFactory(indicator=output, place=town, year=2023, month=9, value=D("29.00"))
    other = UserFactory(
        username="wang", display_name="王芳", office=clerk.office, roles=[Role.CLERK]
    )
    opened = figure.version  # both open the page now
    figures_save(
        year=2023,
        month=9,
        place=town,
        user=other,
        on=OCT,
        entries=[FigureEntry(output, D("29.74"), expected_version=opened)],
    )
    with pytest.raises(ConcurrentEdit) as excinfo:
        figures_save(
            year=2023,
            month=9,
            place=town,
            user=clerk,
            on=OCT,
            entries=[FigureEntry(output, D("29.50"), expected_version=opened)],
        )
    assert excinfo.value.messages == [
        "“规上工业产值”在您打开后已被王芳修改："
        "本期数当前为 29.74，您填写的是 29.5。请核对后重新保存。"
    ]
    figure.refresh_from_db()
    assert figure.value == D("29.74") and figure.version == 2
    assert figure.revisions.count() == 1


@pytest.mark.django_db
def test_saving_the_same_value_as_the_other_person_is_not_a_conflict(output, town, clerk):
    figure = FigureFactory(indicator=output, place=town, year=2023, month=9, value=D("29.00"))
    figures_save(
        year=2023,
        month=9,
        place=town,
        user=clerk,
        on=OCT,
        entries=[FigureEntry(output, D("29.74"), expected_version=1)],
    )
    result = figures_save(
        year=2023,
        month=9,
        place=town,
        user=clerk,
        on=OCT,
        entries=[FigureEntry(output, D("29.74"), expected_version=1)],
    )
    assert result.touched == 0
    figure.refresh_from_db()
    assert figure.version == 2


@pytest.mark.django_db
def test_an_untouched_row_cannot_overwrite_anothers_change(
    clerk_client, output, firms, town, office_a, october_2023
):
    """A page opened before someone else saved row A posts A's old value back: refused."""
    FigureFactory(indicator=output, place=town, year=2023, month=9, value=D("29.00"))
    url = f"/admin/indicators/figure/report/?office={office_a.pk}&period=2023-09"
    page = clerk_client.get(url)
    initial = page.context["formset"].forms[0].initial
    from indicators.services import figures_save as save

    save(
        year=2023,
        month=9,
        place=town,
        user=None,
        on=OCT,
        entries=[FigureEntry(output, D("29.74"), expected_version=1)],
    )
    data = {
        "rows-TOTAL_FORMS": "2",
        "rows-INITIAL_FORMS": "2",
        "rows-0-value": initial["value"],
        "rows-0-version": str(initial["version"]),
        "rows-1-value": "132",
        "rows-1-version": "0",
    }
    response = clerk_client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "全部未保存" in body and "当前为 29.74，您填写的是 29" in body
    assert Figure.objects.get(indicator=output).value == D("29.74")
    assert not Figure.objects.filter(indicator=firms).exists()


@pytest.mark.django_db
def test_the_single_figure_form_refuses_a_stale_page(clerk_client, output, town, october_2023):
    figure = FigureFactory(indicator=output, place=town, year=2023, month=9, value=D("29.00"))
    figures_save(
        year=2023,
        month=9,
        place=town,
        user=None,
        on=OCT,
        entries=[FigureEntry(output, D("29.74"), expected_version=1)],
    )
    response = clerk_client.post(
        f"/admin/indicators/figure/{figure.pk}/change/",
        {
            "value": "30",
            "growth": "",
            "note": "",
            "version": "1",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "“本期数”已被他人修改为 29.74，您填写的是 30。" in response.content.decode()
    figure.refresh_from_db()
    assert figure.value == D("29.74")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL")
def test_two_writers_racing_on_postgresql_lose_no_update(office_a, town, output):
    """Two threads, two connections, the same expected version, released together: exactly
    one save wins, the other is told; the stored value is the winner's."""
    figure = FigureFactory(indicator=output, place=town, year=2023, month=9, value=D("1.00"))
    writers = [UserFactory(username=f"w{i}", office=office_a, roles=[Role.CLERK]) for i in range(2)]
    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def write(user, value: str) -> None:
        try:
            barrier.wait(timeout=10)
            figures_save(
                year=2023,
                month=9,
                place=town,
                user=user,
                on=OCT,
                entries=[FigureEntry(output, D(value), expected_version=1)],
            )
            outcome[value] = "saved"
        except ConcurrentEdit:
            outcome[value] = "conflict"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=write, args=(writers[i], v)) for i, v in enumerate(("2.00", "3.00"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcome.values()) == ["conflict", "saved"], outcome
    winner = next(value for value, result in outcome.items() if result == "saved")
    figure.refresh_from_db()
    assert figure.value == D(winner) and figure.version == 2
    assert figure.revisions.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL")
def test_two_writers_creating_the_same_figure_on_postgresql(office_a, town, output):
    barrier = threading.Barrier(2)
    outcome: list[str] = []

    def write(value: str) -> None:
        try:
            barrier.wait(timeout=10)
            figures_save(
                year=2023,
                month=9,
                place=town,
                user=None,
                on=OCT,
                entries=[FigureEntry(output, D(value), expected_version=0)],
            )
            outcome.append("saved")
        except ConcurrentEdit:
            outcome.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(v,)) for v in ("2.00", "3.00")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcome) == ["conflict", "saved"]
    assert Figure.objects.filter(indicator=output).count() == 1
