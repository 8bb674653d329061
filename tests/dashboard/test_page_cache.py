"""The built-page cache of the dashboard: served again until the data, the day, the scope or
the query changes, and never across offices.

These tests commit for real (transactional_db), because the stamp changes when a write's
transaction commits."""

from __future__ import annotations

import gzip
import re
import zlib
from datetime import datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from dashboard import page_cache, stamp
from indicators import review, units
from indicators.models import Figure
from indicators.services import FigureEntry, figures_save
from plans.models import Target
from plans.services import ProgressEntry, progress_report_save
from tests.factories import FigureFactory, IndicatorFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
URL = "/?period=2024-09"


def logged_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def get(client: Client, url: str = URL) -> tuple[str, int]:
    units.names()  # the unit table is read once per process, not per page
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def unmasked(body: str) -> str:
    """The page without its CSRF token, which is masked anew for every response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def card_value(body: str, name: str) -> str:
    """The value shown on a card, e.g. '29.74'."""
    card = body.split(f">{name}</a></h2>", 1)[1]
    return card.split('<p class="value">', 1)[1].split("<", 1)[0]


def test_a_second_visit_is_served_from_the_cache_with_three_queries(leader, town_data):
    client = logged_in(leader)
    first, built = get(client)
    second, served = get(client)
    assert card_value(first, "规上工业产值") == "29.74"
    assert unmasked(second) == unmasked(first)
    # Served: the user (with the office), the stamp and the badges; none of the dashboard's
    # own. The session comes from the cache and the roles from the session (before: 5, with a
    # query each for the session and the roles). Built: the page's own queries besides, and 6
    # to count a leader's to-do items once per data stamp and day (their number is the
    # dashboard's selectors', pinned in test_dashboard.py).
    assert served == 3
    assert built > served + 6 + 10


def test_a_saved_figure_shows_at_once(leader, clerk, town_data, town):
    client = logged_in(leader)
    assert card_value(get(client)[0], "规上工业产值") == "29.74"
    figures_save(
        year=2024,
        month=9,
        place=town,
        user=clerk,
        reason="",
        entries=[FigureEntry(town_data["output"], D("30.12"))],
    )
    assert card_value(get(client)[0], "规上工业产值") == "30.12"


def test_the_monthly_form_invalidates_the_page(leader, clerk, office_a, town_data):
    leader_client = logged_in(leader)
    before = get(leader_client)[0]
    assert "30.50" not in before
    rows = {
        "rows-TOTAL_FORMS": "2",
        "rows-INITIAL_FORMS": "2",
        "rows-0-value": "30.50",
        "rows-0-version": str(
            Figure.objects.get(indicator=town_data["output"], year=2024, month=9).version
        ),
        "rows-1-value": "20.00",
        "rows-1-version": str(
            Figure.objects.get(indicator=town_data["investment"], year=2024, month=9).version
        ),
        "confirm_warnings": "1",
    }
    response = logged_in(clerk).post(
        f"/admin/indicators/figure/report/?office={office_a.pk}&period=2024-09", rows
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert card_value(get(leader_client)[0], "规上工业产值") == "30.50"


def test_an_edited_target_and_a_deleted_figure_show_at_once(leader, town_data):
    client = logged_in(leader)
    assert "36亿元" in get(client)[0]
    target = Target.objects.get(indicator=town_data["output"], year=2024)
    target.value = D("50")
    target.save()
    body = get(client)[0]
    assert "50亿元" in body and "36亿元" not in body
    Figure.objects.filter(indicator=town_data["output"], year=2024, month=9).delete()
    assert card_value(get(client)[0], "规上工业产值") == "—"


def test_progress_and_review_change_the_stamp(leader, clerk, admin_user, office_a, plan_data):
    get(logged_in(leader))
    before = stamp.current()
    progress_report_save(
        office=office_a,
        year=2024,
        month=9,
        user=clerk,
        entries=[ProgressEntry(plan_data["late"], percent_done=D("40"), progress="已完成征地")],
    )
    after_progress = stamp.current()
    assert after_progress != before
    month = review.month_submit(office=office_a, year=2024, month=9, user=clerk)
    after_submit = stamp.current()
    review.month_approve(review=month, user=admin_user)
    assert len({before, after_progress, after_submit, stamp.current()}) == 4


def test_clerks_of_two_offices_never_share_a_page(leader, clerk, clerk_b, town_data):
    leader_body = get(logged_in(leader))[0]
    a_body = get(logged_in(clerk))[0]
    b_body = get(logged_in(clerk_b))[0]
    assert "水稻面积" in leader_body and "规上工业产值" in leader_body
    assert "规上工业产值" in a_body and "水稻面积" not in a_body
    assert "水稻面积" in b_body and "规上工业产值" not in b_body
    # Served again from the cache, each still sees only their own office.
    assert unmasked(get(logged_in(clerk_b))[0]) == unmasked(b_body)
    assert "规上工业产值" not in get(logged_in(clerk_b))[0]


def test_the_page_holds_nothing_of_the_user_who_built_it(leader, town_data):
    from accounts.roles import Role
    from tests.factories import UserFactory

    other = UserFactory(username="leader2", display_name="第二位领导", roles=[Role.LEADER])
    get(logged_in(leader))
    body, queries = get(logged_in(other))
    assert queries == 9  # the page from the cache; this leader's to-do count is their own (6)
    assert "第二位领导" in body


def test_a_new_day_builds_the_page_again(leader, town_data):
    client = logged_in(leader)
    built = get(client)[1]
    assert get(client)[1] == 3
    with time_machine.travel(datetime(2024, 10, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):
        assert get(logged_in(leader))[1] == built


def test_other_filters_are_other_pages(leader, town_data):
    client = logged_in(leader)
    get(client)
    body, queries = get(client, URL + "&category=agriculture")
    assert queries > 4
    assert "水稻面积" in body and "规上工业产值" not in body.split("<table", 1)[1]


def test_uncommitted_writes_neither_read_nor_fill_the_cache(leader, town_data, rf):
    client = logged_in(leader)
    get(client)
    with transaction.atomic():
        Figure.objects.filter(indicator=town_data["output"], year=2024, month=9).update(
            value=D("1.00")
        )
        stamp.touch()
        assert stamp.pending()
        body, queries = get(client)
        assert queries > 4 and card_value(body, "规上工业产值") == "1.00"
        transaction.set_rollback(True)
    assert not stamp.pending()
    assert card_value(get(client)[0], "规上工业产值") == "29.74"


def test_a_rolled_back_write_leaves_no_stale_flag(leader, town_data):
    """The next transaction still changes the stamp after one that was rolled back."""
    with transaction.atomic():
        stamp.touch()
        transaction.set_rollback(True)
    before = stamp.current()
    FigureFactory(
        indicator=IndicatorFactory(code="new", name="新指标"), year=2024, month=9, value=D("1")
    )
    assert stamp.current() != before


def test_the_cache_can_be_switched_off(leader, town_data, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    client = logged_in(leader)
    # No stamp read for the page; the badges' query each time, their to-do count once (6).
    first, second = get(client)[1], get(client)[1]
    assert first - second == 6 and second > 10


def test_exports_are_never_cached_pages(leader, town_data):
    client = logged_in(leader)
    get(client)
    response = client.get(URL + "&_export=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "29.74" in response.content.decode("utf-8-sig")


def test_a_gzipped_page_is_one_gzip_member_holding_the_whole_page(leader, town_data):
    client = logged_in(leader)
    plain = client.get(URL).content.decode()
    for _visit in ("built", "from the cache"):
        response = client.get(URL, headers={"Accept-Encoding": "gzip, deflate"})
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        reader = zlib.decompressobj(16 + zlib.MAX_WBITS)
        page = reader.decompress(response.content).decode()
        assert reader.eof and reader.unused_data == b""  # one member, nothing after it
        assert unmasked(page) == unmasked(plain)
        assert card_value(page, "规上工业产值") == "29.74"
        assert len(response.content) < len(plain.encode()) / 3


def test_joined_deflate_pieces_read_back_exactly():
    """Head and tail of any size, the body compressed apart, read back byte for byte."""
    page = page_cache.Page.of("标题", "正文" * 5000 + "<table>" * 300)
    for head, tail in ((b"", b""), (b"<html>", b"</html>"), (b"x" * 70000, "尾".encode() * 9)):
        joined = page_cache.gzip_joined(head, page, tail)
        assert gzip.decompress(joined) == head + page.body + tail


def test_other_pages_are_compressed_by_djangos_gzip_middleware(leader_client, town_data):
    response = leader_client.get("/board/", headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert "挂图作战" in gzip.decompress(response.content).decode()


def test_pages_are_kept_in_djangos_cache_versioned_by_the_stamp(leader, town_data):
    client = logged_in(leader)
    get(client)
    token = stamp.current()
    request = RequestFactory().get(URL)
    request.user = leader
    cache_key = page_cache.key(request, "index")
    kept = cache.get(cache_key, version=token)
    assert isinstance(kept, page_cache.Page) and "29.74" in kept.body.decode()
    # A committed write changes the stamp: the kept page belongs to a version no one reads.
    target = Target.objects.get(indicator=town_data["output"], year=2024)
    target.value = D("50")
    target.save()
    assert stamp.current() != token
    assert "50亿元" in cache.get(cache_key, version=stamp.current()).body.decode()
    assert "36亿元" in cache.get(cache_key, version=token).body.decode()


def test_the_first_visit_after_a_write_is_served_from_the_cache(leader, clerk, town_data, town):
    """The pages read last are built again as soon as a write commits."""
    leader_client = logged_in(leader)
    get(leader_client)
    figures_save(
        year=2024,
        month=9,
        place=town,
        user=clerk,
        reason="",
        entries=[FigureEntry(town_data["output"], D("30.12"))],
    )
    body, queries = get(leader_client)
    assert card_value(body, "规上工业产值") == "30.12"
    assert queries == 9  # the page from the cache; the to-do count anew for the new stamp (6)


def test_a_write_through_a_page_builds_the_page_again_after_its_response(
    leader, clerk, office_a, town_data
):
    leader_client = logged_in(leader)
    get(leader_client)
    rows = {
        "rows-TOTAL_FORMS": "2",
        "rows-INITIAL_FORMS": "2",
        "rows-0-value": "30.50",
        "rows-0-version": str(
            Figure.objects.get(indicator=town_data["output"], year=2024, month=9).version
        ),
        "rows-1-value": "20.00",
        "rows-1-version": str(
            Figure.objects.get(indicator=town_data["investment"], year=2024, month=9).version
        ),
        "confirm_warnings": "1",
    }
    response = logged_in(clerk).post(
        f"/admin/indicators/figure/report/?office={office_a.pk}&period=2024-09", rows
    )
    assert response.status_code == 302
    body, queries = get(leader_client)
    assert card_value(body, "规上工业产值") == "30.50"
    assert queries == 9


def test_sorted_and_paged_tables_are_not_built_ahead(leader, clerk, town_data, town):
    client = logged_in(leader)
    get(client, URL + "&sort=name")
    figures_save(
        year=2024,
        month=9,
        place=town,
        user=clerk,
        reason="",
        entries=[FigureEntry(town_data["output"], D("30.12"))],
    )
    assert get(client, URL + "&sort=name")[1] > 9  # built when asked for


def test_the_roles_come_from_the_session_and_follow_a_change_of_groups(leader, town_data):
    from django.contrib.auth.models import Group

    from accounts.roles import Role

    client = logged_in(leader)
    assert client.session["_roles"]["names"] == [Role.LEADER.value]
    get(client)
    with CaptureQueriesContext(connection) as captured:
        client.get(URL)
    assert not any("auth_group" in query["sql"] for query in captured.captured_queries)
    # Their groups change: the next page reads them again, once.
    leader.groups.remove(Group.objects.get(name=Role.LEADER.value))
    assert "_roles" not in client.session
    body = get(client)[0]
    assert client.session["_roles"]["names"] == []
    assert "规上工业产值" not in body  # no longer a leader: no office's figures


REDIS_URL = "redis://127.0.0.1:6379/6"


def _redis_answers() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_production_cache_redis_serves_the_page_and_the_session(
    leader, clerk, town_data, town, settings
):
    """Django's RedisCache, as the gunicorn workers share it in production."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "xiage-test",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    cache.clear()
    try:
        client = logged_in(leader)
        first, built = get(client)
        second, served = get(client)
        assert served == 3 and built > served + 6 + 10
        assert unmasked(second) == unmasked(first)
        figures_save(
            year=2024,
            month=9,
            place=town,
            user=clerk,
            reason="",
            entries=[FigureEntry(town_data["output"], D("30.12"))],
        )
        body, queries = get(client)
        assert card_value(body, "规上工业产值") == "30.12"
        assert queries == 9  # from the cache, built again on commit; the to-do count anew
    finally:
        cache.clear()


def test_an_unreachable_redis_answers_503_in_chinese_not_500(leader, settings):
    client = Client(raise_request_exception=False)
    client.force_login(leader)  # the session is in the database too (cached_db)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    response = client.get(URL)
    assert response.status_code == 503
    assert "系统暂时不可用" in response.content.decode()
    assert response["Retry-After"] == "30"


def test_a_write_rolled_back_to_a_savepoint_leaves_no_stale_flag(leader, town_data):
    """The stamp's waiting change goes with the savepoint's commit hooks, and comes back with
    the next write of the outer transaction."""
    before = stamp.current()
    with transaction.atomic():
        with transaction.atomic():
            stamp.touch()
            assert stamp.pending()
            transaction.set_rollback(True)
        assert not stamp.pending()
        stamp.touch()
        assert stamp.pending()
    assert not stamp.pending()
    assert stamp.current() != before
