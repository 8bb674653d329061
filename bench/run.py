"""`make bench`: build a scaled dataset in a database of its own, measure, print a table and
write BENCHMARKS.md. Everything runs on this machine (loopback only).

    python bench/run.py [--scale full|smoke] [--out BENCHMARKS.md]
    python bench/run.py --only uploads

full: 300 indicators, the town and 31 villages, 10 years of monthly figures, 200 projects with
stages and monthly reports, 300 tasks. smoke: a tiny dataset and short runs, for CI.
--only uploads: the upload previews alone (the import page, every cell shape and hostile
file), on the smoke dataset, printed and not written (a minute or so).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))
PG_URL = "postgres://postgres@127.0.0.1:5432/{name}"
BENCH_DB = os.environ.get("BENCH_DB", "xiage_bench")
# The cache the in-process measures and the gunicorn workers share, as in production (the
# machine's Redis; BENCH_REDIS_URL= empty: each process's memory).
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")


@dataclass(frozen=True)
class Scale:
    name: str
    indicators: int
    village_indicators: int
    villages: int
    years: int
    projects: int
    tasks: int
    requests: int
    wrk_seconds: int
    import_rows: int
    form_rows: int


SCALES = {
    "full": Scale("full", 300, 30, 31, 10, 200, 300, 50, 30, 5000, 100),
    "smoke": Scale("smoke", 20, 3, 31, 2, 5, 8, 5, 3, 50, 10),
}


def postgres_available() -> bool:
    return shutil.which("pg_isready") is not None and (
        subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0
    )


def configure(use_postgres: bool) -> str:
    if use_postgres:
        env = {**os.environ, "PGHOST": "127.0.0.1", "PGUSER": "postgres"}
        subprocess.run(
            ["psql", "-d", "postgres", "-qc", f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)"],
            env=env,
            check=True,
        )
        subprocess.run(
            ["psql", "-d", "postgres", "-qc", f"CREATE DATABASE {BENCH_DB}"], env=env, check=True
        )
        url = PG_URL.format(name=BENCH_DB)
    else:
        path = PROJECT_DIR / "var" / "bench.sqlite3"
        path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="xiage.settings",
        DEBUG="0",
        SECRET_KEY="bench-only-" + "b" * 40,
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        DATABASE_URL=url,
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
        STATIC_ROOT=str(PROJECT_DIR / "var" / "bench-static"),
        REDIS_URL=BENCH_REDIS_URL,
    )
    return url


# --- dataset --------------------------------------------------------------------------------


def build(scale: Scale, last_year: int, last_month: int, years: int) -> dict:
    """Create (or extend to `years` years) the scaled dataset; returns handles for the runs."""
    from accounts.models import Office
    from accounts.roles import Role
    from accounts.services import user_create
    from indicators.models import Figure, Indicator, Place, Unit
    from plans.models import PlanSection, ProgressReport, Project, Stage, Task
    from plans.services import default_template

    offices = list(Office.objects.order_by("order"))
    town = Place.objects.get(level="town")
    villages = list(Place.objects.filter(level="village").order_by("order"))
    for n in range(len(villages) + 1, scale.villages + 1):
        villages.append(Place.objects.create(name=f"测试村{n:02d}", level="village", order=n))
    villages = villages[: scale.villages]
    if not Indicator.objects.filter(code__startswith="bench_").exists():
        created = Indicator.objects.bulk_create(
            Indicator(
                code=f"bench_{i:04d}",
                name=f"测试指标{i:04d}",
                category="industry",
                unit=Unit.objects.get(code="wan_yuan"),
                decimals=2,
                kind="ytd",
                office=offices[i % len(offices)] if i >= scale.form_rows else offices[0],
                order=i,
                is_key=i < 6,
            )
            for i in range(scale.indicators)
        )
        through = Indicator.places.through
        through.objects.bulk_create(
            [through(indicator_id=ind.pk, place_id=town.pk) for ind in created]
            + [
                through(indicator_id=ind.pk, place_id=v.pk)
                for ind in created[: scale.village_indicators]
                for v in villages
            ]
        )
        template = default_template()
        projects = Project.objects.bulk_create(
            Project(
                code=f"bench_p{i:03d}",
                name=f"测试项目{i:03d}",
                type="industry",
                office=offices[i % len(offices)],
                template=template,
                order=i,
            )
            for i in range(scale.projects)
        )
        steps = list(template.steps.all())
        Stage.objects.bulk_create(
            Stage(
                project=p,
                order=s.order,
                key=s.key,
                name=s.name,
                planned_date=date(last_year, min(12, s.order + 2), 1),
                is_done=s.order <= 2,
            )
            for p in projects
            for s in steps
        )
        section, _created = PlanSection.objects.get_or_create(
            year=last_year, number=9, defaults={"title": "测试板块"}
        )
        Task.objects.bulk_create(
            Task(
                section=section,
                code=f"bench_t{i:03d}",
                title=f"测试任务{i:03d}",
                text="测试",
                kind="quantity",
                quantity=100,
                unit=Unit.objects.get(code="item"),
                deadline=date(last_year, 12, 31),
                office=offices[i % len(offices)],
                order=i,
            )
            for i in range(scale.tasks)
        )
        user_create(username="bench_leader", password="Bench-pass-2024", roles=[Role.LEADER])
        user_create(
            username="bench_clerk",
            password="Bench-pass-2024",
            roles=[Role.CLERK],
            office=offices[0],
        )
    indicators = list(Indicator.objects.filter(code__startswith="bench_").order_by("order"))
    have = set(
        Figure.objects.filter(indicator__code__startswith="bench_")
        .values_list("year", flat=True)
        .distinct()
    )
    batch: list = []
    for year in range(last_year - years + 1, last_year + 1):
        if year in have:
            continue
        months = range(2, (last_month if year == last_year else 12) + 1)
        for index, ind in enumerate(indicators):
            places = [town] + (villages if index < scale.village_indicators else [])
            for place in places:
                for month in months:
                    if year == last_year and month == last_month and index < scale.form_rows:
                        continue  # left for the monthly form to save
                    batch.append(
                        Figure(
                            indicator=ind,
                            place=place,
                            year=year,
                            month=month,
                            value=Decimal(100 + month * 10 + index % 7),
                        )
                    )
        for project in Project.objects.filter(code__startswith="bench_p"):
            for month in range(1, (last_month if year == last_year else 12) + 1):
                batch.append(
                    ProgressReport(
                        project=project,
                        year=year,
                        month=month,
                        percent_done=Decimal(month * 8),
                        progress="测试",
                        problems="",
                    )
                )
    figures = [obj for obj in batch if isinstance(obj, Figure)]
    reports = [obj for obj in batch if not isinstance(obj, Figure)]
    Figure.objects.bulk_create(figures, batch_size=5000)
    ProgressReport.objects.bulk_create(reports, batch_size=5000)
    from xiage.signals import data_written

    data_written(Figure)  # bulk_create sends no signals; the dashboard must see the new years
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would, before the timings, not during
    return {"office": offices[0], "indicators": indicators}


# --- measurements ---------------------------------------------------------------------------


def timed(client, url: str, n: int) -> tuple[float, float]:
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def queries(client, url: str, method: str = "get", data: dict | None = None) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302), (url, response.status_code)
    return len(context.captured_queries)


def page_measures(scale: Scale, period: str, handles: dict) -> dict:
    from django.test import Client

    from accounts.models import User
    from plans.models import Project

    leader = Client()
    leader.force_login(User.objects.get(username="bench_leader"))
    clerk = Client()
    clerk.force_login(User.objects.get(username="bench_clerk"))
    dashboard = f"/?period={period}"
    minimal = "/accounts/password_change/done/"
    project = Project.objects.filter(code__startswith="bench_p").first()
    indicator = handles["indicators"][0]
    office = handles["office"]
    form = f"/admin/indicators/figure/report/?office={office.pk}&period={period}"
    from django.test import override_settings

    with override_settings(DASHBOARD_CACHE_SECONDS=0):
        leader.get(dashboard)  # warm imports
        built = timed(leader, dashboard, scale.requests)
        built_queries = queries(leader, dashboard)
    leader.get(dashboard)  # builds the page once; the rest are served from the cache
    # Pages of a few milliseconds: four times the samples, for a steadier median.
    dash = timed(leader, dashboard, scale.requests * 4)
    mini = timed(leader, minimal, scale.requests * 4)
    return {
        "dashboard_ms": dash,
        "built_ms": built,
        "minimal_ms": mini,
        "after_write": after_write(leader, dashboard, handles, period),
        "queries": {
            "dashboard, built": built_queries,
            "dashboard, from cache": queries(leader, dashboard),
            "indicator page": queries(leader, f"/indicators/{indicator.code}/"),
            "project page": queries(leader, f"/projects/{project.pk}/"),
            "monthly form": queries(clerk, form),
        },
    }


def after_write(leader, dashboard: str, handles: dict, period: str) -> dict:  # type: ignore[no-untyped-def]
    """The leader's first visit after a clerk's save: whether the page was in the cache for
    the new data before the visit asked (built again when the save committed), and its cost."""
    from accounts.models import User
    from indicators import periods
    from indicators.models import Place
    from indicators.services import FigureEntry, figures_save

    year, month = periods.parse_period(period)
    # The month before the page's (the monthly form's save below keeps the page's month).
    year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    leader.get(dashboard)
    cached_queries = queries(leader, dashboard)
    started = time.perf_counter()
    figures_save(
        year=year,
        month=month,
        place=Place.objects.get(level=Place.Level.TOWN),
        user=User.objects.get(username="bench_clerk"),
        reason="",
        entries=[FigureEntry(handles["indicators"][0], Decimal("321.5"))],
    )
    save_and_build_ms = (time.perf_counter() - started) * 1000
    # Whether the leader's page is in the cache for the new stamp before the visit asks.
    from django.core.cache import cache
    from django.test import RequestFactory

    from dashboard import page_cache, stamp

    request = RequestFactory().get(dashboard)
    request.user = User.objects.get(username="bench_leader")
    kept = cache.get(page_cache.key(request, "index"), version=stamp.current()) is not None
    visit_started = time.perf_counter()
    visit_queries = queries(leader, dashboard)
    visit_ms = (time.perf_counter() - visit_started) * 1000
    return {
        # Served from the cache: no more queries than any visit from the cache, but for the
        # to-do count of the top bar, recounted once per data stamp (inbox.badges).
        "from_cache": kept,
        "cached_queries": cached_queries,
        "queries": visit_queries,
        "ms": visit_ms,
        "save_and_build_ms": save_and_build_ms,
    }


def form_save(scale: Scale, period: str, handles: dict) -> tuple[float, int]:
    from django.test import Client

    from accounts.models import User

    clerk = Client()
    clerk.force_login(User.objects.get(username="bench_clerk"))
    office = handles["office"]
    url = f"/admin/indicators/figure/report/?office={office.pk}&period={period}"
    from indicators import periods, selectors

    year, month = periods.parse_period(period)
    # The rows the form asks for (an indicator not due this month is not among them).
    rows = [row for row in selectors.report_rows(office, year, month) if row.asked]
    data = {
        "rows-TOTAL_FORMS": str(len(rows)),
        "rows-INITIAL_FORMS": str(len(rows)),
        "confirm_warnings": "1",
    }
    for i, row in enumerate(rows):
        typed = "123.45" if row.indicator.decimals >= 2 else "123"
        data[f"rows-{i}-value"] = format(row.figure.value_display, "f") if row.figure else typed
        data[f"rows-{i}-version"] = str(row.figure.version if row.figure else 0)
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dashboard import page_cache
    from indicators.models import Figure, FigureRevision

    samples, counts = [], []
    for attempt in range(3):  # the median of three saves, each creating the month's figures
        clerk.get(url)  # the clerk opens the form first (and the test client loads middleware)
        # The save as the clerk waits for it: gunicorn sends the response before the dashboard
        # is built again (request_finished), the test client runs that inside post(); the
        # first-visit-after-a-write row measures the building.
        cache.delete(page_cache.RECENT_KEY)
        with CaptureQueriesContext(connection) as context:
            started = time.perf_counter()
            response = clerk.post(url, data)
            samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 302:  # say why: the page's error and message lines
            page = response.content.decode()
            said = re.findall(r"(?:errorlist|message-alert)[^>]*>(.*?)</", page)
            raise AssertionError(f"monthly form refused: {said[:5]!r}")
        counts.append(len(context.captured_queries))
        if attempt == 2:
            break  # the last save stays, as the pages below expect the month's figures
        saved = Figure.objects.filter(
            year=year,
            month=month,
            indicator__in=[r.indicator for r in rows],
            updated_by__isnull=False,
        )
        FigureRevision.objects.filter(figure__in=saved).delete()
        saved.delete()
    return statistics.median(samples), max(counts)


def import_and_export(scale: Scale, last_year: int, last_month: int) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import load_workbook

    from accounts.models import Office, User
    from indicators import excel
    from indicators.models import Indicator, Place, Unit
    from indicators.services import FigureEntry, figures_save

    office, _created = Office.objects.get_or_create(
        code="bench_import", defaults={"name": "导入测试科室"}
    )
    town = Place.objects.get(level="town")
    if not Indicator.objects.filter(office=office).exists():
        made = Indicator.objects.bulk_create(
            Indicator(
                code=f"bench_imp_{i:05d}",
                name=f"导入指标{i:05d}",
                category="industry",
                unit=Unit.objects.get(code="wan_yuan"),
                decimals=2,
                office=office,
                order=i,
            )
            for i in range(scale.import_rows)
        )
        through = Indicator.places.through
        through.objects.bulk_create(through(indicator_id=i.pk, place_id=town.pk) for i in made)
    admin = User.objects.get(username="bench_clerk")
    admin.office = office
    admin.save()
    book = load_workbook(io.BytesIO(excel.template_workbook(office, last_year, last_month)))
    sheet = book["月报"]
    for row in range(4, 4 + scale.import_rows):
        sheet.cell(row=row, column=5, value=100 + row % 50)
    buffer = io.BytesIO()
    book.save(buffer)
    started = time.perf_counter()
    preview = excel.read_upload(SimpleUploadedFile("bench.xlsx", buffer.getvalue()), admin)
    assert not preview.errors, preview.errors[:3]
    figures_save(
        year=last_year,
        month=last_month,
        place=town,
        user=admin,
        reason="bench",
        entries=[
            FigureEntry(
                r.indicator,
                r.form.cleaned_data["value"],
                expected_version=r.form.cleaned_data.get("version"),
            )
            for r in preview.rows
        ],
    )
    import_seconds = time.perf_counter() - started
    leader = User.objects.get(username="bench_leader")
    started = time.perf_counter()
    content = excel.year_workbook(leader, last_year)
    export_seconds = time.perf_counter() - started
    return {"import_s": import_seconds, "export_s": export_seconds, "export_bytes": len(content)}


def memory_growth(function) -> tuple[object, float]:
    """Run `function`; return its result and how many MB more the process held at its peak
    (Linux: the kernel's high-water mark, reset first, over the resident size before)."""

    def status(field: str) -> int:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
        raise LookupError(field)

    try:
        Path("/proc/self/clear_refs").write_text("5")
        before = status("VmRSS")
    except OSError:  # not Linux: Python's own allocations, as tracemalloc sees them
        import tracemalloc

        tracemalloc.start()
        try:
            result = function()
            return result, tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
    result = function()
    return result, (status("VmHWM") - before) / 2**20


def hostile_files(handles: dict, last_year: int, last_month: int) -> dict[str, bytes]:
    """The hostile uploads of tests/indicators/hostile_files.py, made from the template of the
    bench clerk's office; the last one holds every limit at once, each just under it."""
    from openpyxl import load_workbook

    from indicators import excel, xlsx_check
    from tests.indicators import hostile_files as hostile

    office = handles["office"]
    template = excel.template_workbook(office, last_year, last_month)
    book = load_workbook(io.BytesIO(template))
    book["月报"]["G4"] = '=A4&"说明"'
    buffer = io.BytesIO()
    book.save(buffer)
    rows = len(book["月报"]["A"]) - excel.HEADER_ROW
    return {
        "1.5 MB expanding to 1.5 GB": hostile.expansion_bomb(template),
        "13 million rows": hostile.many_rows(template),
        "60,000 unknown codes": hostile.unknown_codes(template),
        "a formula in 情况说明": buffer.getvalue(),
        "a formatted cell at row 1,048,576": hostile.formatted_cell_at_last_row(template),
        "every limit at once": hostile.worst_within_limits(
            template,
            xlsx_check.check_archive(template),
            sheet_elements=excel.SHEET_BASE_ELEMENTS + excel.SHEET_ROW_ELEMENTS * rows,
            strings_elements=xlsx_check.MAX_STRINGS_ELEMENTS,
            other_elements=xlsx_check.MAX_OTHER_ELEMENTS,
        ),
    }


def hostile_reads(files: dict[str, bytes]) -> dict[str, tuple[float, float, str]]:
    """Each hostile file read as a worker reads an upload: seconds (the better of two), MB
    more at the peak, and what came of it. The memory is the larger of the process's growth
    (which freed memory the process already holds can hide) and the peak of what Python
    allocated for the read (tracemalloc, in a third run)."""
    import tracemalloc

    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import User
    from indicators import excel

    clerk = User.objects.get(username="bench_clerk")

    def read(content: bytes) -> str:
        try:
            preview = excel.read_upload(SimpleUploadedFile("hostile.xlsx", content), clerk)
        except excel.ImportRefused as exc:
            return f"refused: {exc.errors[0]}"
        return f"read, {len(preview.rows)} rows"

    results = {}
    for name, content in files.items():
        seconds = []
        for _attempt in range(2):
            started = time.perf_counter()
            outcome = read(content)
            seconds.append(time.perf_counter() - started)
        _outcome, megabytes = memory_growth(lambda content=content: read(content))
        tracemalloc.start()
        try:
            read(content)
            traced = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
        results[name] = (min(seconds), max(megabytes, traced), outcome)
    return results


def cell_files(handles: dict, last_year: int, last_month: int) -> dict[str, bytes]:
    """Uploads in each shape of cell that Excel and LibreOffice store (issue 17): the bench
    clerk's template with a growth as a percent (0.313 under 0.0%), a float's residue
    (44.669999999999995 under 0.00), numbers as text and the _meta month as a date; the same
    with one formatted empty cell at row 1,048,576 as openpyxl writes it (a few KB whose
    <dimension> says A1:G1048576); the same saved by LibreOffice, where it is installed."""
    from datetime import datetime

    from openpyxl import load_workbook

    from indicators import excel

    template = excel.template_workbook(handles["office"], last_year, last_month)

    def saved(book) -> bytes:
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    book = load_workbook(io.BytesIO(template))
    sheet = book["月报"]
    sheet["E4"], sheet["E4"].number_format = 44.669999999999995, "0.00"
    sheet["F4"], sheet["F4"].number_format = 0.313, "0.0%"
    sheet["E5"], sheet["F5"] = "1,032.5", "21.26%"
    meta = book["_meta"]
    period_row = next(cell.row for cell in meta["A"] if cell.value == "period")
    meta.cell(row=period_row, column=2, value=datetime(last_year, last_month, 1))
    meta.cell(row=period_row, column=2).number_format = "yyyy-mm"
    files = {"every cell shape (percent, residue, text, a date for the month)": saved(book)}
    sheet["G1048576"].number_format = "0.00"
    files["the same, a formatted cell at row 1,048,576"] = saved(book)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "bench.xlsx"
            source.write_bytes(files["the same, a formatted cell at row 1,048,576"])
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation=file://{folder}/profile",
                    "--headless",
                    "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML",
                    "--outdir",
                    f"{folder}/out",
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=300,
            )
            saved_by = Path(folder) / "out" / "bench.xlsx"
            files["the same, saved by LibreOffice"] = saved_by.read_bytes()
    return files


def upload_previews(files: dict[str, bytes]) -> dict[str, tuple[float, float, str]]:
    """Each file uploaded to the import page as the bench clerk (in process): the seconds of
    the request that reads it and renders its preview (the better of two), the MB more at
    the peak (as hostile_reads measures them) and what the page said."""
    import re
    import tracemalloc

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="bench_clerk"))
    url = "/admin/indicators/figure/import/"
    client.get(url)  # warm imports and templates

    def post(content: bytes) -> str:
        response = client.post(url, {"file": SimpleUploadedFile("bench.xlsx", content)})
        assert response.status_code == 200, response.status_code
        page = response.content.decode()
        if "确认导入" in page:
            return "previewed, can be confirmed"
        first = re.search(r"<li>(.*?)</li>", page)
        return "refused: " + (first.group(1) if first else "?")

    results = {}
    for name, content in files.items():
        seconds = []
        for _attempt in range(2):
            started = time.perf_counter()
            outcome = post(content)
            seconds.append(time.perf_counter() - started)
        _outcome, megabytes = memory_growth(lambda content=content: post(content))
        tracemalloc.start()
        try:
            post(content)
            traced = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
        results[name] = (min(seconds), max(megabytes, traced), outcome)
    return results


def upload_row(previews: dict[str, tuple[float, float, str]]) -> tuple[str, str, str, bool]:
    """The table's line for the worst upload preview."""
    seconds = max((v[0], k) for k, v in previews.items())
    memory = max((v[1], k) for k, v in previews.items())
    return (
        f"worst-case upload preview (the import page), of {len(previews)} files: every cell "
        "shape, a formatted cell at row 1,048,576, saved by LibreOffice, and the hostile uploads",
        f"{seconds[0]:.2f} s ({seconds[1]}); +{memory[0]:.1f} MB ({memory[1]})",
        "≤ 2 s, ≤ 200 MB more",
        seconds[0] <= 2 and memory[0] <= 200,
    )


def uploads_at_once(port: int, period: str, leader_cookie: str, files: list[bytes]) -> dict:
    """Post the hostile files at the same moment to the server (one clerk, three uploads) and
    time the leader's dashboard until all three are answered."""
    import re
    import threading
    import urllib.request
    import uuid

    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="bench_clerk"))
    session = f"sessionid={client.cookies['sessionid'].value}"
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/admin/indicators/figure/import/"
    page = urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": session}))
    csrf = re.search(r"csrftoken=([^;]+)", page.headers["Set-Cookie"]).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())[1]
    uploads: dict[int, tuple[float, bool]] = {}
    barrier = threading.Barrier(len(files) + 1)

    def post(index: int, content: bytes) -> None:
        boundary = f"bench-{uuid.uuid4().hex}"
        disposition = f"--{boundary}\r\nContent-Disposition: form-data; name="
        body = (
            (
                f'{disposition}"csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
                f'{disposition}"file"; filename="hostile.xlsx"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(
            url,
            data=body,
            headers={
                "Cookie": f"{session}; csrftoken={csrf}",
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
        )
        barrier.wait()
        started = time.perf_counter()
        refused = False
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                refused = response.status == 200 and "文件未导入" in response.read().decode()
        except OSError:
            pass  # a 5xx or a dropped connection: not refused
        finally:
            uploads[index] = (time.perf_counter() - started, refused)

    threads = [threading.Thread(target=post, args=item) for item in enumerate(files)]
    for thread in threads:
        thread.start()
    barrier.wait()
    dashboard = urllib.request.Request(
        f"{base}/?period={period}", headers={"Cookie": f"sessionid={leader_cookie}"}
    )
    waits: list[float] = []
    while len(waits) < 3 or any(thread.is_alive() for thread in threads):
        started = time.perf_counter()
        with urllib.request.urlopen(dashboard, timeout=120) as response:
            response.read()
            assert response.status == 200
        waits.append((time.perf_counter() - started) * 1000)
    for thread in threads:
        thread.join()
    return {"uploads": [uploads[i] for i in sorted(uploads)], "dashboard_ms": waits}


def start_gunicorn(port: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "xiage.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=PROJECT_DIR,
        env=os.environ.copy(),
    )
    import urllib.request

    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def session_cookie() -> str:
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="bench_leader"))
    return client.cookies["sessionid"].value


def page_weight(port: int, period: str, cookie: str) -> dict:
    """Requests and bytes on the wire for the dashboard, first and repeat load, in Chromium."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        context = browser.new_context()
        context.add_cookies(
            [{"name": "sessionid", "value": cookie, "domain": "127.0.0.1", "path": "/"}]
        )
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        seen: dict[str, float] = {}
        cached: set[str] = set()
        cdp.on(
            "Network.loadingFinished",
            lambda e: seen.__setitem__(e["requestId"], e["encodedDataLength"]),
        )
        cdp.on("Network.requestServedFromCache", lambda e: cached.add(e["requestId"]))
        for label in ("first", "repeat"):
            seen.clear()
            cached.clear()
            page.goto(f"http://127.0.0.1:{port}/?period={period}", wait_until="networkidle")
            page.wait_for_selector(".chart svg", timeout=30000)
            network = [rid for rid in seen if rid not in cached]
            results[label] = {
                "requests": len(seen),
                "over_network": len(network),
                "bytes": int(sum(seen[rid] for rid in network)),
            }
        browser.close()
    return results


def wrk(port: int, path: str, seconds: int, cookie: str | None) -> dict:
    command = [
        "wrk",
        "-t2",
        "-c20",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        f"http://127.0.0.1:{port}{path}",
    ]
    # Compressed, as a browser asks for it.
    command[1:1] = ["-H", "Accept-Encoding: gzip"]
    if cookie:
        command[1:1] = ["-H", f"Cookie: sessionid={cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(
        next(line.split()[1] for line in out.splitlines() if line.startswith("Requests/sec"))
    )
    p99 = next(line.split()[1] for line in out.splitlines() if line.strip().startswith("99%"))
    errors = 0
    for line in out.splitlines():
        if "Non-2xx" in line or "Socket errors" in line:
            errors += sum(int(n) for n in line.replace(",", " ").split() if n.isdigit())
    return {"rps": rps, "p99": p99, "errors": errors}


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=SCALES, default="full")
    parser.add_argument("--out", default=str(PROJECT_DIR / "BENCHMARKS.md"))
    parser.add_argument(
        "--only",
        choices=["uploads"],
        help="uploads: only the upload previews, on a smoke-scale dataset; prints, writes nothing",
    )
    args = parser.parse_args()
    scale = SCALES["smoke" if args.only else args.scale]
    use_pg = postgres_available()
    url = configure(use_pg)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    call_command("seed", stdout=io.StringIO())
    call_command("collectstatic", "--noinput", verbosity=0)
    today = date.today()
    last_year, last_month = (
        (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    )
    period = f"{last_year}-{last_month:02d}"

    started = time.perf_counter()
    handles = build(scale, last_year, last_month, years=1)
    built_1x = time.perf_counter() - started
    if args.only == "uploads":
        files = {
            **cell_files(handles, last_year, last_month),
            **hostile_files(handles, last_year, last_month),
        }
        previews = upload_previews(files)
        for name, (seconds, megabytes, outcome) in previews.items():
            print(f"upload preview {name}: {seconds:.2f} s, +{megabytes:.1f} MB, {outcome[:70]}")
        name, value, target, ok = upload_row(previews)
        print(f"\n{name}: {value}   [target {target}: {'met' if ok else 'missed'}]")
        return
    one = page_measures(scale, period, handles)
    started = time.perf_counter()
    build(scale, last_year, last_month, years=scale.years)
    built_10x = time.perf_counter() - started
    ten = page_measures(scale, period, handles)
    save_ms, save_queries = form_save(scale, period, handles)
    from django.db import transaction

    # The import adds an office of 5,000 indicators; roll it back so that the throughput
    # below is measured on the same dataset as the server times above.
    with transaction.atomic():
        io_figures = import_and_export(scale, last_year, last_month)
        transaction.set_rollback(True)

    from indicators.models import Figure

    figure_count = Figure.objects.count()
    hostile = hostile_files(handles, last_year, last_month)
    hostile_read = hostile_reads(hostile)
    previews = upload_previews({**cell_files(handles, last_year, last_month), **hostile})
    port = int(os.environ.get("BENCH_PORT", "8765"))
    server = start_gunicorn(port)
    try:
        cookie = session_cookie()
        weight = page_weight(port, period, cookie)
        health_load = wrk(port, "/healthz", scale.wrk_seconds, None)
        time.sleep(2)
        dash_load = wrk(port, f"/?period={period}", scale.wrk_seconds, cookie)
        time.sleep(2)
        minimal_load = wrk(port, "/accounts/password_change/done/", scale.wrk_seconds, cookie)
        at_once = uploads_at_once(port, period, cookie, list(hostile.values())[:3])
    finally:
        server.terminate()
        server.wait(timeout=30)

    ratio = one["dashboard_ms"][0] / one["minimal_ms"][0]
    built_ratio = one["built_ms"][0] / one["minimal_ms"][0]
    growth = ten["dashboard_ms"][0] / one["dashboard_ms"][0]
    built_growth = ten["built_ms"][0] / one["built_ms"][0]
    throughput = dash_load["rps"] / health_load["rps"]
    worst_seconds = max((v[0], k) for k, v in hostile_read.items())
    worst_memory = max((v[1], k) for k, v in hostile_read.items())
    for name, (seconds, megabytes, outcome) in hostile_read.items():
        print(f"hostile upload {name}: {seconds:.2f} s, +{megabytes:.1f} MB, {outcome[:60]}")
    for name, (seconds, megabytes, outcome) in previews.items():
        print(f"upload preview {name}: {seconds:.2f} s, +{megabytes:.1f} MB, {outcome[:70]}")
    rows = [
        (
            "dataset",
            f"{scale.indicators} indicators, town + {scale.villages} villages, "
            f"{scale.years} years ({figure_count:,} figures), {scale.projects} projects, "
            f"{scale.tasks} tasks; built in {built_1x:.1f} s + {built_10x:.1f} s",
            "",
            None,
        ),
        ("database", "PostgreSQL" if use_pg else "SQLite", "", None),
        (
            "dashboard server time, 1× data (median / p95)",
            f"{one['dashboard_ms'][0]:.1f} / {one['dashboard_ms'][1]:.1f} ms",
            "",
            None,
        ),
        (
            "minimal logged-in page (median / p95)",
            f"{one['minimal_ms'][0]:.1f} / {one['minimal_ms'][1]:.1f} ms",
            "",
            None,
        ),
        ("dashboard ÷ minimal page", f"{ratio:.2f}×", "≤ 3×", ratio <= 3),
        (
            "dashboard server time, 10× data (median / p95)",
            f"{ten['dashboard_ms'][0]:.1f} / {ten['dashboard_ms'][1]:.1f} ms",
            "",
            None,
        ),
        ("dashboard 10× ÷ 1×", f"{growth:.2f}×", "≤ 1.3×", growth <= 1.3),
        (
            "dashboard built afresh, 1× / 10× data (median; p95)",
            f"{one['built_ms'][0]:.1f} / {ten['built_ms'][0]:.1f} ms; "
            f"{one['built_ms'][1]:.1f} / {ten['built_ms'][1]:.1f} ms",
            "",
            None,
        ),
        ("built afresh ÷ minimal page", f"{built_ratio:.2f}×", "≤ 20×", built_ratio <= 20),
        ("built afresh 10× ÷ 1×", f"{built_growth:.2f}×", "≤ 1.3×", built_growth <= 1.3),
    ]
    for page, count in one["queries"].items():
        same = count == ten["queries"][page] and count <= 15
        rows.append(
            (
                f"SQL queries: {page} (1× / 10×)",
                f"{count} / {ten['queries'][page]}",
                "equal, ≤ 15",
                same,
            )
        )
    rows += [
        (
            "first visit after a write (a figure saved; the page built again on commit)",
            ("served from the cache" if one["after_write"]["from_cache"] else "built afresh")
            + f": {one['after_write']['queries']} queries (a cached visit "
            f"{one['after_write']['cached_queries']}, and the to-do count recounted for the new "
            f"data), {one['after_write']['ms']:.1f} ms "
            f"(the save and the page built again: "
            f"{one['after_write']['save_and_build_ms']:.0f} ms)",
            "from the cache",
            one["after_write"]["from_cache"],
        ),
        (
            f"save monthly form, {scale.form_rows} figures",
            f"{save_ms:.0f} ms, {save_queries} queries",
            "≤ 300 ms, ≤ 30 queries",
            save_ms <= 300 and save_queries <= 30,
        ),
        (
            f"import {scale.import_rows:,}-row xlsx (read, check, save)",
            f"{io_figures['import_s']:.2f} s",
            "≤ 10 s",
            io_figures["import_s"] <= 10,
        ),
        (
            f"worst-case hostile upload, of {len(hostile_read)} (expansion to 1.5 GB, "
            "13 million rows, 60,000 codes, a formula, a formatted last row, every limit at once)",
            f"{worst_seconds[0]:.2f} s ({worst_seconds[1]}); "
            f"+{worst_memory[0]:.1f} MB ({worst_memory[1]})",
            "≤ 2 s, ≤ 200 MB more",
            worst_seconds[0] <= 2 and worst_memory[0] <= 200,
        ),
        upload_row(previews),
        (
            "three hostile uploads posted at once (gunicorn, 3 workers), and the dashboard "
            "meanwhile",
            "refused in "
            + " / ".join(f"{s:.2f}" for s, _refused in at_once["uploads"])
            + f" s; dashboard at most {max(at_once['dashboard_ms']):.0f} ms "
            f"({len(at_once['dashboard_ms'])} requests)",
            "each refused ≤ 2 s; dashboard ≤ 2 s",
            all(refused and s <= 2 for s, refused in at_once["uploads"])
            and max(at_once["dashboard_ms"]) <= 2000,
        ),
        (
            "export the year (xlsx)",
            f"{io_figures['export_s']:.2f} s, {io_figures['export_bytes']:,} bytes",
            "≤ 2.22 s",  # half of the 4.44 s of 2026-11-29, before the export streamed values
            io_figures["export_s"] <= 2.22,
        ),
        (
            "dashboard first load (Chromium)",
            f"{weight['first']['requests']} requests, {weight['first']['bytes']:,} bytes",
            "≤ 10, ≤ 1.6 MB",
            weight["first"]["requests"] <= 10 and weight["first"]["bytes"] <= 1.6e6,
        ),
        (
            "dashboard repeat load, warm cache",
            f"{weight['repeat']['over_network']} of "
            f"{weight['repeat']['requests']} requests over the "
            f"network, {weight['repeat']['bytes']:,} bytes",
            "≤ 100 KB",
            weight["repeat"]["bytes"] <= 100_000,
        ),
        (
            f"throughput /healthz (wrk, 20 connections, {scale.wrk_seconds} s)",
            f"{health_load['rps']:.0f} req/s, p99 {health_load['p99']}, "
            f"{health_load['errors']} errors",
            "",
            None,
        ),
        (
            "throughput dashboard (same)",
            f"{dash_load['rps']:.0f} req/s, p99 {dash_load['p99']}, {dash_load['errors']} errors",
            "no errors",
            dash_load["errors"] == 0,
        ),
        (
            "throughput minimal logged-in page (same)",
            f"{minimal_load['rps']:.0f} req/s, p99 {minimal_load['p99']}, "
            f"{minimal_load['errors']} errors; dashboard ÷ it "
            f"{dash_load['rps'] / minimal_load['rps'] * 100:.1f} %",
            "",
            None,
        ),
        (
            "dashboard ÷ /healthz throughput",
            f"{throughput * 100:.1f} %",
            "≥ 30 %",
            throughput >= 0.30,
        ),
    ]
    verdict = {True: "met", False: "**missed**", None: ""}
    width = max(len(r[0]) for r in rows)
    print(f"\nXiage benchmark ({scale.name}) — {machine()}\n")
    for name, value, target, ok in rows:
        print(
            f"{name:<{width}}  {value}"
            + (f"   [target {target}: {verdict[ok].strip('*')}]" if target else "")
        )
    lines = [
        "# Benchmarks",
        "",
        f"`make bench` ({scale.name} scale) on {date.today().isoformat()}: {machine()}; "
        f"gunicorn 3 workers with production settings; database {url.split('://')[0]}.",
        "",
        "| measure | result | target | |",
        "| --- | --- | --- | --- |",
        *[f"| {name} | {value} | {target} | {verdict[ok]} |" for name, value, target, ok in rows],
        "",
    ]
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
