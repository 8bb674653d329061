from __future__ import annotations

import pytest

from plans.services import project_create
from tests.factories import TaskFactory


@pytest.fixture
def project_a(office_a):
    return project_create(code="houfeng", name="后冯区块", type="industry", office=office_a)


@pytest.fixture
def project_b(office_b):
    return project_create(
        code="nongchanpin", name="东部农产品交易市场", type="agriculture", office=office_b
    )


@pytest.fixture
def task_a(office_a):
    return TaskFactory(title="朱溪港两侧土地征收", office=office_a)


@pytest.fixture
def milestone_a(office_a):
    return TaskFactory(
        title="杨砩头养老院建设", kind="milestone", quantity=None, unit="", office=office_a
    )
