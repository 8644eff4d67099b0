"""`danso bench datavalues`: a generated DHIS2 dataValueSets file through the importer.

The file holds XA_HOAT_DONG's values (every element and disaggregation, quarter after quarter)
for the communes of the loaded units, written to disk line by line; it is then imported the
way `danso import datavalues` does (streamed from the file, chunk by chunk in one transaction;
every value placed and checked, all or nothing, each change audited). Prints values/s,
this process's CPU time and its peak memory (RSS).
"""

import csv
import os
import resource
import tempfile
import time
from pathlib import Path


def write_file(path: Path, values: int, user) -> int:
    from danso.exchange.value_checks import writable_problem
    from danso.orgunits.models import Level, OrgUnit
    from danso.programmes.models import CategoryOptionCombo, DataSet

    data_set = DataSet.objects.get(code="XA_HOAT_DONG")
    elements = [link.data_element for link in data_set.element_links.select_related(
        "data_element__category_combo")]  # fmt: skip
    cells = []
    for element in elements:
        if writable_problem(element, [data_set], user) is not None:
            continue  # counted from activities: never imported
        combos = CategoryOptionCombo.objects.filter(combo=element.category_combo)
        cells += [(element.code, coc.code) for coc in combos.order_by("code")]
    communes = list(OrgUnit.objects.filter(level=Level.COMMUNE, valid_to__isnull=True,
                                           unit_type__in=data_set.unit_types)
                    .order_by("path").values_list("uid", flat=True))  # fmt: skip
    quarters = [f"{year}Q{q}" for year in range(2025, 2000, -1) for q in (4, 3, 2, 1)]
    written = 0
    with open(path, "w", newline="", encoding="utf-8") as out:
        rows = csv.writer(out)
        rows.writerow(["dataelement", "period", "orgunit", "catoptcombo", "attroptcombo",
                       "value", "storedby", "lastupdated", "comment", "followup"])  # fmt: skip
        for period in quarters:
            for unit in communes:
                for element, coc in cells:
                    rows.writerow([element, period, unit, coc, "", written % 97, "", "", "", ""])
                    written += 1
                    if written == values:
                        return written
    return written


def run(values: int, print_=print) -> dict:
    from danso.accounts.models import Role, User
    from danso.exchange.dhis2_import import import_data_values
    from danso.orgunits.models import OrgUnit

    officer = User.objects.create_user("bench", role=Role.CENTRAL)
    officer.org_units.add(OrgUnit.objects.get(uid="VN"))
    path = Path(tempfile.mkdtemp(prefix="danso-bench-")) / "datavalues.csv"
    written = write_file(path, values, officer)
    size = path.stat().st_size
    before_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    began, cpu = time.perf_counter(), time.process_time()
    summary = import_data_values(path, "csv", officer)  # streamed from the file
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    assert summary.status == "SUCCESS", [c.as_dict() for c in summary.conflicts[:3]]
    load = os.getloadavg()[0]
    print_(
        f"dataValueSets CSV import: {written:,} values ({size / 1e6:.0f} MB) in {seconds:.1f} s "
        f"= {written / seconds:,.0f} values/s ({summary.imported:,} imported, each audited); "
        f"CPU {cpu:.1f} s = {written / cpu:,.0f} values per CPU second; peak RSS {peak:,} MB "
        f"(before the import {before_rss:,} MB); load average {load:.1f}"
    )
    return {"values": written, "seconds": round(seconds, 1),
            "values_per_s": round(written / seconds), "cpu_seconds": round(cpu, 1),
            "peak_rss_mb": peak, "load_average": load}  # fmt: skip
