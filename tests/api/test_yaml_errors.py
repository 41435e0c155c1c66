"""A mall file's mistakes, all at once, in plain words: each names the file, the line and the
key and says what is expected (Bahasa Indonesia first, then English); the command line never
prints a traceback (a wrong encoding, a taken email, an unknown mall are messages, exit 2)."""
import re

import pytest

from chalicelib import cli
from chalicelib.services import mall_import
from infra.local.seed import FILE


def run(capsys, *argv):
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def lines_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def broken(text: str) -> str:
    """The demo file with three mistakes and a repeated key, each on a line of its own."""
    text = text.replace('    thu: {open: "08:00", close: "15:00"}\n',
                        '    thu: {open: "08:00", close: "15:00"}\n'
                        '    thu: {open: "09:00", close: "15:00"}\n', 1)
    text = text.replace('    mon: {open: "08:00", close: "15:00"}',
                        '    mon: {open: "08:00", close: 15:30}', 1)
    text = text.replace("  min_lead_minutes: 60", "  min_lead_minuts: 60", 1)
    text = text.replace("    letter: C", "    letter: c", 1)
    return text


def test_every_mistake_is_reported_at_once_with_its_line_and_key(capsys, tmp_path,
                                                                fresh_table):
    text = broken(FILE.read_text(encoding="utf-8"))
    assert "letter: c" in text
    path = tmp_path / "mall.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "import-mall", str(path), "--dry-run")
    assert code == 2 and "Traceback" not in out + err
    problems = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(problems) == 4, err
    second_thu = lines_of(text, 'thu: {open: "09:00"')
    assert f"{path}:{second_thu}: thu: " in err
    assert f'kunci "thu" muncul dua kali (pertama di baris {second_thu - 1})' in err
    assert 'the key "thu" appears twice' in err
    mon = lines_of(text, "close: 15:30")
    assert (f'{path}:{mon}: mall.hours.mon.close: jam tanpa tanda kutip dibaca YAML sebagai '
            f'angka 930 (menit); tulis "15:30" dengan tanda kutip / an unquoted time is read '
            f'by YAML as the number 930 (of minutes); write "15:30" in quotes') in err
    lead = lines_of(text, "min_lead_minuts")
    assert (f'{path}:{lead}: mall.min_lead_minuts: kunci "min_lead_minuts" tidak dikenal; '
            f'maksudnya "min_lead_minutes"? / unknown key "min_lead_minuts"; did you mean '
            f'"min_lead_minutes"?') in err
    letter = lines_of(text, "letter: c")
    assert re.search(rf'{re.escape(str(path))}:{letter}: agencies\.\d\.letter: huruf antrean '
                     r'harus satu huruf besar A-Z, mis\. "C" / the queue letter must be one '
                     r'capital letter A-Z, e\.g\. "C"', err), err
    # Indonesian first, then English, in every message
    assert all(" / " in p for p in problems)


def test_a_repeated_key_alone_is_refused(tmp_path):
    text = FILE.read_text(encoding="utf-8").replace(
        "  capacity_percent: 100", "  capacity_percent: 100\n  capacity_percent: 50", 1)
    with pytest.raises(mall_import.ImportProblem) as refused:
        mall_import.parse(text, "mall.yaml")
    assert refused.value.problems == [
        f"mall.yaml:{lines_of(text, 'capacity_percent: 50')}: capacity_percent: "
        f'kunci "capacity_percent" muncul dua kali (pertama di baris '
        f"{lines_of(text, 'capacity_percent: 100')}); hapus salah satu / the key "
        f'"capacity_percent" appears twice (first on line '
        f"{lines_of(text, 'capacity_percent: 100')}); remove one"]


def test_a_windows_1252_file_is_a_message(capsys, tmp_path, fresh_table):
    text = FILE.read_text(encoding="utf-8").replace("name: MPP Kota Bogor",
                                                    "name: MPP Kota Bogor – café", 1)
    path = tmp_path / "ansi.yaml"
    path.write_bytes(text.encode("cp1252"))
    code, out, err = run(capsys, "import-mall", str(path))
    assert code == 2 and "Traceback" not in out + err
    assert f"{path}:{lines_of(text, 'café')}: file ini bukan UTF-8" in err
    assert "save it again as UTF-8" in err
    code, out, err = run(capsys, "import-mall", str(tmp_path / "missing.yaml"))
    assert code == 2 and "No such file" in err


def test_create_admin_refusals_are_messages(client, capsys):
    code, out, err = run(capsys, "create-admin", "nowhere", "a@b.id", "Admin")
    assert code == 2 and err.strip() == "error: MPP tidak ditemukan. / No such mall."
    code, out, err = run(capsys, "create-admin", "kota-bogor", "admin@antre.local", "Admin")
    assert code == 2 and "Email ini sudah punya akun." in err and "Traceback" not in err
