"""A mall's whole catalog from a YAML file: validated with line numbers, written in place.

Re-importing a changed file updates the mall in place: what the file names is created or
changed; what it no longer names is kept (and reported), never deleted; bookings are never
touched (a lowered capacity is reported as conflicts, a slot length cannot change while a
service has bookings). Each write is an audited catalog change like the admin page's.
See `infra/malls/kota-bogor.yaml` for the format.
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
    """A file that cannot be imported: the message names the file, the line and the key."""


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


@dataclass
class Report:
    mall_id: str
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)  # in the mall, not in the file
    retired: list[str] = field(default_factory=list)  # services that left the file
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


def parse(text: str, name: str = "<yaml>") -> Parsed:
    """The file's mall, checked; ImportProblem names the line, the key and what is wrong."""
    import yaml

    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f"{mark.line + 1}" if mark else "?"
        raise ImportProblem(f"{name}:{line}: not valid YAML: {getattr(e, 'problem', e)}") \
            from None
    if root is None:
        raise ImportProblem(f"{name}:1: the file is empty")
    try:
        spec = FileSpec.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        path = [p for p in err["loc"] if not isinstance(p, str) or not p.startswith(
            ("function-", "tuple["))]
        raise ImportProblem(f"{_where(name, _node_at(root, path), path)}: {err['msg']}") \
            from None
    try:
        return _values(spec, root, name)
    except AntreError as e:
        raise ImportProblem(f"{name}: {e.text('en')}") from None


def _values(spec: FileSpec, root, name: str) -> Parsed:
    def problem(path, message):
        return ImportProblem(f"{_where(name, _node_at(root, path), path)}: {message}")

    m = spec.mall
    if m.timezone not in admin.TIMEZONES:
        raise problem(["mall", "timezone"], f"must be one of {', '.join(admin.TIMEZONES)}")
    weekly = {}
    for day, hours in m.hours.items():
        if day not in WEEKDAYS:
            raise problem(["mall", "hours", day], f"a weekday is one of {', '.join(WEEKDAYS)}")
        try:
            weekly[WEEKDAYS[day]] = admin.parse_day_hours(hours.model_dump(), day)
        except AntreError:
            raise problem(["mall", "hours", day], "hours must be HH:MM, opening before "
                          "closing, breaks inside and in order") from None
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
                capacity_percent=m.capacity_percent, rebook_horizon_days=m.rebook_horizon_days)
    agencies, services, letters, ids = [], [], {}, set()
    for a, agency in enumerate(spec.agencies):
        if agency.letter in letters:
            raise problem(["agencies", a, "letter"],
                          f"letter {agency.letter} is also agency {letters[agency.letter]}'s")
        letters[agency.letter] = agency.id
        agencies.append(Agency(agency.id, m.id, agency.name, agency.letter))
        for s, service in enumerate(agency.services):
            if service.id in ids:
                raise problem(["agencies", a, "services", s, "id"],
                              f"service {service.id} appears twice")
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
            raise problem(["counters", c, "services"], f"no such service: {', '.join(unknown)}")
        counters.append(Counter(counter.id, m.id, counter.name, tuple(counter.services)))
    served = {sid for counter in counters for sid in counter.service_ids}
    if counters and ids - served:
        raise problem(["counters"], f"no counter serves {', '.join(sorted(ids - served))}")
    return Parsed(mall, agencies, services, counters)


# --- writing it ----------------------------------------------------------------------------------


def import_mall(parsed: Parsed, actor: str, now: datetime) -> Report:
    """Create or update the mall from a parsed file (see the module's rules)."""
    current = store.fresh_catalog(parsed.mall.mall_id)
    report = Report(parsed.mall.mall_id)
    saves = []
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
                if kind == "service":
                    _check_service_change(before, value, have.mall, now)
                    if value.capacity < before.capacity:
                        lowered.append(value)
            saves.append(to_item(value))
        named = {getattr(v, f"{kind}_id") for v in items}
        if kind == "service":  # left the file: retired, its bookings kept
            for key, before in existing.items():
                if key not in named and not before.retired:
                    report.retired.append(f"service {key}")
                    saves.append(to_item(replace(before, retired=True)))
        else:
            report.kept += [f"{kind} {k}" for k in existing if k not in named]
    for n in range(0, len(saves), CHUNK):
        part = saves[n:n + CHUNK]
        store.apply(parsed.mall.mall_id, store.Change(
            actor, "mall.import", parsed.mall.mall_id, None,
            {"saved": [w for w in (_in_words(item) for item in part) if w]}), saves=part)
    if lowered or parsed.mall.capacity_percent < have.mall.capacity_percent:
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


def _check_service_change(before: Service, value: Service, mall: Mall, now: datetime) -> None:
    if before.slot_minutes != value.slot_minutes and admin._booked_days(before, mall, now):
        raise InUse("service.slot_length_in_use")


