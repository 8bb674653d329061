"""Backup and restore on the embedded database (PostgreSQL is checked by the topology test)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from indicators.models import Figure
from tests.factories import FigureFactory, IndicatorFactory, PlaceFactory


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL: see the topology test")
def test_a_backup_restores_what_was_there(tmp_path, office_a):
    town = PlaceFactory()
    figure = FigureFactory(
        indicator=IndicatorFactory(office=office_a, places=[town]), place=town, value=D("29.74")
    )
    call_command("backup", "--dir", str(tmp_path))
    dump = next(tmp_path.glob("xiage-*.sqlite3"))
    Figure.objects.filter(pk=figure.pk).update(value=D("1"))
    call_command("restore", str(dump))  # without --yes: a dry run
    assert Figure.objects.get(pk=figure.pk).value == D("1")
    call_command("restore", str(dump), "--yes")
    assert Figure.objects.get(pk=figure.pk).value == D("29.74")


def test_restore_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="备份文件不存在"):
        call_command("restore", str(tmp_path / "none.dump"), "--yes")
