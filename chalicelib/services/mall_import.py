"""A mall's whole catalog from a YAML file: every mistake reported at once with its line,
then a diff against the live catalog, then the writes.

Re-importing a changed file updates the mall in place: what the file names is created or
changed; a service it no longer names is retired (no new bookings; its bookings stand), a
counter deleted, an agency deleted once no service needs it; bookings are never touched (a
lowered capacity is reported as conflicts, a slot length cannot change while a service has
bookings). A value changed on the admin page since the last import (`LastImport`) that the
file would revert refuses the import unless forced. Each write is an audited catalog change
like the admin page's. See `infra/malls/kota-bogor.yaml` for the format.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from chalicelib.domain.catalog import Agency, Counter, Mall, Service
from chalicelib.errors import AntreError, InUse
from chalicelib.services import admin
from chalicelib.store import catalog as store

WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
CHUNK = 80  # catalog items per transaction (DynamoDB allows 100, with the version and audit)


class ImportProblem(Exception):
    """A file that cannot be imported: every mistake found, each naming the file, the line
    and the key and saying what is expected (Bahasa Indonesia, then English)."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Text(_Strict):
    id: str = Field(min_length=1, max_length=300)
    en: str = Field("", max_length=300)


class Hours(_Strict):
    open: str
    close: str
    breaks: list[list[str]] = []


class ServiceSpec(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    name: Text
    requirements: list[Text] = []
    slot_minutes: int = Field(ge=5, le=240)
    capacity: int = Field(ge=0, le=100)
    online: bool = True
    walkin_quota: int = Field(0, ge=0, le=2000)


class AgencySpec(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    name: str = Field(min_length=1, max_length=100)
    letter: str = Field(pattern=r"^[A-Z]$")
    services: list[ServiceSpec] = []


class CounterSpec(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    name: str = Field(min_length=1, max_length=60)
    services: list[str] = Field(min_length=1)


class MallSpec(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    name: str = Field(min_length=1, max_length=100)
    city: str = Field(min_length=1, max_length=60)
    timezone: str
    address: str = ""
    hours: dict[str, Hours]
    closed_on_holidays: bool = True
    min_lead_minutes: int = Field(60, ge=0, le=1440)
    max_days_ahead: int = Field(30, ge=1, le=90)
    checkin_early_minutes: int = Field(120, ge=0, le=720)
    checkin_late_minutes: int = Field(30, ge=0, le=240)
    recalls_before_no_show: int = Field(2, ge=0, le=10)
    no_show_after_minutes: int = Field(5, ge=1, le=120)
    no_show_limit: int = Field(3, ge=0, le=20)
    no_show_window_days: int = Field(90, ge=1, le=365)
    no_show_pause_days: int = Field(30, ge=1, le=365)
    waitlist_hold_minutes: int = Field(15, ge=5, le=240)
    requeue_grace_minutes: int = Field(30, ge=0, le=240)
    nudge_minutes: int = Field(5, ge=0, le=60)
    nudge_position: int = Field(3, ge=0, le=20)
    capacity_percent: int = Field(100, ge=0, le=100)
    rebook_horizon_days: int = Field(14, ge=1, le=60)


class FileSpec(_Strict):
    mall: MallSpec
    agencies: list[AgencySpec]
    counters: list[CounterSpec] = []


@dataclass
class Parsed:
    mall: Mall
    agencies: list[Agency]
    services: list[Service]
    counters: list[Counter]
    warnings: list[str] = field(default_factory=list)  # allowed, but worth a word


@dataclass
class Report:
    mall_id: str
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)  # in the mall, not in the file
    retired: list[str] = field(default_factory=list)  # services that left the file
    removed: list[str] = field(default_factory=list)  # counters and agencies that left it
    conflicts: list[dict] = field(default_factory=list)


# --- reading and checking the file -------------------------------------------------------------


def _node_at(root, path):
    """The YAML node at a pydantic error location, for its line number."""
    import yaml

    node = root
    for part in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == str(part)), node)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) \
                and part < len(node.value):
            node = node.value[part]
        else:
            break
    return node


def _where(name: str, node, path) -> str:
    key = ".".join(str(p) for p in path) or "(top)"
    return f"{name}:{node.start_mark.line + 1}: {key}"


def _both(id_text: str, en_text: str) -> str:
    return f"{id_text} / {en_text}"


def _loader():
    """A SafeLoader that notes every key a mapping repeats (plain YAML keeps the last one
    silently: a second `sat:` would replace the first)."""
    import yaml

    class UniqueKeys(yaml.SafeLoader):
        def __init__(self, stream):
            super().__init__(stream)
            self.repeated = []  # (key node, the line it first appeared on)

        def construct_mapping(self, node, deep=False):
            seen = {}
            for key_node, _ in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                if key in seen:
                    self.repeated.append((key_node, seen[key]))
                elif key is not None:
                    seen[key] = key_node.start_mark.line + 1
            return super().construct_mapping(node, deep)

    return UniqueKeys


def _as_time(value: int) -> str:
    return f"{value // 60:02d}:{value % 60:02d}"


def _fields_of(root_model, loc) -> list[str]:
    """The valid keys where `loc` points, for "did you mean"."""
    model = root_model
    for part in loc[:-1]:
        if isinstance(part, int) or model is None:
            continue
        info = model.model_fields.get(part)
        if info is None:
            if model is MallSpec and part in WEEKDAYS or part in WEEKDAYS:
                model = Hours
                continue
            return []
        annotation = info.annotation
        inner = getattr(annotation, "__args__", None)
        candidates = [annotation, *(inner or ())]
        model = next((c for c in candidates if isinstance(c, type)
                      and issubclass(c, BaseModel)), None)
        if model is None and part == "hours":
            model = Hours
    return list(model.model_fields) if model is not None else []


def _explain(err: dict) -> str:
    """A pydantic error in plain words, Bahasa Indonesia first."""
    import difflib

    kind, loc, value = err["type"], err["loc"], err.get("input")
    last = loc[-1] if loc else ""
    ctx = err.get("ctx") or {}
    in_hours = "hours" in loc
    if in_hours and kind == "string_type" and isinstance(value, int):
        text = _as_time(value)
        return _both(f'jam tanpa tanda kutip dibaca YAML sebagai angka {value} (menit); tulis '
                     f'"{text}" dengan tanda kutip',
                     f'an unquoted time is read by YAML as the number {value} (of minutes); '
                     f'write "{text}" in quotes')
    if kind == "extra_forbidden":
        valid = _fields_of(FileSpec, loc)
        close = difflib.get_close_matches(str(last), valid, n=1, cutoff=0.6)
        if close:
            return _both(f'kunci "{last}" tidak dikenal; maksudnya "{close[0]}"?',
                         f'unknown key "{last}"; did you mean "{close[0]}"?')
        return _both(f'kunci "{last}" tidak dikenal; yang boleh: {", ".join(valid)}',
                     f'unknown key "{last}"; valid keys: {", ".join(valid)}')
    if last == "letter" and kind in ("string_pattern_mismatch", "string_type"):
        shown = str(value).upper()[:1] if isinstance(value, str) and value else "C"
        return _both(f'huruf antrean harus satu huruf besar A-Z, mis. "{shown}"',
                     f'the queue letter must be one capital letter A-Z, e.g. "{shown}"')
    if kind == "string_pattern_mismatch" and last == "id":
        return _both("kode hanya huruf kecil, angka, dan tanda hubung (paling banyak 64), mis. "
                     '"ktp-el"', 'an id is lower-case letters, digits and dashes (at most 64), '
                     'e.g. "ktp-el"')
    if kind == "missing":
        return _both("wajib diisi", "required")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _both(f"harus bilangan bulat, bukan {value!r}", f"must be a whole number, "
                     f"not {value!r}")
    if kind == "bool_type":
        return _both(f"harus true atau false, bukan {value!r}",
                     f"must be true or false, not {value!r}")
    if kind == "string_type":
        return _both(f"harus teks, bukan {value!r}", f"must be text, not {value!r}")
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        what = {"list_type": ("daftar (- ...)", "a list (- ...)")}.get(
            kind, ("kumpulan kunci: nilai", "a mapping of key: value"))
        return _both(f"harus {what[0]}", f"must be {what[1]}")
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = ctx.get("ge", ctx.get("le"))
        word = ("paling kecil", "at least") if kind == "greater_than_equal" else \
            ("paling besar", "at most")
        return _both(f"{word[0]} {bound}, bukan {value!r}", f"{word[1]} {bound}, not {value!r}")
    if kind in ("string_too_short", "too_short"):
        return _both("tidak boleh kosong", "must not be empty")
    if kind in ("string_too_long", "too_long"):
        return _both(f"terlalu panjang (paling banyak {ctx.get('max_length')})",
                     f"too long (at most {ctx.get('max_length')})")
    return _both("nilai tidak sah", err["msg"])


def read(path) -> Parsed:
    """The file at `path`, read as UTF-8 and parsed; ImportProblem for any mistake."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ImportProblem([f"{path}: {e.strerror}"]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise ImportProblem([f"{path}:{line}: " + _both(
            "file ini bukan UTF-8 (mungkin disimpan sebagai Windows-1252/ANSI); simpan ulang "
            "sebagai UTF-8", "the file is not UTF-8 (perhaps saved as Windows-1252/ANSI); "
            "save it again as UTF-8")]) from None
    return parse(text, str(path))


def parse(text: str, name: str = "<yaml>") -> Parsed:
    """The file's mall, checked; ImportProblem lists every mistake, each naming the line, the
    key and what is expected."""
    import yaml

    loader = _loader()(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f"{mark.line + 1}" if mark else "?"
        raise ImportProblem([f"{name}:{line}: " + _both(
            f"bukan YAML yang sah: {getattr(e, 'problem', e)}",
            f"not valid YAML: {getattr(e, 'problem', e)}")]) from None
    finally:
        loader.dispose()
    if root is None:
        raise ImportProblem([f"{name}:1: " + _both("file ini kosong", "the file is empty")])
    problems = [f"{name}:{node.start_mark.line + 1}: {node.value}: " + _both(
        f'kunci "{node.value}" muncul dua kali (pertama di baris {first}); hapus salah satu',
        f'the key "{node.value}" appears twice (first on line {first}); remove one')
        for node, first in loader.repeated]
    try:
        spec = FileSpec.model_validate(data)
    except ValidationError as e:
        for err in e.errors():
            path = [p for p in err["loc"] if not isinstance(p, str) or not p.startswith(
                ("function-", "tuple["))]
            err = {**err, "loc": tuple(path)}
            problems.append(f"{_where(name, _node_at(root, path), path)}: {_explain(err)}")
        raise ImportProblem(problems) from None
    parsed, more = _values(spec, root, name)
    problems += more
    if problems:
        raise ImportProblem(problems)
    return parsed


def _values(spec: FileSpec, root, name: str) -> tuple[Parsed, list[str]]:
    """The file's values and the mistakes between them (all of them, not the first)."""
    problems = []

    def problem(path, id_text, en_text):
        problems.append(f"{_where(name, _node_at(root, path), path)}: {_both(id_text, en_text)}")

    m = spec.mall
    if m.timezone not in admin.TIMEZONES:
        problem(["mall", "timezone"], f"harus salah satu dari {', '.join(admin.TIMEZONES)}",
                f"must be one of {', '.join(admin.TIMEZONES)}")
    weekly = {}
    for day, hours in m.hours.items():
        if day not in WEEKDAYS:
            import difflib

            close = difflib.get_close_matches(day, list(WEEKDAYS), n=1)
            hint = (f'; maksudnya "{close[0]}"?', f'; did you mean "{close[0]}"?') \
                if close else ("", "")
            problem(["mall", "hours", day], f"hari ditulis {', '.join(WEEKDAYS)}{hint[0]}",
                    f"a weekday is one of {', '.join(WEEKDAYS)}{hint[1]}")
            continue
        try:
            weekly[WEEKDAYS[day]] = admin.parse_day_hours(hours.model_dump(), day)
        except AntreError:
            problem(["mall", "hours", day], 'jam ditulis "HH:MM" dalam tanda kutip, buka '
                    "sebelum tutup, istirahat di dalamnya dan berurutan",
                    'hours must be "HH:MM" in quotes, opening before closing, breaks inside '
                    "and in order")
    mall = Mall(mall_id=m.id, name=m.name, city=m.city, timezone=m.timezone, address=m.address,
                weekly_hours=weekly, min_lead_minutes=m.min_lead_minutes,
                max_days_ahead=m.max_days_ahead, closed_on_holidays=m.closed_on_holidays,
                checkin_early_minutes=m.checkin_early_minutes,
                checkin_late_minutes=m.checkin_late_minutes,
                recalls_before_no_show=m.recalls_before_no_show,
                no_show_after_minutes=m.no_show_after_minutes,
                no_show_limit=m.no_show_limit, no_show_window_days=m.no_show_window_days,
                no_show_pause_days=m.no_show_pause_days,
                waitlist_hold_minutes=m.waitlist_hold_minutes,
                requeue_grace_minutes=m.requeue_grace_minutes,
                nudge_minutes=m.nudge_minutes, nudge_position=m.nudge_position,
                capacity_percent=m.capacity_percent, rebook_horizon_days=m.rebook_horizon_days)
    agencies, services, letters, ids = [], [], {}, set()
    for a, agency in enumerate(spec.agencies):
        if agency.letter in letters:
            problem(["agencies", a, "letter"],
                    f"huruf {agency.letter} sudah dipakai instansi {letters[agency.letter]}",
                    f"letter {agency.letter} is also agency {letters[agency.letter]}'s")
        letters[agency.letter] = agency.id
        agencies.append(Agency(agency.id, m.id, agency.name, agency.letter))
        for s, service in enumerate(agency.services):
            if service.id in ids:
                problem(["agencies", a, "services", s, "id"],
                        f"layanan {service.id} muncul dua kali", f"service {service.id} "
                        "appears twice")
            ids.add(service.id)
            services.append(Service(
                service_id=service.id, mall_id=m.id, agency_id=agency.id, agency_name=agency.name,
                name=service.name.id, name_en=service.name.en,
                requirements=tuple(r.id for r in service.requirements),
                requirements_en=tuple(r.en or r.id for r in service.requirements),
                slot_minutes=service.slot_minutes, capacity=service.capacity,
                online=service.online, walkin_quota=service.walkin_quota))
    counters = []
    for c, counter in enumerate(spec.counters):
        unknown = [sid for sid in counter.services if sid not in ids]
        if unknown:
            problem(["counters", c, "services"], f"tidak ada layanan: {', '.join(unknown)}",
                    f"no such service: {', '.join(unknown)}")
        counters.append(Counter(counter.id, m.id, counter.name, tuple(counter.services)))
    served = {sid for counter in counters for sid in counter.service_ids}
    parsed = Parsed(mall, agencies, services, counters)
    if counters and ids - served:  # as the admin view warns: allowed, but said
        unserved = ", ".join(sorted(ids - served))
        node = _node_at(root, ["counters"])
        parsed.warnings.append(f"{name}:{node.start_mark.line + 1}: counters: " + _both(
            f"tidak ada loket yang melayani {unserved}: nomor antreannya tidak akan dipanggil",
            f"no counter serves {unserved}: its tickets would never be called"))
    return parsed, problems


# --- comparing it with the live catalog -----------------------------------------------------------


def snapshot(mall: Mall, agencies, services, counters) -> dict[str, dict]:
    """A catalog as plain comparable values keyed "mall", "agency <id>", "service <id>",
    "counter <id>": what the diff compares and what `LastImport` keeps. Retired services are
    not part of it (they are offered no more)."""
    settings = admin.mall_settings(mall)
    settings.pop("mall_id")
    names = {v: k for k, v in WEEKDAYS.items()}
    for day, hours in sorted(settings.pop("weekly_hours").items()):
        settings[f"hours.{names[int(day)]}"] = hours  # a day not named is closed
    items = {"mall": settings}
    for a in agencies:
        items[f"agency {a.agency_id}"] = {"name": a.name, "letter": a.letter}
    for sv in services:
        if not sv.retired:
            view = admin._service_view(sv)
            for key in ("service_id", "retired"):
                view.pop(key)
            # a file names each requirement in both languages (English falling back to the
            # Indonesian), as the admin page's empty English list reads
            view["requirements_en"] = [
                e or r for r, e in zip(view["requirements"], view["requirements_en"]
                                       + [""] * len(view["requirements"]))]
            items[f"service {sv.service_id}"] = view
    for c in counters:
        items[f"counter {c.counter_id}"] = {"name": c.name, "service_ids": list(c.service_ids)}
    return items


@dataclass
class Plan:
    """What an import would do, item by item, before anything is written."""

    mall_id: str
    added: list[str] = field(default_factory=list)
    # (key, field, old, new): every field the file changes
    changed: list[tuple[str, str, object, object]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # services retired, counters, agencies gone
    kept: list[str] = field(default_factory=list)  # agencies still holding retired services
    # (key, field, live, file): admin-page changes since the last import the file reverts
    drift: list[tuple[str, str, object, object]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # refusals no --force overrides
    unchanged: int = 0

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def lines(self) -> list[str]:
        """The diff in words, as the command line prints it."""
        out = [f"+ {key}" for key in self.added]
        out += [f"~ {key}: {name}: {_shown(old)} -> {_shown(new)}"
                for key, name, old, new in self.changed]
        out += [f"- {key}" + (" (retired: no new bookings, its bookings kept)"
                              if key.startswith("service ") else "") for key in self.removed]
        out += [f"= {key} (not in the file, kept: its retired services need it)"
                for key in self.kept]
        return out


def _shown(value) -> str:
    import json

    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def plan(parsed: Parsed, now: datetime, current=None, last=None) -> Plan:
    """The diff of the file against the live catalog, the admin-page changes it would revert
    (live values that differ from what the last import wrote), and every check the import
    makes. Reads only: the dry run is this."""
    mall_id = parsed.mall.mall_id
    current = store.fresh_catalog(mall_id) if current is None else current
    result = Plan(mall_id)
    want = snapshot(parsed.mall, parsed.agencies, parsed.services, parsed.counters)
    if current is None:
        result.added = list(want)
        return result
    last = store.last_import(mall_id) if last is None else last
    have = snapshot(current.mall, current.agencies.values(), current.services.values(),
                    current.counters.values())
    for key, values in want.items():
        before = have.get(key)
        if before is None:
            result.added.append(key + (" (back: no longer retired)" if key.startswith(
                "service ") and key.split(" ", 1)[1] in current.services else ""))
            if last is not None and key in last:  # deleted on the admin page since
                result.drift.append((key, "(whole item)", "deleted on the admin page",
                                     "added again"))
            continue
        fields = [(name, before.get(name), values.get(name))
                  for name in dict.fromkeys([*before, *values])
                  if before.get(name) != values.get(name)]
        if not fields:
            result.unchanged += 1
        result.changed += [(key, name, old, new) for name, old, new in fields]
        if last is not None:
            wrote = last.get(key)
            result.drift += [(key, name, old, new) for name, old, new in fields
                             if wrote is None or wrote.get(name) != old]
    named_agencies = {a.agency_id for a in parsed.agencies}
    kept_services = {sid: sv for sid, sv in current.services.items()
                     if f"service {sid}" not in want}
    for key in have:
        if key in want:
            continue
        kind, ident = key.split(" ", 1)
        if kind == "agency" and any(sv.agency_id == ident for sv in kept_services.values()):
            result.kept.append(key)
            continue
        result.removed.append(key)
        if last is not None and key not in last:  # made on the admin page since
            result.drift.append((key, "(whole item)", "made on the admin page", "removed"))
    result.kept = [k for k in result.kept if k.split(" ", 1)[1] not in named_agencies]
    letters = {a.letter: a.agency_id for a in parsed.agencies}
    for key in result.kept:
        agency = current.agencies[key.split(" ", 1)[1]]
        if agency.letter in letters:
            result.problems.append(
                f"agency {letters[agency.letter]}: letter {agency.letter} is also agency "
                f"{agency.agency_id}'s, kept for its retired services / huruf {agency.letter} "
                f"masih dipakai instansi {agency.agency_id}")
    taken = admin._taken_by_day(current.mall, now)
    for sv in parsed.services:
        before = current.services.get(sv.service_id)
        if before is not None and before.slot_minutes != sv.slot_minutes and any(
                sid == sv.service_id for sid, _ in taken):
            result.problems.append(
                f"service {sv.service_id}: slot_minutes {before.slot_minutes} -> "
                f"{sv.slot_minutes}: {InUse('service.slot_length_in_use').text('id')} / "
                f"{InUse('service.slot_length_in_use').text('en')}")
    return result


# --- writing it ----------------------------------------------------------------------------------


class Refused(Exception):
    """The import would break a rule (`plan.problems`) or revert admin-page changes
    (`plan.drift`, unless forced); nothing was written."""

    def __init__(self, result: Plan):
        super().__init__("; ".join(result.problems) or "admin-page changes would be reverted")
        self.plan = result


def import_mall(parsed: Parsed, actor: str, now: datetime, force: bool = False,
                checked: Plan | None = None) -> Report:
    """Create or update the mall from a parsed file (see the module's rules). Refused (nothing
    written) when a check fails, or when the file would revert admin-page changes unless
    `force`."""
    current = store.fresh_catalog(parsed.mall.mall_id)
    result = checked or plan(parsed, now, current)
    if result.problems or (result.drift and not force):
        raise Refused(result)
    report = Report(parsed.mall.mall_id)
    saves, deletes = [], []
    if current is None:
        saves += [store.profile_item(parsed.mall), store.entry_item(parsed.mall)]
        report.created.append(f"mall {parsed.mall.mall_id}")
    else:
        old = current.mall
        keep = {"special_hours": old.special_hours, "closures": old.closures,
                "service_closures": old.service_closures, "version": old.version + 1}
        new = Mall(**{**parsed.mall.__dict__, **keep})
        if admin.mall_settings(new) != admin.mall_settings(old):
            saves += [store.profile_item(new), store.entry_item(new)]
            report.changed.append(f"mall {old.mall_id}")
        else:
            report.unchanged += 1
    have = current or store.MallCatalog(parsed.mall, {}, {}, {})
    lowered = []
    for kind, items, existing, to_item in (
            ("agency", parsed.agencies, have.agencies, store.agency_item),
            ("service", parsed.services, have.services, store.service_item),
            ("counter", parsed.counters, have.counters, store.counter_item)):
        for value in items:
            key = getattr(value, f"{kind}_id")
            before = existing.get(key)
            if before is None:
                report.created.append(f"{kind} {key}")
            elif _same(before, value):
                report.unchanged += 1
                continue
            else:
                report.changed.append(f"{kind} {key}")
                if kind == "service" and value.capacity < before.capacity:
                    lowered.append(value)
            saves.append(to_item(value))
    for key in result.removed:
        kind, ident = key.split(" ", 1)
        if kind == "service":  # left the file: retired, its bookings kept
            report.retired.append(key)
            saves.append(store.service_item(replace(have.services[ident], retired=True)))
        elif kind == "counter":
            report.removed.append(key)
            deletes.append(store.counter_item(have.counters[ident]))
        elif kind == "agency":
            report.removed.append(key)
            deletes.append(store.agency_item(have.agencies[ident]))
    report.kept = list(result.kept)
    at = now.isoformat(timespec="seconds")
    written = store.last_import_item(
        parsed.mall.mall_id, snapshot(parsed.mall, parsed.agencies, parsed.services,
                                      parsed.counters), at)
    writes = [("save", item) for item in saves] + [("delete", item) for item in deletes]
    if not writes and store.last_import(parsed.mall.mall_id) == written.items:
        return report  # the same file again: nothing to write, not even an audit entry
    diff = result.lines()
    for n in range(0, max(len(writes), 1), CHUNK):
        part = writes[n:n + CHUNK]
        last_chunk = n + CHUNK >= len(writes)
        store.apply(parsed.mall.mall_id, store.Change(
            actor, "mall.import", parsed.mall.mall_id, None,
            {"saved": [w for w in (_in_words(item) for how, item in part if how == "save")
                       if w],
             "removed": [w for w in (_in_words(item) for how, item in part if how == "delete")
                         if w],
             **({"diff": diff[:200], "forced": [f"{k}: {f}" for k, f, _, _ in result.drift]}
                if last_chunk else {})}),
            saves=[item for how, item in part if how == "save"]
            + ([written] if last_chunk else []),
            deletes=[item for how, item in part if how == "delete"])
    if current is not None and (lowered or parsed.mall.capacity_percent
                                < have.mall.capacity_percent):
        fresh = store.fresh_catalog(parsed.mall.mall_id)
        report.conflicts = admin.over_capacity(fresh.services.values(), fresh.mall, now)
    return report


def _in_words(item) -> str | None:
    """What an imported item is, as the audit log shows it ("service ktp-el: KTP-el"); the
    mall's directory entry is the profile's twin and is not listed again."""
    if isinstance(item, store.MallProfile):
        return f"mall {item.mall_id}: {item.name}"
    for kind in ("agency", "service", "counter"):
        key = getattr(item, f"{kind}_id", None)
        if key and item.sk.lower().startswith(kind):
            return f"{kind} {key}: {getattr(item, 'name', '') or key}"
    return None


def _same(before, value) -> bool:
    ignore = {"agency_name"}
    return {k: v for k, v in before.__dict__.items() if k not in ignore} == \
        {k: v for k, v in value.__dict__.items() if k not in ignore}


# --- the live catalog as a file ------------------------------------------------------------------


def export(catalog: store.MallCatalog) -> str:
    """The live catalog as a YAML file that imports back to no change (retired services are
    left out: importing without them keeps them retired)."""
    import yaml

    m = catalog.mall
    names = {v: k for k, v in WEEKDAYS.items()}
    hours = {}
    for day, h in sorted(m.weekly_hours.items()):
        j = store.day_hours_to_json(h)
        hours[names[day]] = {"open": j["open"], "close": j["close"],
                             **({"breaks": j["breaks"]} if j["breaks"] else {})}
    settings = admin.mall_settings(m)
    mall = {"id": m.mall_id, "name": m.name, "city": m.city, "timezone": m.timezone,
            "address": m.address, "hours": hours}
    mall.update({k: settings[k] for k in MallSpec.model_fields
                 if k not in mall and k not in ("id",)})
    agencies = []
    for a in sorted(catalog.agencies.values(), key=lambda a: a.letter):
        services = []
        for sv in catalog.services.values():
            if sv.agency_id != a.agency_id or sv.retired:
                continue
            services.append({
                "id": sv.service_id, "name": {"id": sv.name, "en": sv.name_en},
                "requirements": [{"id": r, "en": e} for r, e in zip(
                    sv.requirements, sv.requirements_en or sv.requirements)],
                "slot_minutes": sv.slot_minutes, "capacity": sv.capacity, "online": sv.online,
                "walkin_quota": sv.walkin_quota})
        agencies.append({"id": a.agency_id, "name": a.name, "letter": a.letter,
                         "services": services})
    counters = [{"id": c.counter_id, "name": c.name, "services": list(c.service_ids)}
                for c in catalog.counters.values()]
    header = (f"# {m.name}: exported from the live catalog. Import it back with\n"
              f"#   python -m chalicelib.cli import-mall FILE\n")
    return header + yaml.safe_dump({"mall": mall, "agencies": agencies, "counters": counters},
                                   allow_unicode=True, sort_keys=False, width=100)
