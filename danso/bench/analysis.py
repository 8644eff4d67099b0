"""`danso bench analysis`: the ad hoc table "CPR and third+ share by commune of the
ethnic-minority areas, last 8 quarters" (and every commune, and six register figures) on the
database as it is (the demo's, or any), timed the first time (the unit's stored counts per
village emptied first), then best of 3, then after a change in one village."""

import time

from danso.accounts.models import User
from danso.orgunits.models import Level, OrgUnit, OrgUnitGroup
from danso.statistics import store

QUERIES = {
    "cpr_third_by_ethnic_commune_8q": ["dx:cpr;third_share", "pe:LAST_8_QUARTERS",
                                       "ou:{unit};LEVEL-3;OU_GROUP-DTTS"],
    "six_register_figures_all_communes_8q": [
        "dx:cpr;third_share;births;residents;cbr;srb", "pe:LAST_8_QUARTERS", "ou:{unit};LEVEL-3",
    ],
    "mixed_kinds_all_communes_8q": [
        "dx:cpr;ACT_COMM_REACHED;ACTIVITIES.ALL;PROGRESS.cpr;KCN_ETHNIC_MINORITY_SHARE",
        "pe:LAST_8_QUARTERS", "ou:{unit};LEVEL-3",
    ],
}  # fmt: skip


def _timed(user, dimensions):
    from danso.analysis.query import run

    start = time.perf_counter()
    result = run(user, dimensions, [], {})
    return time.perf_counter() - start, len(result.cells)


def run(unit_uid: str = "P66", print_=print) -> dict:
    unit = OrgUnit.objects.get(uid=unit_uid)
    # Whoever sees the whole country: a superuser, or a user of the national unit.
    user = User.objects.filter(is_superuser=True).first()
    user = user or User.objects.filter(org_units__uid="VN", is_active=True).first()
    if user is None:
        raise SystemExit("No user sees the whole country (run `danso demo` first).")
    villages = OrgUnit.objects.filter(level=Level.VILLAGE, path__startswith=unit.path)
    out = {"unit": unit.uid, "villages": villages.count()}
    for name, template in QUERIES.items():
        if "OU_GROUP-DTTS" in template[-1] and not OrgUnitGroup.objects.filter(code="DTTS"):
            continue  # the demo's group; absent elsewhere
        dimensions = [d.format(unit=unit.uid) for d in template]
        store.forget(villages)
        first, cells = _timed(user, dimensions)
        warm = min(_timed(user, dimensions)[0] for _ in range(3))
        store.bump([villages.first().pk])  # as a change in one village does
        changed = _timed(user, dimensions)[0]
        out[name] = {"cells": cells, "first_s": round(first, 3), "again_s": round(warm, 3),
                     "after_a_change_s": round(changed, 3)}  # fmt: skip
        print_(f"{name}: {cells} cells, first {first:.3f} s, again {warm:.3f} s, after a "
               f"change in one village {changed:.3f} s")  # fmt: skip
    return out
