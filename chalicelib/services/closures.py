"""Closing a mall (or one service) for days, and moving every booking inside the closure.

Starting a closure is one audited catalog change: the closed days (so new bookings inside
answer `slot_unavailable` at once) and the job that rebooks. The job runs outside the
admin's request (`jobs.dispatch`): it moves each affected booking, keeping its code, to the
nearest free slot of the same service after the closure within the mall's horizon (the
same time of day if it can), or cancels it with an apology; the citizen is emailed either
way. Each move is one conditional transaction like a reschedule, with the job's count in
it, so the job can stop anywhere (Lambda's time limit, a crash) and resume: what is done
has left the closed days and is not found again.
"""
from __future__ import annotations

import logging
import time as _time
from collections import Counter
from datetime import date, datetime, timedelta

from chalicelib import clock, config
from chalicelib.domain import schedule
from chalicelib.errors import Busy, ClosureOverlaps, ClosureRunning, NotFound, ValidationFailed
from chalicelib.i18n import ByLanguage, Text
from chalicelib.services import admin
from chalicelib.services.auth import Principal
from chalicelib.services.booking import mail_context, public_view
from chalicelib.store import accounts as account_store
from chalicelib.store import bookings as booking_store
from chalicelib.store import catalog as catalog_store
from chalicelib.store import closures as store
from chalicelib.store import outbox
from chalicelib.store.bookings import SeatRef, TransactionFailed, arrival_keys
from chalicelib.store.models import Booking

log = logging.getLogger(__name__)
NOT_PLACED_LOG = "closure booking not placed"

FAILED_RUNS = 3  # runs that raise before a closure's job ends as failed
MAX_DAYS = 90  # one closure's days go in one transaction (DynamoDB: 100 items)
ATTEMPTS = 4


class Crash(Exception):
    """Raised by `work(stop_after=...)`: the tests' way to kill a run half way."""


# --- starting and reading ---------------------------------------------------------------------


def _checked(principal: Principal, mall_id: str, date_from: str, date_to: str,
             service_id: str | None, now: datetime):
    """The mall's catalog and the closure's days, or the error a closure of them answers."""
    catalog = admin.managed(principal, mall_id)
    first = schedule.parse_date(date_from, "from")
    last = schedule.parse_date(date_to, "to")
    today = schedule.local_today(catalog.mall, now)
    if last < first:
        raise ValidationFailed.field("to", "validation.date_order")
    if first < today:
        raise ValidationFailed.field("from", "validation.past_date")
    if (last - first).days + 1 > MAX_DAYS:
        raise ValidationFailed.field("to", "validation.closure_too_long", days=MAX_DAYS)
    schedule.within_reach(catalog.mall, today, last, "to", closing=True)
    if service_id is not None and service_id not in catalog.services:
        raise NotFound("service.not_found")
    return catalog, [first + timedelta(days=n) for n in range((last - first).days + 1)]


def start(principal: Principal, mall_id: str, date_from: str, date_to: str, reason: str,
          service_id: str | None, now: datetime) -> dict:
    """Close the days and queue the job that rebooks; answers at once (202)."""
    catalog, days = _checked(principal, mall_id, date_from, date_to, service_id, now)
    return _close(principal, catalog, days, reason.strip(), service_id, now)


def preview(principal: Principal, mall_id: str, date_from: str, date_to: str, reason: str,
            service_id: str | None, now: datetime) -> dict:
    """What closing these days would do, decided by the job's own code (`_Run` without its
    writes): how many bookings move, to which days, how many are cancelled, how many
    citizens have no email and must be phoned. Nothing is written."""
    catalog, days = _checked(principal, mall_id, date_from, date_to, service_id, now)
    _refuse_overlap(mall_id, days, service_id, catalog)
    job = store.new_job(closure_id=store.new_id(mall_id), mall_id=mall_id,
                        service_id=service_id, date_from=days[0].isoformat(),
                        date_to=days[-1].isoformat(), reason=reason.strip(),
                        created_at=now.isoformat(timespec="seconds"),
                        created_by=principal.account_id)  # never saved
    run = _Run(job, lambda: now, dry=True)
    for day in run.days:
        for booking in run.affected_on(day):
            run.relocate(booking)
    return {"mall_id": mall_id, "service_id": service_id, "from": job.date_from,
            "to": job.date_to, "reason": job.reason, "days": len(days),
            "affected": run.handled, "moved": run.outcome["moved"],
            "cancelled": run.outcome["cancelled"], "not_emailed": run.outcome["to_phone"],
            "moved_to": [{"date": d, "bookings": n} for d, n in sorted(run.plan.items())],
            "holidays": _holidays(days)}


def _holidays(days) -> list[dict]:
    """The national holidays among the days, by their own names (a closure never hides
    them)."""
    found = []
    for day in days:
        name = schedule.holiday_name(day)
        if name:
            found.append({"date": day.isoformat(), "name": name["id"], "name_en": name["en"]})
    return found


def _refuse_overlap(mall_id: str, days: list[date], service_id: str | None, catalog) -> None:
    """409 naming the closure these days overlap: a whole-mall closure overlaps every closure
    of the mall on its days, a service closure the mall's and that service's own. One Query
    of the mall's closed days in the range."""
    for item in catalog_store.closure_items(mall_id, days[0], days[-1]):
        if service_id is not None and item.service_id not in (None, service_id):
            continue
        job = store.get(item.closure_id) if item.closure_id else None
        first, last = (job.date_from, job.date_to) if job else (item.date, item.date)
        if job is not None and job.reopened_from:
            last = (date.fromisoformat(job.reopened_from) - timedelta(days=1)).isoformat()
        other = item.service_id
        service = catalog.services.get(other) if other else None
        if service is not None:
            scope = Text("closure.scope.service",
                         name=ByLanguage(id=service.name, en=service.name_en or service.name))
        elif other:
            scope = Text("closure.scope.service", name=other)
        else:
            scope = Text("closure.scope.mall")
        raise ClosureOverlaps("closure.overlaps", scope=scope, first=date.fromisoformat(first),
                              last=date.fromisoformat(last),
                              reason=(job.reason if job else item.reason) or "-")


def _close(principal: Principal, catalog, days: list[date], reason: str,
           service_id: str | None, now: datetime) -> dict:
    """Refuse an overlap, then write the closed days, the job and the audit entry in one
    transaction that holds only while the catalog is at the version the overlap check read
    (two admins closing the same days at once: the second hears 409)."""
    mall_id = catalog.mall.mall_id
    for attempt in range(ATTEMPTS):
        catalog = catalog_store.fresh_catalog(mall_id)
        _refuse_overlap(mall_id, days, service_id, catalog)
        closure_id = store.new_id(mall_id)
        job = store.new_job(closure_id=closure_id, mall_id=mall_id, service_id=service_id,
                            date_from=days[0].isoformat(), date_to=days[-1].isoformat(),
                            reason=reason, created_at=now.isoformat(timespec="seconds"),
                            created_by=principal.account_id)
        closed = [catalog_store.closure_item(mall_id, day, reason, service_id, closure_id)
                  for day in days]
        change = catalog_store.Change(principal.account_id, "closure.create", closure_id, None,
                                      {"from": job.date_from, "to": job.date_to,
                                       "reason": reason, "service_id": service_id,
                                       "days": len(days)})
        try:
            catalog_store.apply(mall_id, change, saves=closed + [job],
                                version=catalog.mall.version)
        except catalog_store.ChangeRefused as e:
            if "version" not in e.failed:
                raise
            continue  # another change came first: check the overlap again
        from chalicelib.services import jobs

        jobs.dispatch(closure_id)
        return view(job)
    raise Busy()


def reopen(principal: Principal, closure_id: str, date_from: str | None,
           now: datetime) -> dict:
    """Open a closure's days again from `date_from` (today or its first day when left out):
    an early end, or the whole closure undone. The days' closed items go in one audited
    catalog change with the job's note; bookings already moved stay where they are and
    nobody is emailed again."""
    job = store.get(closure_id)
    if job is None:
        raise NotFound("closure.not_found")
    catalog = admin.managed(principal, job.mall_id)
    if job.status == "running":
        raise ClosureRunning()
    today = schedule.local_today(catalog.mall, now)
    first, last = date.fromisoformat(job.date_from), date.fromisoformat(job.date_to)
    if job.reopened_from:
        last = date.fromisoformat(job.reopened_from) - timedelta(days=1)
    opening = schedule.parse_date(date_from, "from") if date_from else max(today, first)
    if last < today or last < first:
        raise ValidationFailed.field("from", "validation.closure_over")
    if opening < today:
        raise ValidationFailed.field("from", "validation.past_date")
    if not first <= opening <= last:
        raise ValidationFailed.field("from", "validation.reopen_inside", first=first, last=last)
    days = [opening + timedelta(days=n) for n in range((last - opening).days + 1)]
    items = [catalog_store.closure_item(job.mall_id, day, job.reason, job.service_id, closure_id)
             for day in days]
    at = now.isoformat(timespec="seconds")
    change = catalog_store.Change(principal.account_id, "closure.reopen", closure_id,
                                  {"closed": [first.isoformat(), last.isoformat()]},
                                  {"open_from": opening.isoformat(), "days": len(days)})
    try:
        catalog_store.apply(job.mall_id, change, deletes=items,
                            extra=store.reopened(closure_id, opening.isoformat(), at,
                                                 principal.account_id))
    except catalog_store.ChangeRefused as e:
        raise ClosureRunning() from e  # its job started again or it was reopened meanwhile
    return view(store.get(closure_id))


def close_cuti_bersama(principal: Principal, mall_id: str, year: int, now: datetime) -> list:
    """Close the year's remaining *cuti bersama* (joint leave) days, as one closure each run
    of consecutive days, all rebooked like any closure."""
    catalog = admin.managed(principal, mall_id)
    today = schedule.local_today(catalog.mall, now)
    last = schedule.farthest_day(catalog.mall, today, closing=True)
    if date(year, 1, 1) > last:
        raise ValidationFailed.field("year", "validation.date_too_far", date=last)
    days = [d for d in schedule.joint_leave_days(year) if today <= d <= last
            and d not in catalog.mall.closures
            and not any(day == d for _, day in catalog.mall.service_closures)]
    runs: list[list[date]] = []
    for day in days:
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return [_close(principal, catalog, run, "Cuti bersama", None, now) for run in runs]


def view(job) -> dict:
    failed = dict(job.failed.as_dict() if hasattr(job.failed, "as_dict") else job.failed or {})
    return {"closure_id": job.closure_id, "mall_id": job.mall_id, "service_id": job.service_id,
            "from": job.date_from, "to": job.date_to, "reason": job.reason,
            "status": job.status,
            "affected": int(job.affected) if job.affected is not None else None,
            "moved": int(job.moved), "cancelled": int(job.cancelled), "failed": len(failed),
            "not_emailed": len(job.to_phone or ()),
            "failed_bookings": sorted(failed), "created_at": job.created_at,
            "finished_at": job.finished_at, "state": _state(job),
            "reopened_from": job.reopened_from, "reopened_at": job.reopened_at,
            "holidays": _holidays(_days_of(job))}


def _days_of(job) -> list[date]:
    first, last = date.fromisoformat(job.date_from), date.fromisoformat(job.date_to)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _state(job) -> str:
    """What the list shows: running, done, failed, or reopened / ended_early once its days
    (all, or from a date on) were opened again."""
    if job.reopened_from:
        return "reopened" if job.reopened_from <= job.date_from else "ended_early"
    return job.status


def status(principal: Principal, closure_id: str) -> dict:
    job = store.get(closure_id)
    if job is None:
        raise NotFound("closure.not_found")
    admin.managed(principal, job.mall_id)  # another mall's closure: 404
    return view(job)


def to_phone(principal: Principal, closure_id: str) -> list[dict]:
    """The citizens of a closure nobody could email (staff booked for them at the desk): who,
    the phone they gave, and what became of the booking, for the mall's staff to call. One
    BatchGetItem of the bookings the job noted."""
    job = store.get(closure_id)
    if job is None:
        raise NotFound("closure.not_found")
    admin.managed(principal, job.mall_id)
    keys = sorted(job.to_phone or ())
    found = booking_store.get_many([tuple(k.split("#", 1)) for k in keys])
    catalog = catalog_store.fresh_catalog(job.mall_id)
    people = []
    for b in found:
        service = catalog.services.get(b.service_id)
        people.append({"booking_id": b.booking_id, "code": b.code,
                       "name": b.holder_name or "", "phone": b.holder_phone or "",
                       "nik_last4": b.holder_nik_last4 or "",
                       "service_id": b.service_id,
                       "service_name": service.name if service else b.service_id,
                       "status": b.status, "date": b.date, "start": b.start})
    return sorted(people, key=lambda p: (p["status"], p["date"], p["start"], p["name"]))


def of_mall(principal: Principal, mall_id: str) -> list[dict]:
    admin.managed(principal, mall_id)
    return [view(j) for j in store.of_mall(mall_id)]


# --- the job --------------------------------------------------------------------------------------


def work(closure_id: str, budget_seconds: float = 600, now_of=clock.now,
         stop_after: int | None = None) -> str:
    """Run the closure's job for up to `budget_seconds`: "done", "more" (time ran out: run
    again), "failed" (this run raised; see FAILED_RUNS) or "busy" (another run holds it, or
    it is finished). `stop_after` bookings, the
    run dies (tests)."""
    job = store.get(closure_id)
    if job is None or job.status != "running":
        return "busy"
    if not store.claim(job, int(now_of().timestamp())):
        return "busy"
    deadline = _time.monotonic() + budget_seconds
    try:
        run = _Run(job, now_of)
        if job.affected is None:
            store.set_affected(job, sum(len(run.affected_on(day)) for day in run.days))
        for day in run.days:
            for booking in run.affected_on(day):
                if _time.monotonic() > deadline:
                    store.release(job)
                    return "more"
                run.relocate(booking)
                if stop_after is not None and run.handled >= stop_after:
                    raise Crash(f"stopped after {run.handled} bookings")
                if run.handled % 20 == 0:
                    store.renew(job, int(now_of().timestamp()))
        store.finish(job, now_of().isoformat(timespec="seconds"))
        return "done"
    except Crash:
        raise
    except Exception as e:
        # A run that raises is counted, not simply re-dispatched: a transient error (DynamoDB
        # busy) resumes on the next run, a lasting one ends the job as failed after
        # FAILED_RUNS runs instead of being re-dispatched by the sweep for ever.
        ended = store.run_failed(job, f"{type(e).__name__}: {e}",
                                 now_of().isoformat(timespec="seconds"), FAILED_RUNS)
        log.exception("closure %s run failed; %s", closure_id,
                      "the job is failed" if ended else "it resumes on its next run")
        return "failed"


class _Run:
    """One run of a closure's job: the catalog, the seats it has seen."""

    def __init__(self, job, now_of, dry: bool = False):
        self.job, self.now_of = job, now_of
        # dry: decide as the job would and write nothing (the preview): the seats this run
        # takes and the citizens' days it fills are kept here instead of in DynamoDB
        self.dry = dry
        self.plan: Counter = Counter()  # dry: new date -> bookings moved there
        self.outcome: Counter = Counter()  # dry: moved, cancelled, to_phone
        self.guards: dict[tuple[str, str, str], bool] = {}
        self.catalog = catalog_store.fresh_catalog(job.mall_id)
        first = date.fromisoformat(job.date_from)
        last = date.fromisoformat(job.date_to)
        self.days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        self.after = [last + timedelta(days=n)
                      for n in range(1, self.catalog.mall.rebook_horizon_days + 1)]
        self.taken: dict[tuple[str, str], dict[str, int]] = {}
        self.failed = set((job.failed.as_dict() if hasattr(job.failed, "as_dict")
                           else job.failed or {}))
        self.handled = 0

    def affected_on(self, day: date) -> list[Booking]:
        """The day's bookings this closure must move, in a fixed order (slot time, then the
        citizen), so a resumed run decides as an uninterrupted one would."""
        now_epoch = int(self.now_of().timestamp())
        found = [b for b in booking_store.expected_on(self.job.mall_id, day.isoformat())
                 if (self.job.service_id in (None, b.service_id)) and b.status == "booked"
                 and int(b.start_at) > now_epoch and b.booking_id not in self.failed]
        return sorted(found, key=lambda b: (int(b.start_at), b.nik_hash, b.booking_id))

    def _seats(self, service_id: str, day: date) -> dict[str, int]:
        key = (service_id, day.isoformat())
        if key not in self.taken:
            self.taken[key] = booking_store.seats_taken(self.job.mall_id, service_id,
                                                        day.isoformat())
        return self.taken[key]

    def _candidates(self, service, original: str):
        """Free slots after the closure, day by day; within a day the same time first, then
        the nearest times."""
        mall = self.catalog.mall
        seats = mall.seats(service)
        wanted = int(original[:2]) * 60 + int(original[3:])
        for day in self.after:
            slots = schedule.day_slots(mall, service, day)
            if not slots:
                continue
            taken = self._seats(service.service_id, day)
            by_distance = sorted(slots, key=lambda s: abs(
                s.start.hour * 60 + s.start.minute - wanted))
            for slot in by_distance:
                if taken.get(slot.start_hhmm, 0) < seats:
                    yield day, slot

    def relocate(self, booking: Booking) -> None:
        self.handled += 1
        service = self.catalog.services.get(booking.service_id)
        account = account_store.get(booking.account_id)
        if self.dry:
            moved = service is not None and self._move(booking, service, account)
            self.outcome["moved" if moved else "cancelled"] += 1
            if not _emailable(account, service):
                self.outcome["to_phone"] += 1
            return
        for _ in range(ATTEMPTS):
            try:
                if service is not None and self._move(booking, service, account):
                    return
                self._cancel(booking, service, account)
                return
            except _Gone:
                return  # cancelled, checked in or moved meanwhile: nothing to do
            except _Again:
                self.catalog = catalog_store.fresh_catalog(self.job.mall_id)
                self.taken.clear()
                service = self.catalog.services.get(booking.service_id)
        store.failed(self.job, booking.booking_id, "conflicts on every attempt")
        self.failed.add(booking.booking_id)
        # the stack's ClosureNotPlaced metric filter and alarm read this line
        log.error("%s: booking %s of closure %s", NOT_PLACED_LOG, booking.booking_id,
                  self.job.closure_id)

    def _move(self, booking: Booking, service, account) -> bool:
        mall = self.catalog.mall
        now = self.now_of()
        skip_days = set()
        for day, slot in self._candidates(service, booking.start):
            if day in skip_days:
                continue
            if self.dry:
                if self._guarded(booking, service, day):
                    skip_days.add(day)  # the citizen already has this service that day
                    continue
                self.guards[(booking.nik_hash, service.service_id, day.isoformat())] = True
                self.plan[day.isoformat()] += 1
                taken = self._seats(service.service_id, day)
                taken[slot.start_hhmm] = taken.get(slot.start_hhmm, 0) + 1
                return True
            new = SeatRef(mall.mall_id, service.service_id, day.isoformat(), slot.start_hhmm)
            mail = self._mail(booking, service, account, "booking_moved_closure",
                              date=new.date, start=new.start, end=slot.end_hhmm)
            try:
                booking_store.move_if_free(
                    booking, mall, new, int(slot.start.timestamp()), int(slot.end.timestamp()),
                    slot.end_hhmm, mall.seats(service), int(now.timestamp()),
                    now.isoformat(timespec="seconds"), mail,
                    arrival_keys(mall.mall_id, new.date, booking.booking_id,
                                 int(slot.start.timestamp()) + 60 * mall.checkin_late_minutes),
                    extra=store.counted(self.job.closure_id, "moved",
                                        None if mail else _phone_key(booking)),
                    why="moved_by_closure")
            except TransactionFailed as e:
                _raise_for(e)
                if "seat" in e.failed:
                    self._seats(service.service_id, day)[slot.start_hhmm] = mall.seats(service)
                elif "guard" in e.failed:
                    skip_days.add(day)  # the citizen already has this service that day
                continue
            taken = self._seats(service.service_id, day)
            taken[slot.start_hhmm] = taken.get(slot.start_hhmm, 0) + 1
            return True
        return False

    def _guarded(self, booking: Booking, service, day: date) -> bool:
        """Dry: would the move's guard step fail (the citizen holds this service that day)?"""
        key = (booking.nik_hash, service.service_id, day.isoformat())
        if key not in self.guards:
            self.guards[key] = booking_store.holds_day(booking.nik_hash, booking.mall_id,
                                                       service.service_id, day.isoformat())
        return self.guards[key]

    def _cancel(self, booking: Booking, service, account) -> None:
        now = self.now_of()
        mail = self._mail(booking, service, account, "booking_cancelled_closure")
        try:
            booking_store.cancel_and_release(booking, int(now.timestamp()),
                                             now.isoformat(timespec="seconds"), mail,
                                             extra=store.counted(
                                                 self.job.closure_id, "cancelled",
                                                 None if mail else _phone_key(booking)))
        except TransactionFailed as e:
            _raise_for(e)
            raise _Again() from e

    def _mail(self, booking: Booking, service, account, kind: str, **new):
        """The citizen's email, or None for a booking staff made for someone without one."""
        if not _emailable(account, service):
            return None
        base = config.get().public_base_url.rstrip("/")
        fields = {**public_view(booking), **new, "sequence": int(booking.sequence) + 1}
        ctx = {**mail_context(account, fields, self.catalog.mall, service),
               "old_date": booking.date, "old_start": booking.start,
               "reason": self.job.reason, "closed_from": self.job.date_from,
               "closed_to": self.job.date_to,
               "manage_url": f"{base}/#/b/{booking.booking_id}",
               "reschedule_url": f"{base}/#/r/{booking.booking_id}"}
        return outbox.new_messages(kind, account, ctx, ref=booking.booking_id,
                                   now=self.now_of(), mall_id=booking.mall_id)


def _emailable(account, service) -> bool:
    """Whether a closure's news reaches the citizen by email (else staff phone them)."""
    return account is not None and service is not None


def _phone_key(booking: Booking) -> str:
    return f"{booking.account_id}#{booking.booking_id}"


class _Gone(Exception):
    pass


class _Again(Exception):
    pass


def _raise_for(error: TransactionFailed) -> None:
    if "booking" in error.failed:
        raise _Gone() from error
    if "catalog" in error.failed or any(":" in step for step in error.failed):
        raise _Again() from error


def resume_stalled(now: datetime) -> int:
    """Dispatch again every running job whose lease ran out (a crashed or timed-out run):
    the sweep's safety net. One Query on the `due` index."""
    from chalicelib.services import jobs

    stalled = [j for j in store.running() if int(j.lease_until) < now.timestamp()]
    for job in stalled:
        jobs.dispatch(job.closure_id)
    return len(stalled)
