"""Catalog changes without surprises: `import-mall` prints the diff of the file against the
live catalog first (`--dry-run` only that, with every check the import makes), refuses to
revert what was changed on the admin page since the last import unless `--force`, and
`export-mall` writes the live catalog back as a file that imports to no change."""
import yaml

from chalicelib import cli
from chalicelib.store import catalog as catalog_store
from infra.local.seed import FILE
from tests.api.helpers import admin_token, booked, call

M = "/v1/admin/malls/kota-bogor"


def run(capsys, *argv):
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def edited(tmp_path, change, name="mall.yaml"):
    data = yaml.safe_load(FILE.read_text())
    change(data)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


def _change(data):
    services = data["agencies"][0]["services"]
    services[0]["capacity"] = 6
    services.append({"id": "ktp-anak", "name": {"id": "KIA", "en": "Child ID card"},
                     "slot_minutes": 30, "capacity": 2})
    data["counters"][0]["services"].append("ktp-anak")
    data["agencies"][1]["services"].pop(0)  # PBG
    for counter in data["counters"]:
        counter["services"] = [s for s in counter["services"] if s != "pbg"]
    data["counters"] = [c for c in data["counters"] if c["services"]]
    data["mall"]["hours"]["fri"]["close"] = "14:00"


def test_a_dry_run_prints_the_diff_and_writes_nothing_then_the_import_prints_it_too(
        client, capsys, tmp_path):
    path = edited(tmp_path, _change)
    before = catalog_store.fresh_catalog("kota-bogor")
    code, out, err = run(capsys, "import-mall", str(path), "--dry-run")
    assert code == 0, out + err
    expected = ["~ service ktp-el: capacity: 4 -> 6", "+ service ktp-anak",
                "- service pbg (retired: no new bookings, its bookings kept)",
                '~ mall: hours.fri: {"open": "08:00", "close": "15:00", "breaks": '
                '[["11:30", "13:00"]]} -> {"open": "08:00", "close": "14:00", "breaks": '
                '[["11:30", "13:00"]]}',
                "~ counter loket-1: service_ids: "]
    for line in expected:
        assert line in out, out
    assert "nothing written" in out
    assert catalog_store.fresh_catalog("kota-bogor") == before
    code, out, err = run(capsys, "import-mall", str(path))
    assert code == 0, out + err
    for line in expected:
        assert line in out, out
    after = catalog_store.fresh_catalog("kota-bogor")
    assert after.services["ktp-el"].capacity == 6 and after.services["pbg"].retired
    assert after.mall.weekly_hours[4].close.strftime("%H:%M") == "14:00"
    code, out, err = run(capsys, "import-mall", str(path), "--dry-run")
    assert code == 0 and "no changes" in out, out


def test_a_counter_that_leaves_the_file_is_removed(client, capsys, tmp_path):
    last = yaml.safe_load(FILE.read_text())["counters"][-1]["id"]

    def drop(data):
        data["counters"].pop()
    code, out, err = run(capsys, "import-mall", str(edited(tmp_path, drop)))
    assert code == 0 and f"- counter {last}" in out, out + err
    assert last not in catalog_store.fresh_catalog("kota-bogor").counters


def test_an_admin_page_change_the_file_would_revert_needs_force(client, capsys, tmp_path):
    admin = admin_token(client)
    view = call(client, "GET", M, token=admin)[1]
    ktp = next(s for s in view["services"] if s["service_id"] == "ktp-el")
    fields = {k: ktp[k] for k in ("agency_id", "name", "name_en", "requirements",
                                  "requirements_en", "slot_minutes", "online", "walkin_quota")}
    assert call(client, "PUT", f"{M}/services/ktp-el", {**fields, "capacity": 6},
                token=admin)[0] == 200
    for argv in (["--dry-run"], []):
        code, out, err = run(capsys, "import-mall", str(FILE), *argv)
        assert code == 2, out + err
        assert "~ service ktp-el: capacity: 6 -> 4" in out
        assert "changed on the admin page since the last import" in err
        assert "service ktp-el: capacity: 6 (live) -> 4 (file)" in err
        assert "--force" in err and "Traceback" not in out + err
    assert catalog_store.fresh_catalog("kota-bogor").services["ktp-el"].capacity == 6
    # a file that keeps the admin's value imports without force
    path = edited(tmp_path, lambda d: d["agencies"][0]["services"][0].update(capacity=6))
    assert run(capsys, "import-mall", str(path), "--dry-run")[0] == 0
    code, out, err = run(capsys, "import-mall", str(FILE), "--force")
    assert code == 0, out + err
    assert catalog_store.fresh_catalog("kota-bogor").services["ktp-el"].capacity == 4
    audit = call(client, "GET", f"{M}/audit", token=admin)[1][0]
    assert audit["action"] == "mall.import" and audit["after"]["forced"] == [
        "service ktp-el: capacity"]
    assert "~ service ktp-el: capacity: 6 -> 4" in audit["after"]["diff"]


def test_a_slot_length_the_import_would_refuse_is_reported_by_the_dry_run(
        client, capsys, tmp_path):
    booked(client)  # KTP-el, Tuesday 09:00
    path = edited(tmp_path, lambda d: d["agencies"][0]["services"][0].update(slot_minutes=60))
    for argv in (["--dry-run"], []):
        code, out, err = run(capsys, "import-mall", str(path), *argv)
        assert code == 2, out + err
        assert "service ktp-el: slot_minutes 30 -> 60: Panjang slot tidak bisa diubah" in err
        assert "The slot length cannot change" in err and "Traceback" not in out + err
    assert catalog_store.fresh_catalog("kota-bogor").services["ktp-el"].slot_minutes == 30


def test_the_exported_catalog_imports_back_to_no_change(client, capsys, tmp_path):
    admin = admin_token(client)
    call(client, "PATCH", M, {"capacity_percent": 50, "address": "Jl. Baru 1"}, token=admin)
    assert call(client, "PUT", f"{M}/services/bpjs-daftar", {
        "agency_id": "dpmptsp", "name": "Pendaftaran", "name_en": "Registration",
        "requirements": ["KTP-el"], "requirements_en": ["e-KTP"], "slot_minutes": 15,
        "capacity": 2, "walkin_quota": 5}, token=admin)[0] == 200
    assert call(client, "PUT", f"{M}/counters/loket-9", {"name": "Loket 9",
                                                         "service_ids": ["bpjs-daftar"]},
                token=admin)[0] == 200
    assert call(client, "PUT", f"{M}/counters/loket-3", {
        "name": "Loket 3", "service_ids": ["nib"]},
        token=admin)[0] == 200  # nobody serves pbg now: a warning, here and in the file
    target = tmp_path / "export.yaml"
    code, out, err = run(capsys, "export-mall", "kota-bogor", "-o", str(target))
    assert code == 0, out + err
    code, out, err = run(capsys, "import-mall", str(target), "--dry-run")
    assert code == 0 and "no changes" in out, out + err
    code, out, err = run(capsys, "import-mall", str(target))
    assert code == 0 and "no changes" in out, out + err
    assert "warning: " in err and "no counter serves pbg" in err
    exported = yaml.safe_load(target.read_text())
    assert exported["mall"]["capacity_percent"] == 50
    assert {"id": "loket-9", "name": "Loket 9", "services": ["bpjs-daftar"]} in \
        exported["counters"]
    assert run(capsys, "export-mall", "nowhere")[0] == 2
