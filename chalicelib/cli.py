"""The command line of city IT: the same operations as the admin page, against any stage.

    python -m chalicelib.cli [--stage local|dev|prod] COMMAND ...   (or: make cli ARGS="...")

It reads the stage's own settings from `.chalice/config.json` (table, secrets in SSM), so
one command seeds the local emulator (started by `make run`) or a deployed table with the
AWS credentials of the shell. Commands:

    create-super-admin EMAIL NAME        the city's admin of every mall (password prompted)
    create-admin MALL EMAIL NAME         a mall admin (a temporary password is printed)
    import-mall FILE.yaml [--dry-run] [--force]   create or update a mall's whole catalog
                                         (prints the diff first; refuses to revert
                                         admin-page changes without --force)
    export-mall MALL [-o FILE]           the live catalog as YAML
    export-stats MALL FROM TO [-o FILE] [--lang en] [--semicolon]   statistics per agency,
                                         service and day as CSV (headers in Bahasa Indonesia)
    close MALL FROM TO REASON [--service ID] [--yes]   preview, confirm, close days and move
                                         their bookings (--yes: no question, for scripts)
    closure status CLOSURE_ID [--follow] a closure's progress and report
    closure resume CLOSURE_ID            run a closure's job here until it is done
    closures MALL                        a mall's closures: dates, scope, reason, status, counts
    reopen CLOSURE_ID [--from DATE]      open a closure's days again (from DATE: end it early)
    ensure-nik-key                       create the NIK key only where no citizen is (deploy)
    rotate-nik-key                       add a NIK key; citizens are rehashed as they come
    backup-keys -o FILE                  the stage's keys, encrypted under a passphrase
    restore-keys FILE                    put a backup's keys back (only the table's own)
"""
from __future__ import annotations

import argparse
import csv
import io
import getpass
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCAL = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
         "AWS_DEFAULT_REGION": "ap-southeast-3"}
ACTOR = "cli:" + (os.environ.get("USER") or "city-it")


def local_settings(env) -> dict:
    """The local stage as `make run` has it: the emulator on EMULATOR_PORT, links to PORT."""
    return {**LOCAL,
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{env.get('EMULATOR_PORT') or '5000'}",
            "ANTRE_PUBLIC_BASE_URL": f"http://127.0.0.1:{env.get('PORT') or '8000'}"}


def _actor(stage: str) -> str:
    """Who the audit names for a change from here: on a deployed stage the AWS identity that
    made it (STS), not only the shell's user name, which anyone can set."""
    if stage == "local":
        return ACTOR
    try:
        import boto3

        arn = boto3.client("sts").get_caller_identity()["Arn"]
    except Exception:  # no identity to ask for: the change would fail anyway
        return ACTOR
    return f"cli:{arn}"


def use_stage(stage: str) -> None:
    """Set the stage's environment from .chalice/config.json before chalicelib reads it."""
    path = ROOT / ".chalice" / "config.json"
    settings = json.loads(path.read_text()) if path.exists() else {}
    if stage not in settings.get("stages", {}):
        raise SystemExit(f"no stage {stage!r} in {path}")
    env = {**settings.get("environment_variables", {}),
           **settings["stages"][stage].get("environment_variables", {})}
    if stage == "local":
        env = {**local_settings(os.environ), **env}
    for name, value in env.items():
        os.environ.setdefault(name, value)
    os.environ["ANTRE_JOBS"] = "none"  # a closure's job runs here, with its progress shown
    global ACTOR
    ACTOR = _actor(stage)


class Progress:
    """A bar on a terminal; a plain line each tenth of the way when not a terminal."""

    def __init__(self, total: int, label: str, out=sys.stderr):
        self.total, self.label, self.out = max(total, 1), label, out
        self.tty = out.isatty()
        self.shown = -1

    def __call__(self, done: int) -> None:
        if self.tty:
            filled = int(30 * done / self.total)
            self.out.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] "
                           f"{done}/{self.total}")
            if done >= self.total:
                self.out.write("\n")
            self.out.flush()
        else:
            tenth = 10 * done // self.total
            if tenth != self.shown:
                self.shown = tenth
                print(f"{self.label}: {done}/{self.total}", file=self.out, flush=True)


def _now():
    from chalicelib import clock

    return clock.now()


def cmd_create_super_admin(args) -> int:
    from chalicelib.services import admin

    password = args.password or getpass.getpass("Password for the super admin: ")
    if len(password) < 8:
        print("The password needs at least 8 characters.", file=sys.stderr)
        return 2
    account_id = admin.create_super_admin(args.email, args.name, password, _now())
    print(f"Super admin {args.email} created ({account_id}).")
    return 0


def cmd_create_admin(args) -> int:
    from chalicelib.services import admin
    from chalicelib.services.auth import Principal

    made = admin.create_staff(Principal(ACTOR, "super"), args.mall, args.email, args.name,
                              "admin", _now())
    print(f"Admin {made['email']} of {args.mall} created.")
    print(f"Temporary password (hand it over in person): {made['temporary_password']}")
    return 0


def _print_plan(result) -> None:
    lines = result.lines()
    print(f"Perubahan / changes ({len(lines)}):" if lines else
          "Tidak ada perubahan / no changes: the file matches the live catalog.")
    for line in lines:
        print(f"  {line}")


def cmd_import_mall(args) -> int:
    from chalicelib.services import mall_import

    path = Path(args.file)
    try:
        parsed = mall_import.read(path)
    except mall_import.ImportProblem as e:
        for problem in e.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"{len(e.problems)} kesalahan / mistakes; nothing was written.", file=sys.stderr)
        return 2
    print(f"{path}: mall {parsed.mall.mall_id} with {len(parsed.agencies)} agencies, "
          f"{len(parsed.services)} services and {len(parsed.counters)} counters is valid.")
    for warning in parsed.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    result = mall_import.plan(parsed, _now())
    _print_plan(result)
    for problem in result.problems:
        print(f"error: {problem}", file=sys.stderr)
    if result.drift:
        print("Diubah di halaman admin sejak impor terakhir; file ini akan mengembalikannya / "
              "changed on the admin page since the last import; this file would revert it:",
              file=sys.stderr)
        for key, name, live, wanted in result.drift:
            print(f"  {key}: {name}: {mall_import._shown(live)} (live) -> "
                  f"{mall_import._shown(wanted)} (file)", file=sys.stderr)
    if result.problems:
        print("Tidak diimpor / not imported: nothing was written.", file=sys.stderr)
        return 2
    if result.drift and not args.force:
        print("Tidak diimpor / not imported: update the file (export-mall writes the live "
              "catalog), or pass --force to overwrite the admin-page changes.", file=sys.stderr)
        return 2
    if args.dry_run:
        print("Uji coba / dry run: nothing written; the import would succeed.")
        return 0
    report = mall_import.import_mall(parsed, ACTOR, _now(), force=args.force, checked=result)
    for label, items in (("created", report.created), ("changed", report.changed),
                         ("retired (no new bookings; its bookings kept)", report.retired),
                         ("removed", report.removed),
                         ("kept (not in the file; its retired services need it)",
                          report.kept)):
        if items:
            print(f"{label}: {', '.join(items)}")
    print(f"unchanged: {report.unchanged}")
    for c in report.conflicts:
        print(f"over capacity (nobody cancelled; no new bookings): {c['service_id']} "
              f"{c['date']} {c['start']}: {c['booked']} booked, {c['seats']} seats")
    return 0


def cmd_export_mall(args) -> int:
    from chalicelib.services import mall_import
    from chalicelib.store import catalog

    mall = catalog.fresh_catalog(args.mall)
    if mall is None:
        print(f"error: tidak ada MPP {args.mall} / no mall {args.mall}", file=sys.stderr)
        return 2
    text = mall_import.export(mall)
    return _write(text, args.output, f"mall {args.mall} written")


def _write(text: str | bytes, output: str | None, said: str) -> int:
    """An export to its file (as written: a CSV keeps its CRLF) and a line saying so, or to
    the terminal (a workbook only into a file: it is binary)."""
    if output and isinstance(text, bytes):
        Path(output).write_bytes(text)
        print(f"{output}: {said}")
    elif output:
        Path(output).write_text(text, encoding="utf-8", newline="")
        print(f"{output}: {said}")
    elif isinstance(text, bytes):
        print("error: an .xlsx workbook is written into a file: add -o FILE.xlsx",
              file=sys.stderr)
        return 1
    else:
        sys.stdout.write(text)
    return 0


def cmd_export_stats(args) -> int:
    from chalicelib.errors import AntreError
    from chalicelib.services import statistics
    from chalicelib.store import catalog

    mall = catalog.fresh_catalog(args.mall)
    if mall is None:
        print(f"error: no mall {args.mall}", file=sys.stderr)
        return 1
    try:
        found = statistics.rows_of(mall, args.first, args.last)
    except AntreError as e:
        print(f"error: {e.text('en')}", file=sys.stderr)
        return 1
    if args.xlsx or (args.output or "").lower().endswith(".xlsx"):
        return _write(statistics.as_xlsx(found, args.lang), args.output, f"{len(found)} rows")
    text = statistics.as_csv(found, args.lang, ";" if args.semicolon else ",")
    return _write(text, args.output, f"{len(found)} rows")


def cmd_breach_report(args) -> int:
    """The accounts a time range touched, for a breach notice within 3 x 24 hours (UU PDP
    art. 46): who, which of their records, and what data those hold."""
    from datetime import datetime, timezone

    from chalicelib.services import statistics
    from chalicelib.store import accounts, offline

    try:
        first, last = (datetime.fromisoformat(v) for v in (args.first, args.last))
    except ValueError:
        print("error: FROM and TO are ISO instants, e.g. 2026-12-01T00:00+07:00", file=sys.stderr)
        return 1
    first, last = (v if v.tzinfo else v.replace(tzinfo=timezone.utc) for v in (first, last))
    if last < first:
        print("error: TO is before FROM", file=sys.stderr)
        return 1
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["account_id", "email", "name", "phone", "nik_last4", "records",
                     "data_held"])
    found = offline.touched(first, last)
    for account_id in sorted(found):
        account = accounts.get(account_id)
        writer.writerow([statistics.as_text(str(v)) for v in [
            account_id, account.email if account else "", account.name if account else "",
            account.phone if account else "", (account.nik_last4 or "") if account else "",
            "; ".join(sorted(found[account_id])),
            "email, name, phone, NIK (keyed hash and last 4), bookings" if account
            else "staff-made bookings: name, phone, NIK's last 4"]])
    text = out.getvalue()
    return _write(text, args.output, f"{len(found)} accounts")


def _preview_text(seen: dict) -> str:
    """The preview of a closure as a few plain lines (English, as the command line speaks)."""
    scope = f"service {seen['service_id']}" if seen["service_id"] else "the whole mall"
    lines = [f"Closing {scope} from {seen['from']} to {seen['to']} ({seen['days']} days): "
             f"{seen['reason']}",
             f"  bookings inside: {seen['affected']}",
             f"  moved: {seen['moved']}" + ("".join(
                 f"\n    to {d['date']}: {d['bookings']}" for d in seen["moved_to"])),
             f"  cancelled (no free slot within the horizon): {seen['cancelled']}",
             f"  without email, to be phoned: {seen['not_emailed']}"]
    lines += [f"  {h['date']} stays the national holiday {h['name']} ({h['name_en']})"
              for h in seen["holidays"]]
    return "\n".join(lines)


def _confirmed(question: str) -> bool:
    try:
        answer = input(f"{question} [y/N] ")
    except (EOFError, OSError):  # no terminal to ask (a script): not confirmed
        return False
    return answer.strip().lower() in ("y", "yes", "ya")


def cmd_close(args) -> int:
    from chalicelib.errors import AntreError
    from chalicelib.services import closures
    from chalicelib.services.auth import Principal

    try:
        seen = closures.preview(Principal(ACTOR, "super"), args.mall, args.first, args.last,
                                args.reason, args.service, _now())
    except AntreError as e:
        print(f"error: {e.text('en')}", file=sys.stderr)
        return 1
    print(_preview_text(seen))
    if not args.yes and not _confirmed("Close these days and email the citizens?"):
        print("Nothing was closed.")
        return 1
    try:
        started = closures.start(Principal(ACTOR, "super"), args.mall, args.first, args.last,
                                 args.reason, args.service, _now())
    except AntreError as e:
        print(f"error: {e.text('en')}", file=sys.stderr)
        return 1
    print(f"Closure {started['closure_id']} started: {started['from']} to {started['to']}.")
    args.closure_id = started["closure_id"]
    return cmd_resume(args)


def _report(view: dict) -> None:
    print(f"{view['closure_id']}: {view['status']}; affected {view['affected']}, moved "
          f"{view['moved']}, cancelled {view['cancelled']}, failed {view['failed']}")
    if view.get("reopened_from"):
        print(f"  open again from {view['reopened_from']} ({view['state'].replace('_', ' ')})")
    for booking_id in view["failed_bookings"]:
        print(f"  not placed: booking {booking_id}")


def cmd_status(args) -> int:
    from chalicelib.services import closures

    job = closures.store.get(args.closure_id)
    if job is None:
        print(f"error: no closure {args.closure_id}", file=sys.stderr)
        return 1
    view = closures.view(job)
    if args.follow:
        progress = Progress(view["affected"] or 1, "moved or cancelled")
        while view["status"] == "running":
            progress(view["moved"] + view["cancelled"] + view["failed"])
            time.sleep(2)
            view = closures.view(closures.store.get(args.closure_id))
        progress(progress.total)
    _report(view)
    return 0


def cmd_resume(args) -> int:
    """Run the job here (a stalled one resumes where it stopped), showing its progress."""
    import threading

    from chalicelib.services import closures

    outcome = {}
    job = closures.store.get(args.closure_id)
    if job is not None and job.status == "failed" and closures.store.revive(job):
        print(f"The closure had stopped after failed runs ({job.last_error}); running it again.")

    def run():
        try:
            while (result := closures.work(args.closure_id, budget_seconds=300)) == "more":
                pass
            outcome["result"] = result
        except Exception as e:  # reported below; the job can be resumed again
            outcome["error"] = e

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    view = closures.view(closures.store.get(args.closure_id))
    progress = Progress(view["affected"] or 1, "moved or cancelled")
    while worker.is_alive():
        worker.join(1)
        view = closures.view(closures.store.get(args.closure_id))
        if view["affected"]:
            progress.total = view["affected"]
        progress(view["moved"] + view["cancelled"] + view["failed"])
    if "error" in outcome:
        print(f"error: the run stopped: {outcome['error']!r}; resume it with "
              f"`closure resume {args.closure_id}`", file=sys.stderr)
        return 1
    if outcome.get("result") == "busy" and view["status"] == "running":
        print("Another run holds this closure now (or held it less than two minutes ago);"
              " follow it with `closure status --follow`.")
    _report(closures.view(closures.store.get(args.closure_id)))
    return 0


def cmd_closures(args) -> int:
    from chalicelib.services import closures

    found = [closures.view(job) for job in closures.store.of_mall(args.mall)]
    if not found:
        print(f"{args.mall}: no closures")
    for c in found:
        days = c["from"] if c["from"] == c["to"] else f"{c['from']} to {c['to']}"
        scope = f"service {c['service_id']}" if c["service_id"] else "whole mall"
        state = c["state"].replace("_", " ")
        if c["reopened_from"]:
            state += f" (open again from {c['reopened_from']})"
        print(f"{days}  {scope}  \"{c['reason']}\"  {state}; affected {c['affected']}, moved "
              f"{c['moved']}, cancelled {c['cancelled']}, failed {c['failed']}, to phone "
              f"{c['not_emailed']}  [{c['closure_id']}]")
        for h in c["holidays"]:
            print(f"    {h['date']}: still the national holiday {h['name']}")
    return 0


def cmd_reopen(args) -> int:
    from chalicelib.errors import AntreError
    from chalicelib.services import closures
    from chalicelib.services.auth import Principal

    try:
        view = closures.reopen(Principal(ACTOR, "super"), args.closure_id, args.date_from,
                               _now())
    except AntreError as e:
        print(f"error: {e.text('en')}", file=sys.stderr)
        return 1
    print(f"Open again from {view['reopened_from']}; the bookings it moved stay moved and "
          "nobody is emailed.")
    _report(view)
    return 0


def _keys(action) -> int:
    from chalicelib.services.key_admin import KeyRefused

    try:
        return action()
    except KeyRefused as e:
        print(str(e), file=sys.stderr)
        return 1


def cmd_ensure_nik_key(args) -> int:
    from chalicelib.services import key_admin

    return _keys(lambda: print(key_admin.ensure_nik_key()) or 0)


def cmd_rotate_nik_key(args) -> int:
    from chalicelib.services import key_admin

    return _keys(lambda: print(key_admin.rotate_nik_key(_now())) or 0)


def _passphrase(args, twice: bool) -> str:
    if args.passphrase_file:
        return Path(args.passphrase_file).read_text().rstrip("\n")
    first = getpass.getpass("Frasa sandi cadangan / backup passphrase: ")
    if twice and getpass.getpass("Sekali lagi / again: ") != first:
        from chalicelib.services.key_admin import KeyRefused

        raise KeyRefused("Kedua frasa sandi berbeda / The two passphrases differ")
    return first


def cmd_backup_keys(args) -> int:
    from chalicelib.services import key_admin

    def run():
        data = key_admin.backup(_passphrase(args, twice=True), _now())
        out = Path(args.output)
        out.touch(mode=0o600)
        out.write_bytes(data)
        print(f"{out}: cadangan kunci terenkripsi; simpan di luar jaringan (mis. USB di brankas) "
              f"beserta frasa sandinya di tempat lain / encrypted key backup; keep it offline "
              f"(e.g. a USB stick in a safe), its passphrase elsewhere")
        return 0

    return _keys(run)


def cmd_restore_keys(args) -> int:
    from chalicelib.services import key_admin

    def run():
        try:
            data = Path(args.file).read_bytes()
        except OSError as e:
            raise key_admin.KeyRefused(f"{args.file}: {e.strerror}") from None
        for name in key_admin.restore(data, _passphrase(args, twice=False)):
            print(f"dipulihkan / restored {name}")
        return 0

    return _keys(run)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m chalicelib.cli",
                                description="Antre for city IT: malls, admins, closures, "
                                            "statistics.")
    p.add_argument("--stage", default=os.environ.get("ANTRE_STAGE", "local"),
                   help="the stage whose table and settings to use (default: local)")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("create-super-admin", help="the city's admin of every mall")
    c.add_argument("email")
    c.add_argument("name")
    c.add_argument("--password", help="(prompted when left out)")
    c.set_defaults(run=cmd_create_super_admin)
    c = sub.add_parser("create-admin", help="a mall's admin; prints a temporary password")
    c.add_argument("mall")
    c.add_argument("email")
    c.add_argument("name")
    c.set_defaults(run=cmd_create_admin)
    c = sub.add_parser("import-mall", help="create or update a mall from a YAML file")
    c.add_argument("file")
    c.add_argument("--dry-run", action="store_true",
                   help="print the diff and run every check; write nothing")
    c.add_argument("--force", action="store_true",
                   help="overwrite values changed on the admin page since the last import")
    c.set_defaults(run=cmd_import_mall)
    c = sub.add_parser("export-mall", help="the live catalog as a YAML file to import")
    c.add_argument("mall")
    c.add_argument("-o", "--output")
    c.set_defaults(run=cmd_export_mall)
    c = sub.add_parser("export-stats", help="statistics as CSV or Excel (.xlsx)")
    c.add_argument("mall")
    c.add_argument("first", metavar="FROM")
    c.add_argument("last", metavar="TO")
    c.add_argument("-o", "--output", help="(default: standard output); e.g. "
                   "antre-statistik-MALL-FROM_TO.csv")
    c.add_argument("--lang", choices=["id", "en"], default="id", help="headers' language")
    c.add_argument("--semicolon", action="store_true",
                   help="; between cells and decimal commas (Indonesian-locale Excel)")
    c.add_argument("--xlsx", action="store_true",
                   help="an Excel workbook (also when the output file ends in .xlsx)")
    c.set_defaults(run=cmd_export_stats)
    c = sub.add_parser("close", help="close days and move their bookings (runs here)")
    c.add_argument("mall")
    c.add_argument("first", metavar="FROM")
    c.add_argument("last", metavar="TO")
    c.add_argument("reason")
    c.add_argument("--service")
    c.add_argument("--yes", action="store_true", help="close without asking (scripts)")
    c.set_defaults(run=cmd_close)
    c = sub.add_parser("reopen", help="open a closure's days again (from a date: end it early)")
    c.add_argument("closure_id")
    c.add_argument("--from", dest="date_from", metavar="DATE",
                   help="the first day open again (default: today or its first day)")
    c.set_defaults(run=cmd_reopen)
    c = sub.add_parser("closure", help="follow or resume a closure")
    c.add_argument("action", choices=["status", "resume"])
    c.add_argument("closure_id")
    c.add_argument("--follow", action="store_true")
    c.set_defaults(run=lambda a: cmd_status(a) if a.action == "status" else cmd_resume(a))
    c = sub.add_parser("breach-report", help="the accounts a time range touched (UU PDP "
                       "breach notice), as CSV")
    c.add_argument("first", metavar="FROM", help="ISO instant, e.g. 2026-12-01T00:00+07:00")
    c.add_argument("last", metavar="TO")
    c.add_argument("-o", "--output")
    c.set_defaults(run=cmd_breach_report)
    c = sub.add_parser("closures", help="a mall's closures")
    c.add_argument("mall")
    c.set_defaults(run=cmd_closures)
    c = sub.add_parser("ensure-nik-key", help="create the NIK key parameter if it is missing "
                       "and the table holds no citizens (deploy runs it)")
    c.set_defaults(run=cmd_ensure_nik_key)
    c = sub.add_parser("rotate-nik-key", help="add a NIK key; each citizen's NIK is rehashed "
                       "at their next login or booking")
    c.set_defaults(run=cmd_rotate_nik_key)
    for name, helptext in (("backup-keys", "write the stage's keys encrypted to a file"),
                           ("restore-keys", "put the keys of a backup file back")):
        c = sub.add_parser(name, help=helptext)
        if name == "backup-keys":
            c.add_argument("-o", "--output", required=True)
            c.set_defaults(run=cmd_backup_keys)
        else:
            c.add_argument("file")
            c.set_defaults(run=cmd_restore_keys)
        c.add_argument("--passphrase-file", help="read the passphrase from this file "
                       "(scripts; otherwise it is prompted)")
    return p


def main(argv=None) -> int:
    """Run one command. A refusal (a taken email, an unknown mall...) is a message in Bahasa
    Indonesia and English with exit code 2, never a traceback; anything unforeseen is named
    in one line (ANTRE_CLI_TRACEBACK=1 shows its traceback)."""
    from chalicelib.errors import AntreError

    args = parser().parse_args(argv)
    use_stage(args.stage)
    try:
        return args.run(args)
    except AntreError as e:
        print(f"error: {e.text('id')} / {e.text('en')}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("dihentikan / interrupted", file=sys.stderr)
        return 130
    except Exception as e:
        if os.environ.get("ANTRE_CLI_TRACEBACK"):
            raise
        print(f"error: gagal tanpa diduga / failed unexpectedly: {type(e).__name__}: {e}",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
