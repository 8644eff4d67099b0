"""`danso bench pages`: the province's dashboard and 01-DSH page through a real server.

On the bench database of `danso bench reports` (a generated province of N people):

1. Empties the store of the province's counts and the cache, starts `danso serve` (with its
   background worker and the counts' keeper, statistics/precompute.py) and asks for the
   dashboard and 01-DSH of the last complete quarter at once: both must answer at once
   ("Đang tính…") rather than count in the request. Times how long the keeper takes until both
   pages show their figures (the start-up pass over an empty store).
2. Stops the server and starts it again, times the first view of each page (the cache on
   disk kept, as a restart keeps it); again with the cache emptied (figures added up from the
   store), then their p50/p95 over `repeat` views each.
3. Accepts a change in one village (its version bumped, as recording a change does) and
   times the first view of each page after it, and how long the keeper takes to recount that
   village's stored counts; checks that only that village's rows were recounted.
4. Empties the store for one older quarter and times its first 01-DSH (what a quarter whose
   counts the keeper has not kept costs), against the same quarter once kept.
"""

import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from danso.bench.ingest import _free_port, _wait


def _session_cookie(user) -> str:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


class Server:
    def __init__(self, port: int, log_path: Path):
        self.port, self.log_path, self.process = port, log_path, None

    def start(self) -> None:
        log = open(self.log_path, "a")  # noqa: SIM115 - the child keeps it
        self.process = subprocess.Popen(
            [sys.executable, "-m", "danso.cli", "serve", "--port", str(self.port)],
            env={**os.environ, "DANSO_LOG_LEVEL": "ERROR"}, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        _wait(self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)
        # danso serve refuses a port it cannot bind (closed connections linger a while)
        import socket

        for _ in range(120):
            with socket.socket() as probe:
                try:
                    probe.bind(("127.0.0.1", self.port))
                    return
                except OSError:
                    time.sleep(0.5)


def _get(port: int, path: str, cookie: str) -> tuple[float, int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    began = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    elapsed = time.perf_counter() - began
    conn.close()
    return elapsed, response.status, body


PENDING = "Đang tính"


def _wait_ready(port, path, cookie, marker, limit=3600.0) -> float:
    began = time.perf_counter()
    while time.perf_counter() - began < limit:
        _s, status, body = _get(port, path, cookie)
        if status == 200 and marker in body and PENDING not in body:
            return time.perf_counter() - began
        time.sleep(1.0)
    raise RuntimeError(f"{path} was not ready after {limit:.0f} s")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run(province_uid: str, repeat: int = 30, print_=print, port: int = 0) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.utils import timezone

    from danso.orgunits.models import OrgUnit
    from danso.statistics import store
    from danso.statistics.compute import villages_of
    from danso.statistics.dashboard import recent_quarters
    from danso.statistics.forms import DSH_01
    from danso.statistics.models import VillageFigures
    from danso.statistics.report import build

    province = OrgUnit.objects.get(uid=province_uid)
    villages = villages_of(province)
    quarter = recent_quarters(timezone.localdate(), 1)[0]
    user, _created = get_user_model().objects.get_or_create(
        username="bench-pages", defaults={"role": "province"}
    )
    user.org_units.add(province)
    cookie = _session_cookie(user)
    dashboard = f"/bang-dieu-khien/?dv={province.uid}"
    report = f"/bao-cao/?bieu=01-DSH&dv={province.uid}&ky={quarter.id}"
    pages = {"dashboard": (dashboard, "chart-flows"), "01-DSH": (report, 'class="list report')}
    figures: dict = {"villages": villages.count(), "quarter": quarter.id, "repeat": repeat}
    log_path = Path(tempfile.mkdtemp(prefix="danso-bench-")) / "server.log"
    server = Server(port or _free_port(), log_path)
    print_(f"Province {province.name}: {figures['villages']:,} villages; server log "
           f"{server.log_path}")  # fmt: skip
    try:
        # 1. an empty store: the pages answer at once, the keeper counts
        store.forget(villages)
        cache.clear()
        server.start()
        for name, (path, _marker) in pages.items():
            seconds, status, body = _get(server.port, path, cookie)
            waiting = PENDING in body
            figures[f"{name}_empty_store_ms"] = round(seconds * 1000)
            print_(f"{name}, empty store, first view: {seconds * 1000:,.0f} ms, status {status}, "
                   f"{'Đang tính… shown' if waiting else 'figures shown'}")  # fmt: skip
        began = time.perf_counter()
        for path, marker in pages.values():
            _wait_ready(server.port, path, cookie, marker)
        figures["keeper_ready_s"] = round(time.perf_counter() - began, 1)
        print_(f"both pages show figures after {figures['keeper_ready_s']:.1f} s (keeper's "
               "start-up pass, then the page's own view)")  # fmt: skip

        # 2. restart; first view (the cache kept on disk, then emptied) and p95
        server.stop()
        server.start()
        for name, (path, _marker) in pages.items():
            seconds = _get(server.port, path, cookie)[0]
            figures[f"{name}_first_after_restart_cache_kept_ms"] = round(seconds * 1000)
            print_(f"{name} after a restart, cache kept: first view {seconds * 1000:,.0f} ms")
        server.stop()
        cache.clear()
        server.start()
        for name, (path, marker) in pages.items():
            seconds, status, body = _get(server.port, path, cookie)
            shown = marker in body and PENDING not in body
            times = [_get(server.port, path, cookie)[0] for _ in range(repeat)]
            figures[f"{name}_first_after_restart_ms"] = round(seconds * 1000)
            figures[f"{name}_p50_ms"] = round(statistics.median(times) * 1000)
            figures[f"{name}_p95_ms"] = round(_percentile(times, 0.95) * 1000)
            print_(f"{name} after a restart, cache emptied: first view {seconds * 1000:,.0f} ms "
                   f"({'figures' if shown else 'NOT figures'}, status {status}); "
                   f"{repeat} views: p50 {figures[f'{name}_p50_ms']:,} ms, "
                   f"p95 {figures[f'{name}_p95_ms']:,} ms")  # fmt: skip

        # the keeper's start-up pass over (older quarters too), so that it recounts only
        # what changes from now on
        from danso.statistics import precompute

        began = time.perf_counter()
        while time.perf_counter() - began < 1800:
            progress = cache.get(precompute.PROGRESS_KEY) or {}
            if progress and progress.get("done") == progress.get("total"):
                break
            time.sleep(1.0)
        print_(f"keeper's start-up pass over: {progress}")

        # 3. a change in one village: the keeper recounts it alone
        one = villages.order_by("pk").values_list("pk", flat=True)[:1]
        village = one[0]
        before = dict(VillageFigures.objects.filter(village__in=villages)
                      .values_list("pk", "computed_at"))  # fmt: skip
        store.bump([village])
        began = time.perf_counter()
        stale = True
        while stale and time.perf_counter() - began < 600:
            time.sleep(0.2)
            stale = store.villages_to_compute(
                villages.filter(pk=village), [village],
                list(VillageFigures.objects.filter(village=village)
                     .values_list("source", "day").distinct()),
            ) > 0  # fmt: skip
        figures["keeper_recount_one_village_s"] = round(time.perf_counter() - began, 2)
        after = dict(VillageFigures.objects.filter(village__in=villages)
                     .values_list("pk", "computed_at"))  # fmt: skip
        recounted = {pk for pk, at in after.items() if before.get(pk) != at}
        others = VillageFigures.objects.filter(pk__in=recounted).exclude(village=village).count()
        figures["rows_recounted"], figures["rows_of_other_villages_recounted"] = (
            len(recounted), others)  # fmt: skip
        print_(f"a change in one village: recounted by the keeper in "
               f"{figures['keeper_recount_one_village_s']:.2f} s ({len(recounted)} stored rows, "
               f"{others} of other villages)")  # fmt: skip
        for name, (path, _marker) in pages.items():
            seconds = _get(server.port, path, cookie)[0]
            figures[f"{name}_after_change_ms"] = round(seconds * 1000)
            print_(f"{name}, first view after the change: {seconds * 1000:,.0f} ms")
        # the CPU a view costs this process (the server's work without the wait for the
        # machine's other processes: the load figure does not apply to it)
        from django.test import Client

        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        for name, (path, _marker) in pages.items():
            client.get(path)
            cpu = []
            for _ in range(repeat):
                began = time.process_time()
                client.get(path)
                cpu.append(time.process_time() - began)
            figures[f"{name}_cpu_p95_ms"] = round(_percentile(cpu, 0.95) * 1000)
            figures[f"{name}_cpu_p50_ms"] = round(statistics.median(cpu) * 1000)
            print_(f"{name}, CPU of a view in one process: p50 {figures[f'{name}_cpu_p50_ms']} "
                   f"ms, p95 {figures[f'{name}_cpu_p95_ms']} ms")  # fmt: skip
    finally:
        server.stop()

    # 4. a quarter the keeper kept against one counted from scratch
    older = quarter.previous().previous()
    began = time.perf_counter()
    build(DSH_01, province, older)
    kept = time.perf_counter() - began
    ids = list(villages.values_list("pk", flat=True))
    from danso.statistics.compute import requests_for

    days = {d for _s, d, _r in requests_for(older)}
    VillageFigures.objects.filter(village__in=ids, day__in=days).delete()
    began = time.perf_counter()
    build(DSH_01, province, older)
    scratch = time.perf_counter() - began
    figures["first_dsh_kept_s"], figures["first_dsh_from_scratch_s"] = (
        round(kept, 3), round(scratch, 2))  # fmt: skip
    print_(f"01-DSH {older.label} (not asked before): {kept:.3f} s with the counts the keeper "
           f"kept; {scratch:.2f} s counted from scratch")  # fmt: skip
    from django.db import connection

    figures["database"] = connection.vendor
    figures["load_average"] = os.getloadavg()[0]
    return figures
