"""Running a mall: a city's super admin creates malls and their admins; a mall admin manages
its agencies, services, counters, hours, special days, distancing capacity, staff and
kiosks. Every change is one audited, versioned write (`store.catalog.apply`); another
mall's objects answer 404."""
from __future__ import annotations

import secrets
from dataclasses import asdict, replace
from datetime import date, datetime, timedelta

from chalicelib.domain import schedule
from chalicelib.domain.catalog import Agency, Counter, DayHours, Mall, Service, is_slug
from chalicelib.errors import Forbidden, InUse, NotFound, ValidationFailed
from chalicelib.services import accounts
from chalicelib.services.auth import Principal
from chalicelib.store import accounts as account_store
from chalicelib.store import bookings as booking_store
from chalicelib.store import catalog as store
from chalicelib.store import stats as stats_store
from chalicelib.store.catalog import Change

TIMEZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")


# --- who may manage which mall -----------------------------------------------------------------


def managed(principal: Principal, mall_id: str) -> store.MallCatalog:
    """The catalog of a mall this principal manages: a super admin any, a mall admin its
    own; another mall is 404 (never revealed), anyone else 403."""
    if principal.role not in ("admin", "super"):
        raise Forbidden("role.admin_only")
    if principal.role == "admin" and principal.mall_id != mall_id:
        raise NotFound("mall.not_found")
    catalog = store.fresh_catalog(mall_id) if is_slug(mall_id) else None
    if catalog is None:
        raise NotFound("mall.not_found")
    return catalog


def _super(principal: Principal) -> None:
    if principal.role != "super":
        raise Forbidden("role.super_only")


def _change(principal: Principal, action: str, target: str = "", before=None, after=None):
    return Change(principal.account_id, action, target, before, after)


# --- hours ------------------------------------------------------------------------------------


def parse_day_hours(raw: dict, field: str) -> DayHours:
    """{"open": "08:00", "close": "15:00", "breaks": [["11:30", "13:00"]]} as DayHours, or a
    422 naming the field: open before close, breaks inside and in order."""
    try:
        hours = store.day_hours_from_json({"open": schedule.parse_hhmm(raw["open"], field),
                                           "close": schedule.parse_hhmm(raw["close"], field),
                                           "breaks": [[schedule.parse_hhmm(a, field),
                                                       schedule.parse_hhmm(b, field)]
                                                      for a, b in raw.get("breaks", [])]})
    except (KeyError, TypeError, ValueError):
        raise ValidationFailed.field(field, "validation.hours") from None
    cursor = hours.open
    for start, end in hours.breaks:
        if not cursor <= start < end <= hours.close:
            raise ValidationFailed.field(field, "validation.hours")
        cursor = end
    if not hours.open < hours.close:
        raise ValidationFailed.field(field, "validation.hours")
    return hours


def parse_weekly(raw: dict) -> dict[int, DayHours]:
    weekly = {}
    for day, hours in raw.items():
        if day not in {str(d) for d in range(7)}:
            raise ValidationFailed.field(f"weekly_hours.{day}", "validation.weekday")
        weekly[int(day)] = parse_day_hours(hours, f"weekly_hours.{day}")
    return weekly


# --- views ------------------------------------------------------------------------------------


def _service_view(s: Service) -> dict:
    return {"service_id": s.service_id, "agency_id": s.agency_id, "name": s.name,
            "name_en": s.name_en, "requirements": list(s.requirements),
            "requirements_en": list(s.requirements_en), "slot_minutes": s.slot_minutes,
            "capacity": s.capacity, "online": s.online, "walkin_quota": s.walkin_quota,
            "retired": s.retired}


def warnings(catalog: store.MallCatalog) -> list[dict]:
    """What the admin should see to: a service (offered, or retired with bookings still to
    serve) that no counter serves, so its tickets would never be called."""
    served = {sid for c in catalog.counters.values() for sid in c.service_ids}
    return [{"code": "no_counter", "service_id": s.service_id}
            for s in catalog.services.values() if s.service_id not in served]


def mall_settings(m: Mall) -> dict:
    return {"mall_id": m.mall_id, "name": m.name, "city": m.city, "timezone": m.timezone,
            "address": m.address, "weekly_hours": store.hours_to_json(m.weekly_hours),
            "min_lead_minutes": m.min_lead_minutes, "max_days_ahead": m.max_days_ahead,
            "closed_on_holidays": m.closed_on_holidays,
            "checkin_early_minutes": m.checkin_early_minutes,
            "checkin_late_minutes": m.checkin_late_minutes,
            "recalls_before_no_show": m.recalls_before_no_show,
            "no_show_after_minutes": m.no_show_after_minutes,
            "no_show_limit": m.no_show_limit, "no_show_window_days": m.no_show_window_days,
            "no_show_pause_days": m.no_show_pause_days,
            "waitlist_hold_minutes": m.waitlist_hold_minutes,
            "requeue_grace_minutes": m.requeue_grace_minutes,
            "nudge_minutes": m.nudge_minutes, "nudge_position": m.nudge_position,
            "capacity_percent": m.capacity_percent,
            "rebook_horizon_days": m.rebook_horizon_days}


def mall_view(principal: Principal, mall_id: str, now: datetime) -> dict:
    catalog = managed(principal, mall_id)
    m = catalog.mall
    today = schedule.local_today(m, now)
    return {
        **mall_settings(m), "version": m.version,
        "special_hours": {d.isoformat(): store.day_hours_to_json(h)
                          for d, h in sorted(m.special_hours.items()) if d >= today},
        "closed_days": sorted(d.isoformat() for d in m.closures if d >= today),
        "closed_service_days": sorted([sid, d.isoformat()] for sid, d in m.service_closures
                                      if d >= today),
        "agencies": [{"agency_id": a.agency_id, "name": a.name, "letter": a.letter}
                     for a in sorted(catalog.agencies.values(), key=lambda a: a.letter)],
        "services": [_service_view(s) for s in catalog.services.values()],
        "counters": [{"counter_id": c.counter_id, "name": c.name,
                      "service_ids": list(c.service_ids)} for c in catalog.counters.values()],
        "warnings": warnings(catalog),
    }


def malls(principal: Principal) -> list[dict]:
    if principal.role == "super":
        return [{"mall_id": e.mall_id, "name": e.name, "city": e.city, "timezone": e.timezone}
                for e in store.list_malls()]
    if principal.role == "admin":
        m = managed(principal, principal.mall_id).mall
        return [{"mall_id": m.mall_id, "name": m.name, "city": m.city, "timezone": m.timezone}]
    raise Forbidden("role.admin_only")


# --- malls and their settings -------------------------------------------------------------------


def create_mall(principal: Principal, fields: dict, now: datetime) -> dict:
    """A new mall (super admin only), closed until it has hours and services."""
    _super(principal)
    mall_id = fields["mall_id"]
    if store.fresh_catalog(mall_id) is not None:
        raise InUse("mall.exists", mall_id=mall_id)
    mall = _mall_from(Mall(mall_id=mall_id, name="", city="", timezone="Asia/Jakarta"), fields)
    store.apply(mall_id, _change(principal, "mall.create", mall_id, None, mall_settings(mall)),
                saves=[store.profile_item(mall), store.entry_item(mall)])
    return mall_view(principal, mall_id, now)


def _mall_from(current: Mall, fields: dict) -> Mall:
    values = {k: v for k, v in fields.items() if v is not None and k != "mall_id"}
    if "timezone" in values and values["timezone"] not in TIMEZONES:
        raise ValidationFailed.field("timezone", "validation.timezone")
    if "weekly_hours" in values:
        values["weekly_hours"] = parse_weekly(values["weekly_hours"])
    return replace(current, **values)


def update_settings(principal: Principal, mall_id: str, fields: dict, now: datetime) -> dict:
    """Change the mall's profile. Lowering the capacity percentage cancels nobody: new
    bookings stop where a slot is over its new seats, and those slots are answered."""
    catalog = managed(principal, mall_id)
    before = catalog.mall
    after = _mall_from(before, fields)
    changed = {k: v for k, v in mall_settings(after).items() if mall_settings(before)[k] != v}
    if not changed:
        return {**mall_view(principal, mall_id, now), "conflicts": []}
    saves = [store.profile_item(replace(after, version=before.version + 1))]
    if after.name != before.name or after.city != before.city or after.timezone != before.timezone:
        saves.append(store.entry_item(after))
    old = {k: mall_settings(before)[k] for k in changed}
    store.apply(mall_id, _change(principal, "mall.update", mall_id, old, changed), saves=saves)
    conflicts = []
    if after.capacity_percent < before.capacity_percent:
        conflicts = over_capacity(catalog.services.values(), after, now)
    elif after.capacity_percent > before.capacity_percent:
        _offer_new_seats(before, {sid: before.seats(sv) for sid, sv in catalog.services.items()
                                  if sv.online}, now)
    return {**mall_view(principal, mall_id, now), "conflicts": conflicts}


def _offer_new_seats(mall: Mall, seats_before: dict[str, int], now: datetime) -> None:
    """Offer the added seats to whoever waits. A day can only have a waiting list while it is
    full, so only the days holding bookings are looked at, and every day of a service that had
    no seat at all before."""
    from chalicelib.services import waitlist

    taken = _taken_by_day(mall, now)
    days = {service_id: None if before == 0 else
            [d for (sid, d) in taken if sid == service_id]
            for service_id, before in seats_before.items()}
    waitlist.offer_after_capacity_change(mall.mall_id, list(seats_before), now, days=days)


def put_special_hours(principal: Principal, mall_id: str, day_text: str, raw: dict | None,
                      now: datetime) -> dict:
    """A date's own hours (e.g. 09:00-12:00 only); `raw` None removes them."""
    catalog = managed(principal, mall_id)
    day = schedule.parse_date(day_text, "date")
    mall = catalog.mall
    special = dict(mall.special_hours)
    before = store.day_hours_to_json(special[day]) if day in special else None
    if raw is None:
        special.pop(day, None)
    else:
        special[day] = parse_day_hours(raw, "hours")
    after = store.day_hours_to_json(special[day]) if day in special else None
    updated = replace(mall, special_hours=special, version=mall.version + 1)
    store.apply(mall_id, _change(principal, "special_hours.put", day.isoformat(), before, after),
                saves=[store.profile_item(updated)])
    return mall_view(principal, mall_id, now)


# --- agencies, services, counters ----------------------------------------------------------------


def put_agency(principal: Principal, mall_id: str, agency_id: str, name: str, letter: str,
               now: datetime) -> dict:
    catalog = managed(principal, mall_id)
    _slug(agency_id, "agency_id")
    letter = letter.strip().upper()
    if len(letter) != 1 or not letter.isalpha() or not letter.isascii():
        raise ValidationFailed.field("letter", "validation.letter")
    taken = {a.letter for a in catalog.agencies.values() if a.agency_id != agency_id}
    if letter in taken:
        raise InUse("agency.letter_taken", letter=letter)
    agency = Agency(agency_id, mall_id, name.strip(), letter)
    before = catalog.agencies.get(agency_id)
    store.apply(mall_id, _change(principal, "agency.put", agency_id,
                                 asdict(before) if before else None, asdict(agency)),
                saves=[store.agency_item(agency)])
    return mall_view(principal, mall_id, now)


def delete_agency(principal: Principal, mall_id: str, agency_id: str, now: datetime) -> dict:
    catalog = managed(principal, mall_id)
    agency = catalog.agencies.get(agency_id)
    if agency is None:
        raise NotFound("agency.not_found")
    if any(s.agency_id == agency_id for s in catalog.services.values()):
        raise InUse("agency.has_services")
    store.apply(mall_id, _change(principal, "agency.delete", agency_id, asdict(agency)),
                deletes=[store.agency_item(agency)])
    return mall_view(principal, mall_id, now)


def put_service(principal: Principal, mall_id: str, service_id: str, fields: dict,
                now: datetime) -> dict:
    """Create or change a service. Lowering its seats cancels nobody (see update_settings)."""
    catalog = managed(principal, mall_id)
    _slug(service_id, "service_id")
    if fields["agency_id"] not in catalog.agencies:
        raise ValidationFailed.field("agency_id", "validation.unknown_agency")
    before = catalog.services.get(service_id)
    service = Service(service_id=service_id, mall_id=mall_id, agency_id=fields["agency_id"],
                      agency_name="", name=fields["name"].strip(),
                      requirements=tuple(fields.get("requirements") or ()),
                      slot_minutes=fields["slot_minutes"], capacity=fields["capacity"],
                      online=fields.get("online", True),
                      walkin_quota=fields.get("walkin_quota", 0),
                      name_en=(fields.get("name_en") or "").strip(),
                      requirements_en=tuple(fields.get("requirements_en") or ()))
    if before is not None and before.slot_minutes != service.slot_minutes \
            and _booked_days(service, catalog.mall, now):
        raise InUse("service.slot_length_in_use")
    store.apply(mall_id, _change(principal, "service.put", service_id,
                                 _service_view(before) if before else None,
                                 _service_view(service)),
                saves=[store.service_item(service)])
    conflicts = []
    if before is not None and service.capacity < before.capacity:
        conflicts = over_capacity([service], catalog.mall, now)
    elif before is not None and service.capacity > before.capacity:
        _offer_new_seats(catalog.mall, {service_id: catalog.mall.seats(before)}, now)
    return {**mall_view(principal, mall_id, now), "conflicts": conflicts}


def delete_service(principal: Principal, mall_id: str, service_id: str, now: datetime) -> dict:
    """Remove a service nobody has booked in the booking window; one with bookings is retired
    instead: it takes nothing new, its bookings stay (listed by `service_bookings` to move or
    cancel) and its counters keep serving it."""
    catalog = managed(principal, mall_id)
    service = catalog.services.get(service_id)
    if service is None:
        raise NotFound("service.not_found")
    if _booked_days(service, catalog.mall, now):
        if not service.retired:
            retired = replace(service, retired=True)
            store.apply(mall_id, _change(principal, "service.retire", service_id,
                                         _service_view(service), _service_view(retired)),
                        saves=[store.service_item(retired)])
        return mall_view(principal, mall_id, now)
    counters = [replace(c, service_ids=tuple(x for x in c.service_ids if x != service_id))
                for c in catalog.counters.values() if service_id in c.service_ids]
    store.apply(mall_id, _change(principal, "service.delete", service_id,
                                 _service_view(service)),
                saves=[store.counter_item(c) for c in counters],
                deletes=[store.service_item(service)])
    return mall_view(principal, mall_id, now)


def service_bookings(principal: Principal, mall_id: str, service_id: str,
                     now: datetime) -> list[dict]:
    """The bookings a service still holds from today on, by date and time (for a retired
    one: to move, cancel or keep): one Query for the days that hold any, then one per such
    day."""
    catalog = managed(principal, mall_id)
    service = catalog.services.get(service_id)
    if service is None:
        raise NotFound("service.not_found")
    days = sorted(d for (sid, d) in _taken_by_day(catalog.mall, now) if sid == service_id)
    found = [b for day in days for b in booking_store.expected_on(mall_id, day)
             if b.service_id == service_id and b.status == "booked"]
    return [{"booking_id": b.booking_id, "code": b.code, "status": b.status,
             "service_id": b.service_id, "date": b.date, "start": b.start, "end": b.end,
             "assisted": bool(b.booked_by), "holder_name": b.holder_name or ""}
            for b in sorted(found, key=lambda b: (b.date, b.start, b.booking_id))]


def put_counter(principal: Principal, mall_id: str, counter_id: str, name: str,
                service_ids: list[str], now: datetime) -> dict:
    catalog = managed(principal, mall_id)
    _slug(counter_id, "counter_id")
    unknown = [sid for sid in service_ids if sid not in catalog.services]
    if unknown or not service_ids:
        raise ValidationFailed.field("service_ids", "validation.unknown_service")
    counter = Counter(counter_id, mall_id, name.strip(), tuple(dict.fromkeys(service_ids)))
    before = catalog.counters.get(counter_id)
    store.apply(mall_id, _change(principal, "counter.put", counter_id,
                                 asdict(before) if before else None, asdict(counter)),
                saves=[store.counter_item(counter)])
    return mall_view(principal, mall_id, now)


def delete_counter(principal: Principal, mall_id: str, counter_id: str, now: datetime) -> dict:
    catalog = managed(principal, mall_id)
    counter = catalog.counters.get(counter_id)
    if counter is None:
        raise NotFound("counter.not_found")
    store.apply(mall_id, _change(principal, "counter.delete", counter_id, asdict(counter)),
                deletes=[store.counter_item(counter)])
    return mall_view(principal, mall_id, now)


def _slug(value: str, field: str) -> None:
    if not is_slug(value):
        raise ValidationFailed.field(field, "validation.slug")


# --- slots over their seats -----------------------------------------------------------------------


def _window(mall: Mall, now: datetime) -> list[date]:
    today = schedule.local_today(mall, now)
    return [today + timedelta(days=n) for n in range(mall.max_days_ahead + 1)]


def _taken_by_day(mall: Mall, now: datetime) -> dict[tuple[str, str], int]:
    """Seats held per (service, day) of the booking window, from the statistics' counters:
    one Query for the whole mall, so that only the days holding bookings are read slot by
    slot (the check after a capacity change read every service's every day: 5-12 s)."""
    window = _window(mall, now)
    taken = {}
    for row in stats_store.read(mall.mall_id, window[0].isoformat(), window[-1].isoformat()):
        held = (int(row.get("bookings", 0)) - int(row.get("cancellations", 0))
                - int(row.get("rescheduled", 0)) - int(row.get("moved_by_closure", 0)))
        if held > 0:
            taken[(row["service_id"], row["date"])] = held
    return taken


def _booked_days(service: Service, mall: Mall, now: datetime) -> list[date]:
    """Days of the booking window on which the service holds bookings."""
    taken = _taken_by_day(mall, now)
    return [day for day in _window(mall, now) if (service.service_id, day.isoformat()) in taken]


def over_capacity(services, mall: Mall, now: datetime) -> list[dict]:
    """Slots of the booking window holding more bookings than their seats now allow. Nobody
    is cancelled: these slots take no new booking until enough cancel. A day whose bookings
    in all do not exceed one slot's seats cannot hold such a slot, so only the others are
    read slot by slot (a Query each)."""
    taken_days = _taken_by_day(mall, now)
    found = []
    for service in services:
        if not service.online:
            continue
        seats = mall.seats(service)
        for day in _window(mall, now):
            if taken_days.get((service.service_id, day.isoformat()), 0) <= seats:
                continue
            taken = booking_store.seats_taken(mall.mall_id, service.service_id, day.isoformat())
            found += [{"service_id": service.service_id, "date": day.isoformat(), "start": start,
                       "booked": booked, "seats": seats}
                      for start, booked in sorted(taken.items()) if booked > seats]
    return found


def conflicts(principal: Principal, mall_id: str, now: datetime) -> list[dict]:
    catalog = managed(principal, mall_id)
    return over_capacity(catalog.services.values(), catalog.mall, now)


# --- staff and admins ----------------------------------------------------------------------------


def staff(principal: Principal, mall_id: str) -> list[dict]:
    managed(principal, mall_id)
    return [{"account_id": e.account_id, "email": e.email, "name": e.name, "role": e.role,
             "created_at": e.created_at, "disabled": bool(e.disabled)}
            for e in account_store.staff_of(mall_id)]


def create_staff(principal: Principal, mall_id: str, email: str, name: str, role: str,
                 now: datetime, rights=()) -> dict:
    """A staff account (any admin of the mall) or a mall admin (a super admin only), with a
    temporary password answered once, to hand over in person."""
    managed(principal, mall_id)
    if role == "admin":
        _super(principal)
    password = secrets.token_urlsafe(9)
    change = _change(principal, "account.create", email, None,
                     {"email": email, "name": name, "role": role, "rights": list(rights)})
    account_id = accounts.register(email=email, password=password, name=name,
                                   phone="0800 0000 0000", nik="", now=now, role=role,
                                   mall_id=mall_id, verified=True, rights=rights,
                                   extra=lambda s: store.audited(s, mall_id, change))
    return {"account_id": account_id, "email": email, "name": name, "role": role,
            "rights": list(rights), "temporary_password": password}


def set_staff_disabled(principal: Principal, mall_id: str, account_id: str, disabled: bool,
                       now: datetime) -> dict:
    managed(principal, mall_id)
    account = account_store.get(account_id) if account_id.isalnum() else None
    if account is None or account.mall_id != mall_id:
        raise NotFound("account.not_found")
    if account.role == "admin" and principal.role != "super":
        raise Forbidden("role.super_only")
    change = _change(principal, "account.disable" if disabled else "account.enable",
                     account_id, {"disabled": bool(account.disabled)}, {"disabled": disabled})
    account_store.set_disabled(account, disabled,
                               extra=lambda s: store.audited(s, mall_id, change))
    return next(s for s in staff(principal, mall_id) if s["account_id"] == account_id)


def create_super_admin(email: str, name: str, password: str, now: datetime) -> str:
    """The city's super admin (command line only: no route creates one)."""
    return accounts.register(email=email, password=password, name=name, phone="0800 0000 0000",
                             nik="", now=now, role="super", mall_id=None, verified=True)


# --- the audit log -------------------------------------------------------------------------------


def audit(principal: Principal, mall_id: str, limit: int = 100) -> list[dict]:
    managed(principal, mall_id)
    return [{"at": e.at, "actor": e.actor, "action": e.action, "target": e.target,
             "before": e.before, "after": e.after}
            for e in store.audit_log(mall_id, min(max(limit, 1), 500))]
