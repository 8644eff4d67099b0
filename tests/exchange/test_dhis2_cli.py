"""`danso export datavalues` and `danso import datavalues`, run in this process (the test's
database) through typer's runner."""

import json

import pytest
from typer.testing import CliRunner

from danso.cli import app
from danso.programmes.models import DataValue

from .factories import snapshot

pytestmark = pytest.mark.django_db


def danso(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_export_then_import_round_trips(stored, tmp_path):
    a = stored["a"]
    before = snapshot()
    out = tmp_path / "kcn.csv"
    exported = danso("export", "datavalues", "--data-set", "KCN_QUY", "--data-set",
                     "XA_HOAT_DONG", "--data-set", "HLHPN_NAM", "--period", "2025Q3",
                     "--period", "2025", "--unit", a["commune"].uid, "--format", "csv",
                     "--output", out)  # fmt: skip
    assert exported.exit_code == 0, exported.output
    assert "9 values" in exported.output
    DataValue.objects.all().delete()

    dry = danso("import", "datavalues", out, "--user", a["user"].username, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert not DataValue.objects.exists()

    done = danso("import", "datavalues", out, "--user", a["user"].username)
    assert done.exit_code == 0, done.output
    assert "Imported 9" in done.output
    assert snapshot() == before


def test_import_lists_conflicts_and_fails(world, tmp_path):
    a = world["a"]
    data = tmp_path / "sai.json"
    value = {"dataElement": "NO_SUCH", "period": "2025Q3", "orgUnit": a["commune"].uid,
             "value": "1"}  # fmt: skip
    data.write_text(json.dumps({"dataValues": [value]}))
    result = danso("import", "datavalues", data, "--user", a["user"].username)
    assert result.exit_code == 1
    assert "Không có chỉ tiêu dữ liệu NO_SUCH." in result.output

    valid = danso("import", "datavalues", data, "--user", a["user"].username, "--import-valid",
                  "--format", "json")  # fmt: skip
    assert valid.exit_code == 0


def test_register_kinds_still_need_a_unit(world, tmp_path):
    data = tmp_path / "x.csv"
    data.write_text("village\n")
    result = danso("import", "persons", data, "--user", world["a"]["user"].username)
    assert result.exit_code == 2
    assert "--unit" in result.output
