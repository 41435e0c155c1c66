"""PynamoDB models of the single Antre table.

One table, generic keys (`pk`, `sk`), a `type` discriminator so a Query over a partition
returns typed items. Key layout (all strings):

| item              | pk                                | sk                          |
|-------------------|-----------------------------------|-----------------------------|
| mall directory    | MALLS                             | MALL#<mall_id>              |
| mall profile      | MALL#<mall_id>                    | PROFILE                     |
| agency / service  | MALL#<mall_id>                    | AGENCY#<id> / SERVICE#<id>  |
| closed day        | MALL#<mall_id>                    | CLOSURE#<date>[#<service>]  |
| closure job       | CLOSURES#<mall_id>                | <ulid of the closure>       |
| audit entry       | AUDIT#<mall_id>                   | <ISO instant>#<ulid>        |
| statistics        | STATS#<mall_id>                   | <date>#<service_id>         |
| slot counter      | SLOTS#<mall>#<service>#<date>     | <HH:MM>                     |
| account           | ACCOUNT#<account_id>              | PROFILE                     |
| mall's staff      | STAFF#<mall_id>                   | <account_id>                |
| booking           | ACCOUNT#<account_id>              | BOOKING#<booking_id (ULID)> |
| email claim       | EMAIL#<email>                     | EMAIL                       |
| citizen state     | NIK#<nik_hmac>                    | STATE                       |
| the NIK key ring  | META#nik-key                      | RING                        |
| one-per-day guard | NIK#<nik_hmac>                    | GUARD#<mall>#<service>#<date> |
| one waitlist each | NIK#<nik_hmac>                    | WAIT#<mall>#<service>#<date> |
| waitlist entry    | ACCOUNT#<account_id>              | WAITLIST#<ulid>             |
| booking code      | CODE#<code>                       | CODE                        |
| idempotency key   | IDEMP#<account_id>#<key>          | IDEMP                       |
| assisted: by NIK  | NIK#<nik_hmac>                    | ASSISTED#<booking_id>       |
| assisted: staff   | ASSISTED#<mall_id>#<staff_id>     | BOOKING#<booking_id>        |
| assisted: a day's | ASSISTED#<mall_id>#<staff_id>     | DAY#<date>                  |
| rate limit window | THROTTLE#<limit>:<subject>        | <window number>             |
| outbox mail       | MAIL#<mail_id>                    | MAIL                        |
| counter (loket)   | MALL#<mall_id>                    | COUNTER#<counter_id>        |
| kiosk key         | KIOSK#<sha256 of key>             | KIOSK                       |
| mall's kiosks     | KIOSKS#<mall_id>                  | <kiosk_id>                  |
| hall QR token use | QR#<token id>                     | USES / PHONE#<phone id>     |
| ticket            | TICKET#<ticket_id>                | TICKET                      |
| floor: counter    | FLOOR#<mall>#<date>               | C#<counter_id>              |
| floor: agency     | FLOOR#<mall>#<date>               | N#<agency_id>               |
| floor: waiting    | FLOOR#<mall>#<date>               | W#<service_id>#T#<ticket_id>|
| survey response   | SKM#<mall_id>                     | <date>#<random id>          |

The floor partition holds one mall's day on site: each counter's state (what the TV shows:
one Query over `C#`), each agency's ticket numbers and walk-in counts, and one entry per
waiting ticket (what call-next reads: one Query).

The `due` index is sparse: outbox mail waiting to be sent carries `due_pk` = DUE#<0-9>; mail
that failed for good moves to `due_pk` = FAILED#<mall_id> so the mall's admins can list it.
A booking that is still expected at the mall carries `due_pk` = ARRIVE#<mall>#<date> and
`due_sk` = its check-in deadline, so the no-show sweep finds the late ones with a Query.
A survey response with a comment carries `due_pk` = SKMC#<mall_id> and `due_sk` = its own
sk, so the admin page reads the latest comments with one Query.
"""
from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib import config


class DueIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "due"
        projection = AllProjection()
        # On-demand tables ignore these; PynamoDB wants them for moto and provisioned tables.
        read_capacity_units = 1
        write_capacity_units = 1

    due_pk = UnicodeAttribute(hash_key=True)
    due_sk = UnicodeAttribute(range_key=True)


def _meta():
    cfg = config.get()

    class Meta:
        table_name = cfg.table_name
        region = cfg.region
        host = cfg.endpoint_url
        billing_mode = "PAY_PER_REQUEST"
        max_pool_connections = 32  # threaded local server and race tests
        # new outbox items reach the mail sender through the table's stream (as in
        # infra/template.yaml); only create_table reads this
        stream_view_type = "NEW_IMAGE"

    return Meta


class Item(Model):
    Meta = _meta()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    type = DiscriminatorAttribute(attr_name="type")
    expires_at = NumberAttribute(null=True)  # DynamoDB TTL (epoch seconds)
    due_pk = UnicodeAttribute(null=True)
    due_sk = UnicodeAttribute(null=True)
    due = DueIndex()


# --- catalog -----------------------------------------------------------------------------


class MallEntry(Item, discriminator="mall_entry"):
    """The mall's line in the public directory (one Query lists every mall)."""

    mall_id = UnicodeAttribute()
    name = UnicodeAttribute()
    city = UnicodeAttribute()
    timezone = UnicodeAttribute()


class MallProfile(Item, discriminator="mall"):
    mall_id = UnicodeAttribute()
    name = UnicodeAttribute()
    city = UnicodeAttribute()
    timezone = UnicodeAttribute()
    address = UnicodeAttribute(default="")
    # {"0": {"open": "08:00", "close": "15:00", "breaks": [["11:30", "13:00"]]}, ...}
    weekly_hours = JSONAttribute(default=dict)
    min_lead_minutes = NumberAttribute(default=60)
    max_days_ahead = NumberAttribute(default=30)
    closed_on_holidays = BooleanAttribute(default=True)
    checkin_early_minutes = NumberAttribute(default=120)
    checkin_late_minutes = NumberAttribute(default=30)
    recalls_before_no_show = NumberAttribute(default=2)
    no_show_after_minutes = NumberAttribute(default=5)
    no_show_limit = NumberAttribute(default=3)
    no_show_window_days = NumberAttribute(default=90)
    no_show_pause_days = NumberAttribute(default=30)
    waitlist_hold_minutes = NumberAttribute(default=15)
    requeue_grace_minutes = NumberAttribute(default=30)
    nudge_minutes = NumberAttribute(default=5)
    nudge_position = NumberAttribute(default=3)
    capacity_percent = NumberAttribute(default=100)
    rebook_horizon_days = NumberAttribute(default=14)
    # {"2026-12-24": {"open": "09:00", "close": "12:00", "breaks": []}}
    special_hours = JSONAttribute(default=dict)
    version = NumberAttribute(default=0)  # every catalog change adds 1 (see store.catalog)


class AgencyItem(Item, discriminator="agency"):
    agency_id = UnicodeAttribute()
    name = UnicodeAttribute()
    letter = UnicodeAttribute(default="A")


class ServiceItem(Item, discriminator="service"):
    service_id = UnicodeAttribute()
    agency_id = UnicodeAttribute()
    name = UnicodeAttribute()
    requirements = ListAttribute(of=UnicodeAttribute, default=list)
    slot_minutes = NumberAttribute(default=30)
    capacity = NumberAttribute(default=4)
    online = BooleanAttribute(default=True)
    walkin_quota = NumberAttribute(default=0)
    name_en = UnicodeAttribute(default="")
    requirements_en = ListAttribute(of=UnicodeAttribute, default=list)
    retired = BooleanAttribute(null=True)  # see domain.catalog.Service.retired


class LastImport(Item, discriminator="last_import"):
    """What the last YAML import of a mall wrote (pk IMPORT#<mall>, outside the catalog's
    partition so catalog reads stay small): a re-import compares the live catalog with it to
    name the admin-page changes the file would revert."""

    mall_id = UnicodeAttribute()
    at = UnicodeAttribute()
    items = JSONAttribute(default=dict)


class CounterItem(Item, discriminator="counter"):
    counter_id = UnicodeAttribute()
    name = UnicodeAttribute()
    service_ids = ListAttribute(of=UnicodeAttribute, default=list)


class ClosureItem(Item, discriminator="closure"):
    """A closed date of the whole mall, or of one service (`service_id`)."""

    date = UnicodeAttribute()
    reason = UnicodeAttribute(default="")
    service_id = UnicodeAttribute(null=True)
    closure_id = UnicodeAttribute(null=True)  # the closure (and its rebooking job) it belongs to


class AuditEntry(Item, discriminator="audit"):
    """Who changed what in a mall, when, with the state before and after."""

    mall_id = UnicodeAttribute()
    at = UnicodeAttribute()
    actor = UnicodeAttribute()  # account id, or "cli:<name>"
    action = UnicodeAttribute()  # e.g. service.update, closure.create
    target = UnicodeAttribute(default="")
    before = JSONAttribute(null=True)
    after = JSONAttribute(null=True)


class SlotCounter(Item, discriminator="slot"):
    """Seats taken in one slot. Only ever changed by conditional, atomic ADDs."""

    booked = NumberAttribute(default=0)


# --- accounts ------------------------------------------------------------------------------


class Account(Item, discriminator="account"):
    account_id = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    phone = UnicodeAttribute()
    nik_hash = UnicodeAttribute(null=True)
    nik_last4 = UnicodeAttribute(null=True)
    nik_key = UnicodeAttribute(null=True)  # the id of the key nik_hash was made with (None: "1")
    password_hash = UnicodeAttribute()
    role = UnicodeAttribute(default="citizen")  # citizen | staff | admin
    mall_id = UnicodeAttribute(null=True)  # staff and admins belong to one mall
    verified = BooleanAttribute(default=False)
    verify_code_hash = UnicodeAttribute(null=True)
    verify_expires_at = NumberAttribute(null=True)
    verify_attempts = NumberAttribute(default=0)
    created_at = UnicodeAttribute()
    disabled = BooleanAttribute(default=False)
    sms_opt_in = BooleanAttribute(default=False)  # codes, reminders, offers also by SMS
    # tokens carry this; a password reset or "log out everywhere" adds 1, ending them all
    token_version = NumberAttribute(default=0)
    reset_code_hash = UnicodeAttribute(null=True)
    reset_expires_at = NumberAttribute(null=True)
    reset_attempts = NumberAttribute(default=0)
    # until then (epoch) no reset code is sent: too many wrong codes in a day
    codes_locked_until = NumberAttribute(null=True)
    # the phone is proven once its owner typed back the code sent to it by SMS; only a
    # proven phone gets anything else by SMS
    phone_verified = BooleanAttribute(default=False)
    phone_code_hash = UnicodeAttribute(null=True)
    phone_code_expires_at = NumberAttribute(null=True)
    phone_attempts = NumberAttribute(default=0)
    rights = ListAttribute(of=UnicodeAttribute, default=list)  # staff: e.g. ["claim"]


class StaffEntry(Item, discriminator="staff_entry"):
    """A staff or admin account in its mall's list (pk STAFF#<mall_id>, sk account id)."""

    account_id = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    role = UnicodeAttribute()
    created_at = UnicodeAttribute()
    disabled = BooleanAttribute(default=False)


class EmailClaim(Item, discriminator="email_claim"):
    """Makes an email address unique: created with attribute_not_exists with the account.
    An unverified account's claim carries its expiry (`expires_at`, DynamoDB's TTL) and
    may be taken over once that has passed, even before DynamoDB deleted it."""

    account_id = UnicodeAttribute()


class NikKeyRing(Item, discriminator="nik_key_ring"):
    """Which NIK keys the table's hashes were made with (pk META#nik-key, sk RING): each key
    id with its fingerprint (an HMAC of a fixed text under the key, never the key), and the
    current one. Written with the first citizen; every write that hashes a typed NIK checks
    `current` in its transaction (services.nik_keys)."""

    current = UnicodeAttribute()
    fingerprints = MapAttribute(default=dict)  # key id -> fingerprint
    updated_at = UnicodeAttribute(null=True)


class CitizenState(Item, discriminator="citizen"):
    """One per NIK: makes the NIK unique and holds the citizen's active bookings.

    `active` maps booking_id -> slot end (epoch seconds); entries whose slot has ended are
    pruned on the next booking. `version` is the optimistic lock for that map.
    """

    account_id = UnicodeAttribute(null=True)  # None: booked for by staff, no account yet
    nik_key = UnicodeAttribute(null=True)  # the id of the key of the pk's hash (None: "1")
    # the account holding the NIK is unverified and gone at this instant (epoch): from then
    # on another registration may take the NIK over
    claim_expires_at = NumberAttribute(null=True)
    active = MapAttribute(default=dict)
    version = NumberAttribute(default=0)
    no_shows = ListAttribute(of=NumberAttribute, default=list)  # before per-mall marks; unused
    # waitlist entries waiting or offered: waitlist_id -> end of their day (epoch); at most
    # `waitlist_max_entries`, changed only at the version that was read (as `active`)
    waiting = MapAttribute(default=dict)
    # each no-show as "<mall_id>#<epoch>": a mall's no-show policy counts its own only
    mall_no_shows = ListAttribute(of=UnicodeAttribute, default=list)


class BookingGuard(Item, discriminator="guard"):
    """Exists while the citizen holds an active booking of that service on that date."""

    booking_id = UnicodeAttribute()


class Booking(Item, discriminator="booking"):
    booking_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    code = UnicodeAttribute()
    status = UnicodeAttribute()
    mall_id = UnicodeAttribute()
    service_id = UnicodeAttribute()
    date = UnicodeAttribute()
    start = UnicodeAttribute()
    end = UnicodeAttribute()
    start_at = NumberAttribute()  # epoch seconds; conditions compare it with `now`
    end_at = NumberAttribute()
    nik_hash = UnicodeAttribute()
    sequence = NumberAttribute(default=0)  # bumped on each change (calendar SEQUENCE)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    ticket_id = UnicodeAttribute(null=True)  # once checked in at the kiosk
    # a booking made by staff for a citizen without an account (assisted booking)
    holder_name = UnicodeAttribute(null=True)
    holder_phone = UnicodeAttribute(null=True)
    holder_nik_last4 = UnicodeAttribute(null=True)
    reminded_at = UnicodeAttribute(null=True)  # the day-before reminder went out
    booked_by = UnicodeAttribute(null=True)  # the staff account


class AssistedRef(Item, discriminator="assisted_ref"):
    """Where a booking staff made for a citizen lives (under the mall's owner key): one under
    the NIK (its citizen lists and cancels it once they have an account) and one under the
    staff member who made it (their own list)."""

    booking_id = UnicodeAttribute()
    owner_id = UnicodeAttribute()


class AssistedDay(Item, discriminator="assisted_day"):
    """How many bookings a staff member made for citizens on one day (the mall's date):
    raised only below the daily limit, in the booking's own transaction."""

    count = NumberAttribute(default=0)


class CodeClaim(Item, discriminator="code"):
    """Makes a booking code unique and finds its booking by key.

    It also carries what the kiosk needs to decide a check-in (service, date, start,
    status, ticket), kept in step with the booking by every transaction that changes it,
    so a check-in reads this one item instead of the booking.
    """

    booking_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    mall_id = UnicodeAttribute()
    service_id = UnicodeAttribute(null=True)
    date = UnicodeAttribute(null=True)
    start = UnicodeAttribute(null=True)
    start_at = NumberAttribute(null=True)
    status = UnicodeAttribute(null=True)
    ticket_id = UnicodeAttribute(null=True)
    nik_hash = UnicodeAttribute(null=True)


class IdempotencyRecord(Item, discriminator="idempotency"):
    booking_id = UnicodeAttribute()
    request_hash = UnicodeAttribute()


class ThrottleWindow(Item, discriminator="throttle"):
    """Attempts of one key (an account, an address, a kiosk) in one time window."""

    count = NumberAttribute(default=0)


class OutboxMail(Item, discriminator="mail"):
    """An email to send; written in the same transaction as the change it reports."""

    mail_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    channel = UnicodeAttribute(default="email")  # email (SES) | sms (SNS, `to` is a phone)
    to = UnicodeAttribute()
    context = JSONAttribute()
    status = UnicodeAttribute(default="pending")  # pending | sent | failed
    attempts = NumberAttribute(default=0)
    last_error = UnicodeAttribute(null=True)
    lease_until = NumberAttribute(default=0)
    ref = UnicodeAttribute(null=True)  # booking_id or account_id it is about
    mall_id = UnicodeAttribute(null=True)  # whose admins see it if it fails for good
    created_at = UnicodeAttribute()
    sent_at = UnicodeAttribute(null=True)
    ses_message_id = UnicodeAttribute(null=True)
    # not sent after this instant (epoch seconds): a message that could not go out in time is
    # dropped, never sent late (a turn nudge)
    send_before = NumberAttribute(null=True)


# A request about an address nobody holds writes this instead of a code (status "decoy":
# neither the stream's sender nor the retry ever sends it; TTL deletes it), so both answers
# cost the same writes and the same time.
DECOY = "decoy"


class KioskKey(Item, discriminator="kiosk_key"):
    """A kiosk's key, stored as its SHA-256 (pk KIOSK#<sha256>), bound to one mall.

    Revoking a kiosk deletes this item; transactions a kiosk makes check that it exists."""

    mall_id = UnicodeAttribute()
    kiosk_id = UnicodeAttribute(default="")
    label = UnicodeAttribute(default="")
    # kiosk: check-in, walk-ins, hall QR; display (the hall's TV): the hall QR only
    kind = UnicodeAttribute(default="kiosk")


class KioskEntry(Item, discriminator="kiosk"):
    """The kiosk in its mall's list (pk KIOSKS#<mall_id>), for the admin; no key in it."""

    kiosk_id = UnicodeAttribute()
    mall_id = UnicodeAttribute()
    label = UnicodeAttribute()
    key_hash = UnicodeAttribute()
    kind = UnicodeAttribute(default="kiosk")  # kiosk | display
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute(null=True)
    revoked_at = UnicodeAttribute(null=True)


class ClosureJob(Item, discriminator="closure_job"):
    """A closure's rebooking run (pk CLOSURES#<mall_id>). Its counts change in the
    same transaction as each booking it moves or cancels, so they survive any crash. While
    it runs it sits in the sparse `due` index under JOBS, where the sweep finds a stalled one.
    """

    closure_id = UnicodeAttribute()
    mall_id = UnicodeAttribute()
    service_id = UnicodeAttribute(null=True)  # None: the whole mall
    date_from = UnicodeAttribute()
    date_to = UnicodeAttribute()
    reason = UnicodeAttribute(default="")
    status = UnicodeAttribute(default="running")  # running | done | failed
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    finished_at = UnicodeAttribute(null=True)
    lease_until = NumberAttribute(default=0)
    runs = NumberAttribute(default=0)
    affected = NumberAttribute(null=True)  # counted by the first run
    moved = NumberAttribute(default=0)
    cancelled = NumberAttribute(default=0)
    failed = MapAttribute(default=dict)  # booking_id -> why it could not be placed
    # "<account_id>#<booking_id>" of the moved or cancelled bookings nobody could email
    # (staff booked them for a citizen without an account): the people to phone
    to_phone = UnicodeSetAttribute(null=True)
    failed_runs = NumberAttribute(default=0)  # runs that raised; at 3 the job is failed
    last_error = UnicodeAttribute(null=True)  # the last such run's error (no personal data)
    # opened again (its days from this date on), when and by whom; its moves stay as they are
    reopened_from = UnicodeAttribute(null=True)
    reopened_at = UnicodeAttribute(null=True)
    reopened_by = UnicodeAttribute(null=True)


class WaitlistEntry(Item, discriminator="waitlist"):
    """A citizen waiting for a seat of a service on a date (pk ACCOUNT#<id>, sk
    WAITLIST#<ulid>). While waiting it sits in the sparse `due` index under
    WAITQ#<mall>#<service>#<date>, oldest first; once offered, under OFFERS#<mall> by the
    offer's expiry, where the sweep finds the lapsed offers."""

    waitlist_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    nik_hash = UnicodeAttribute()
    mall_id = UnicodeAttribute()
    service_id = UnicodeAttribute()
    date = UnicodeAttribute()
    status = UnicodeAttribute(default="waiting")  # waiting|offered|accepted|left|expired
    created_at = UnicodeAttribute()
    offer_start = UnicodeAttribute(null=True)
    offer_expires_at = NumberAttribute(null=True)
    booking_id = UnicodeAttribute(null=True)
    counted = BooleanAttribute(default=False)  # in its citizen's `waiting` map


# --- the mall floor -------------------------------------------------------------------------


class Ticket(Item, discriminator="ticket"):
    """A queue number (pk TICKET#<ticket_id>). Instants are epoch seconds."""

    ticket_id = UnicodeAttribute()
    mall_id = UnicodeAttribute()
    date = UnicodeAttribute()  # the mall's local date
    agency_id = UnicodeAttribute()
    service_id = UnicodeAttribute()
    number = NumberAttribute()
    ticket_number = UnicodeAttribute()  # "B-017"
    kind = UnicodeAttribute()  # booking | walkin
    priority = BooleanAttribute(default=False)
    source = UnicodeAttribute(default="kiosk")  # kiosk | phone | transfer
    status = UnicodeAttribute()  # waiting | called | serving | done | no_show | transferred
    booking_id = UnicodeAttribute(null=True)
    account_id = UnicodeAttribute(null=True)  # the booking's owner (its key)
    nik_hash = UnicodeAttribute(null=True)  # a booked citizen's, for the no-show policy
    counter_id = UnicodeAttribute(null=True)
    recalls = NumberAttribute(default=0)
    arrived_at = NumberAttribute()  # when the citizen joined the queue (kept on transfer)
    slot_start_at = NumberAttribute(null=True)
    issued_at = NumberAttribute()
    called_at = NumberAttribute(null=True)
    last_called_at = NumberAttribute(null=True)
    started_at = NumberAttribute(null=True)
    finished_at = NumberAttribute(null=True)
    transferred_to = UnicodeAttribute(null=True)
    transferred_from = UnicodeAttribute(null=True)
    # the survey was answered for this ticket (set once, by the answer's transaction); the
    # answer itself names no ticket
    surveyed = BooleanAttribute(null=True)
    # put back in line once after a no-show (services.queue.requeue), at this instant
    requeued_at = NumberAttribute(null=True)
    # the citizen was told their turn is near (services.nudge), at this instant
    nudged_at = NumberAttribute(null=True)


class FloorCounter(Item, discriminator="floor_counter"):
    """A counter's day: its current ticket, its last announcements, its calling streak."""

    counter_id = UnicodeAttribute()
    current_ticket_id = UnicodeAttribute(null=True)
    current_number = UnicodeAttribute(null=True)
    current_service_id = UnicodeAttribute(null=True)
    current_status = UnicodeAttribute(null=True)
    called_at = NumberAttribute(null=True)
    freed_at = NumberAttribute(null=True)  # when its last ticket ended (staffed or not)
    recalls = NumberAttribute(default=0)
    streak = NumberAttribute(default=0)  # calls since this counter last called a walk-in
    # the last few calls and recalls: [{"id", "number", "at", "kind"}], newest last
    announcements = JSONAttribute(default=list)
    version = NumberAttribute(default=0)
    # who works at it (set when staff open the counter on the counter page) and their break
    staff_id = UnicodeAttribute(null=True)
    staff_name = UnicodeAttribute(null=True)
    opened_at = NumberAttribute(null=True)
    on_break = BooleanAttribute(default=False)
    break_since = NumberAttribute(null=True)


class FloorAgency(Item, discriminator="floor_agency"):
    """An agency's day: the ticket number sequence. Per service it also holds, as attributes
    named `walkins:<service_id>` and `waiting:<service_id>`, the walk-ins issued (checked
    against the quota in the same write that takes a number) and the tickets waiting."""

    seq = NumberAttribute(default=0)


class StatsDay(Item, discriminator="stats"):
    """A service's day in numbers (see store.stats: its counters are named attributes)."""

    mall_id = UnicodeAttribute()
    date = UnicodeAttribute()
    service_id = UnicodeAttribute()
    served = NumberAttribute(default=0)
    serve_count = NumberAttribute(default=0)
    serve_seconds = NumberAttribute(default=0)


class SurveyResponse(Item, discriminator="survey"):
    """One answer to the satisfaction survey (pk SKM#<mall_id>, sk <date>#<random id>): the
    service's day, the nine scores, the optional comment and respondent profile. No ticket,
    booking, account, name, NIK or address, and no time of answering (which, beside the
    tickets' finishing times, would point at one): nothing that says who answered."""

    mall_id = UnicodeAttribute()
    date = UnicodeAttribute()  # the day of the service (the ticket's date)
    service_id = UnicodeAttribute()
    agency_id = UnicodeAttribute()
    scores = ListAttribute(of=NumberAttribute)  # in the order of domain.skm.ELEMENTS
    comment = UnicodeAttribute(null=True)
    age_group = UnicodeAttribute(null=True)
    sex = UnicodeAttribute(null=True)
    education = UnicodeAttribute(null=True)


class WaitingEntry(Item, discriminator="waiting"):
    """One waiting ticket in its service's queue; deleted by the one call that takes it."""

    ticket_id = UnicodeAttribute()
    ticket_number = UnicodeAttribute()
    number = NumberAttribute(default=0)
    service_id = UnicodeAttribute()
    agency_id = UnicodeAttribute(default="")
    kind = UnicodeAttribute()
    priority = BooleanAttribute(default=False)
    arrived_at = NumberAttribute()
    slot_start_at = NumberAttribute(null=True)
    issued_at = NumberAttribute(default=0)
    booking_id = UnicodeAttribute(null=True)
    requeued = BooleanAttribute(null=True)  # back in line after a no-show: behind those waiting
    nudged = BooleanAttribute(null=True)  # told once that its turn is near (no reads again)


class BackEntry(Item, discriminator="back"):
    """A no-show that may still be put back in line (pk FLOOR#<mall>#<day>, sk
    BACK#<ticket_number>): the counter's list and the kiosk's typed number find it by key.
    Its key sorts before the counters' (C#), so the floor's hot Queries never read it."""

    ticket_id = UnicodeAttribute()
    ticket_number = UnicodeAttribute()
    service_id = UnicodeAttribute()
    no_show_at = NumberAttribute()


def create_table(wait: bool = True) -> None:
    """Create the table and its index from these definitions (local emulator and tests)."""
    if not Item.exists():
        Item.create_table(wait=wait, billing_mode="PAY_PER_REQUEST")

