"""The command line against the emulator: importing a mall from YAML (round trip, in-place
re-import, precise errors), admins, closures and the statistics export."""
import re
from pathlib import Path

import pytest
import yaml

from chalicelib import cli
from chalicelib.services import mall_import
from chalicelib.store import catalog as catalog_store
from infra.local.seed import FILE
from tests.api.helpers import admin_token, booked, call, login

M = "/v1/admin/malls/kota-bogor"


def run(capsys, *argv):
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def edited(tmp_path, change) -> Path:
    data = yaml.safe_load(FILE.read_text())
    change(data)
    path = tmp_path / "mall.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


def test_the_demo_file_round_trips_through_the_admin_view(client):
    parsed = mall_import.parse(FILE.read_text(), FILE.name)
    view = call(client, "GET", M, token=admin_token(client))[1]
    assert view["name"] == parsed.mall.name and view["timezone"] == "Asia/Jakarta"
    assert view["weekly_hours"]["4"]["breaks"] == [["11:30", "13:00"]]
    assert {(a["agency_id"], a["letter"]) for a in view["agencies"]} == {
        (a.agency_id, a.letter) for a in parsed.agencies}
    by_id = {s["service_id"]: s for s in view["services"]}
    for service in parsed.services:
        shown = by_id[service.service_id]
        assert (shown["name"], shown["name_en"], shown["capacity"], shown["walkin_quota"],
                shown["online"], tuple(shown["requirements_en"])) == (
            service.name, service.name_en, service.capacity, service.walkin_quota,
            service.online, service.requirements_en)
    assert {c["counter_id"]: c["service_ids"] for c in view["counters"]} == {
        c.counter_id: list(c.service_ids) for c in parsed.counters}


def test_a_reimport_updates_in_place_and_never_touches_bookings(client, fixed_clock, capsys,
                                                               tmp_path):
    tokens = [booked(client) for _ in range(3)]  # KTP-el Tuesday 09:00: 3 of 4 seats

    def change(data):
        services = data["agencies"][0]["services"]
        services[0]["capacity"] = 2  # KTP-el: fewer seats than booked
        services.append({"id": "ktp-anak", "name": {"id": "KIA", "en": "Child ID card"},
                         "slot_minutes": 30, "capacity": 2})
        data["counters"][0]["services"].append("ktp-anak")
        data["agencies"][1]["services"].pop(0)  # PBG left out of the file
        data["counters"][2]["services"].remove("pbg")

    code, out = run(capsys, "import-mall", str(edited(tmp_path, change)))
    assert code == 0, out
    assert "created: service ktp-anak" in out and "changed: service ktp-el" in out
    assert "retired (no new bookings; its bookings kept): service pbg" in out
    assert "over capacity (nobody cancelled; no new bookings): ktp-el 2026-12-08 09:00: " \
           "3 booked, 2 seats" in out
    for token, booking in tokens:
        assert call(client, "GET", f"/v1/bookings/{booking['booking_id']}",
                    token=token)[1]["status"] == "booked"
    catalog = catalog_store.fresh_catalog("kota-bogor")
    assert catalog.services["ktp-el"].capacity == 2 and "pbg" in catalog.services
    code, out = run(capsys, "import-mall", str(edited(tmp_path, change)))
    lines = out.splitlines()  # the same file again: nothing to write
    assert not any(line.startswith(("created:", "changed:")) for line in lines), out
    audit = call(client, "GET", f"{M}/audit", token=admin_token(client))[1]
    assert audit[0]["action"] == "mall.import" and audit[0]["actor"].startswith("cli:")
    # in words, not the table's keys: what was saved, by kind, id and name
    saved = audit[0]["after"]["saved"]
    assert "service ktp-anak: KIA" in saved and any(w.startswith("service ktp-el: ") for w in saved)
    assert not any("#" in w or w == "PROFILE" for w in saved), saved
    assert audit[0]["at"].startswith(fixed_clock.now().date().isoformat())  # the app's clock


@pytest.mark.parametrize("change, expected", [
    (lambda d: d["mall"].update(timezone="Asia/Tokyo"),
     r":\d+: mall\.timezone: harus salah satu dari .* / must be one of"),
    (lambda d: d["agencies"][0]["services"][0].update(capacity="four"),
     r":\d+: agencies\.0\.services\.0\.capacity: harus bilangan bulat, bukan 'four' / "
     r"must be a whole number"),
    (lambda d: d["agencies"][1].update(letter="A"),
     r":\d+: agencies\.1\.letter: huruf A sudah dipakai .* / letter A is also"),
    (lambda d: d["counters"][0]["services"].append("nope"),
     r":\d+: counters\.0\.services: tidak ada layanan: nope / no such service: nope"),
    (lambda d: d["mall"].update(colour="blue"), r':\d+: mall\.colour: kunci "colour" tidak '
     r'dikenal; yang boleh: id, name, .* / unknown key "colour"'),
    (lambda d: d["mall"]["hours"].update(fri={"open": "15:00", "close": "08:00"}),
     r':\d+: mall\.hours\.fri: jam ditulis "HH:MM" .* / hours must be "HH:MM"'),
])
def test_invalid_files_name_the_line_the_key_and_the_problem(capsys, tmp_path, change, expected,
                                                              fresh_table):
    path = edited(tmp_path, change)
    code, out = run(capsys, "import-mall", str(path))
    assert code == 2 and re.search(re.escape(str(path)) + expected, out), out


def test_a_yaml_syntax_error_names_its_line(capsys, tmp_path, fresh_table):
    path = tmp_path / "broken.yaml"
    path.write_text("mall:\n  id: x\n  name: [unclosed\n")
    code, out = run(capsys, "import-mall", str(path))
    assert code == 2 and f"{path}:4: bukan YAML yang sah" in out and "/ not valid YAML" in out


def test_admins_closures_and_statistics_from_the_command_line(client, capsys, tmp_path):
    code, out = run(capsys, "create-super-admin", "kota@antre.local", "Admin Kota",
                    "--password", "hujan-jeruk-lampu-1")
    assert code == 0 and login(client, "kota@antre.local", "hujan-jeruk-lampu-1")
    code, out = run(capsys, "create-admin", "kota-bogor", "kedua@bogor.id", "Admin Kedua")
    password = re.search(r"in person\): (\S+)", out).group(1)
    assert login(client, "kedua@bogor.id", password)
    booked(client)
    code, out = run(capsys, "close", "kota-bogor", "2026-12-08", "2026-12-08", "Listrik padam",
                    "--yes")
    assert code == 0, out
    closure_id = re.search(r"Closure (\S+) started", out).group(1)
    assert "done; affected 1, moved 1, cancelled 0, failed 0" in out
    code, out = run(capsys, "closure", "status", closure_id)
    assert "done; affected 1, moved 1" in out
    assert closure_id in run(capsys, "closures", "kota-bogor")[1]
    target = tmp_path / "stats.csv"
    code, out = run(capsys, "export-stats", "kota-bogor", "2026-12-01", "2026-12-31",
                    "-o", str(target))
    lines = target.read_text(encoding="utf-8").splitlines()
    assert code == 0 and lines[0].startswith("\ufeffTanggal,ID instansi") and len(lines) == 3
    code, out = run(capsys, "export-stats", "kota-bogor", "2026-12-01", "2026-12-31",
                    "-o", str(target), "--lang", "en", "--semicolon")
    assert target.read_text(encoding="utf-8-sig").startswith("Date;Agency ID;")
    assert run(capsys, "export-stats", "nowhere", "2026-12-01", "2026-12-31")[0] == 1


def test_a_breach_report_lists_the_accounts_a_time_range_touched(client, fixed_clock, capsys,
                                                                 tmp_path):
    """UU PDP: a breach notice within 3 x 24 hours names whose data which records hold."""
    from datetime import timedelta

    from tests.api.helpers import register

    early, _ = register(client)
    fixed_clock.advance(timedelta(days=2))
    token = login(client, register(client)[0])
    _, booking = booked(client, token=token, date="2026-12-10")
    start = (fixed_clock.now() - timedelta(hours=1)).isoformat()
    end = (fixed_clock.now() + timedelta(hours=1)).isoformat()
    out_file = tmp_path / "breach.csv"
    code, out = run(capsys, "breach-report", start, end, "-o", str(out_file))
    assert code == 0 and "1 accounts" in out, out
    lines = out_file.read_text().splitlines()
    assert lines[0].startswith("account_id,email,name,phone,nik_last4,records")
    assert len(lines) == 2 and f"booking {booking['booking_id']}" in lines[1]
    assert ",'+6281234567890," in lines[1]  # a leading + is written as text, not a formula
    assert early not in out_file.read_text()
    code, out = run(capsys, "breach-report", end, start)
    assert code == 1 and "before" in out
    code, out = run(capsys, "breach-report", "yesterday", end)
    assert code == 1 and "ISO" in out


def test_a_deployed_stage_audits_the_aws_identity_not_the_shell_user(client, monkeypatch):
    """`cli:$USER` names whoever the shell says; on a deployed stage the audit names the AWS
    identity (STS) that made the change (issue 15)."""
    monkeypatch.setenv("USER", "siapa-saja")
    assert cli._actor("local") == cli.ACTOR
    actor = cli._actor("prod")
    assert actor.startswith("cli:arn:aws:") and "siapa-saja" not in actor, actor


def test_close_previews_and_asks_then_reopen_from_the_command_line(client, capsys, monkeypatch):
    """`close` acted at once and mailed everyone; `closures` listed no dates or reason."""
    import io

    from chalicelib.services import closures

    booked(client)  # Tuesday 8 December, 09:00
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    code, out = run(capsys, "close", "kota-bogor", "2026-12-08", "2026-12-08", "Listrik padam")
    assert code == 1 and "Nothing was closed." in out
    assert "bookings inside: 1" in out and "moved: 1" in out and "to 2026-12-09: 1" in out
    assert "without email, to be phoned: 0" in out
    assert "no closures" in run(capsys, "closures", "kota-bogor")[1]
    code, out = run(capsys, "close", "kota-bogor", "2026-12-08", "2026-12-08", "Listrik padam")
    assert code == 1 and "Nothing was closed." in out  # no terminal to ask: nothing done
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    code, out = run(capsys, "close", "kota-bogor", "2026-12-08", "2026-12-08", "Listrik padam")
    assert code == 0 and "done; affected 1, moved 1" in out, out
    closure_id = re.search(r"Closure (\S+) started", out).group(1)
    code, out = run(capsys, "close", "kota-bogor", "2026-12-08", "2026-12-09", "Lagi", "--yes")
    assert code == 1 and "already closed" in out and "Listrik padam" in out
    code, out = run(capsys, "close", "kota-bogor", "2026-12-24", "2026-12-25", "Akhir tahun",
                    "--yes")
    assert code == 0 and "stays the national holiday Hari Raya Natal" in out
    code, out = run(capsys, "closures", "kota-bogor")
    assert '2026-12-08  whole mall  "Listrik padam"  done; affected 1, moved 1' in out, out
    assert '2026-12-24 to 2026-12-25  whole mall  "Akhir tahun"  done' in out
    assert "2026-12-25: still the national holiday Hari Raya Natal" in out
    code, out = run(capsys, "reopen", closure_id)
    assert code == 0 and "Open again from 2026-12-08" in out
    assert "reopened" in run(capsys, "closures", "kota-bogor")[1]
    assert {d.isoformat() for d in catalog_store.fresh_catalog("kota-bogor").mall.closures} \
        == {"2026-12-24", "2026-12-25"}
    code, out = run(capsys, "reopen", closure_id)
    assert code == 1 and "error:" in out
    assert closures.store.get(closure_id).reopened_from == "2026-12-08"
