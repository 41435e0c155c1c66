"""PynamoDB models of the single Antre table.

One table, generic keys (`pk`, `sk`), a `type` discriminator so a Query over a partition
returns typed items. Key layout (all strings):

| item              | pk                                | sk                          |
|-------------------|-----------------------------------|-----------------------------|
| mall directory    | MALLS                             | MALL#<mall_id>              |
| mall profile      | MALL#<mall_id>                    | PROFILE                     |
| agency / service  | MALL#<mall_id>                    | AGENCY#<id> / SERVICE#<id>  |
| closure           | MALL#<mall_id>                    | CLOSURE#<YYYY-MM-DD>        |
| slot counter      | SLOTS#<mall>#<service>#<date>     | <HH:MM>                     |
| account           | ACCOUNT#<account_id>              | PROFILE                     |
| booking           | ACCOUNT#<account_id>              | BOOKING#<booking_id (ULID)> |
| email claim       | EMAIL#<email>                     | EMAIL                       |
| citizen state     | NIK#<nik_hmac>                    | STATE                       |
| one-per-day guard | NIK#<nik_hmac>                    | GUARD#<mall>#<service>#<date> |
| booking code      | CODE#<code>                       | CODE                        |
| idempotency key   | IDEMP#<account_id>#<key>          | IDEMP                       |
| login throttle    | LOGIN#<email>                     | THROTTLE                    |
| outbox mail       | MAIL#<mail_id>                    | MAIL                        |
| kiosk key         | KIOSK#<sha256 of key>             | KIOSK                       |

The `due` index is sparse: outbox mail waiting to be sent carries `due_pk` = DUE; mail
that failed for good moves to `due_pk` = FAILED#<mall_id> so the mall's admins can list it.
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


class AgencyItem(Item, discriminator="agency"):
    agency_id = UnicodeAttribute()
    name = UnicodeAttribute()


class ServiceItem(Item, discriminator="service"):
    service_id = UnicodeAttribute()
    agency_id = UnicodeAttribute()
    name = UnicodeAttribute()
    requirements = ListAttribute(of=UnicodeAttribute, default=list)
    slot_minutes = NumberAttribute(default=30)
    capacity = NumberAttribute(default=4)
    online = BooleanAttribute(default=True)


class ClosureItem(Item, discriminator="closure"):
    date = UnicodeAttribute()
    reason = UnicodeAttribute(default="")


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
    password_hash = UnicodeAttribute()
    role = UnicodeAttribute(default="citizen")  # citizen | staff | admin
    mall_id = UnicodeAttribute(null=True)  # staff and admins belong to one mall
    verified = BooleanAttribute(default=False)
    verify_code_hash = UnicodeAttribute(null=True)
    verify_expires_at = NumberAttribute(null=True)
    verify_attempts = NumberAttribute(default=0)
    created_at = UnicodeAttribute()


class EmailClaim(Item, discriminator="email_claim"):
    """Makes an email address unique: created with attribute_not_exists with the account."""

    account_id = UnicodeAttribute()


class CitizenState(Item, discriminator="citizen"):
    """One per NIK: makes the NIK unique and holds the citizen's active bookings.

    `active` maps booking_id -> slot end (epoch seconds); entries whose slot has ended are
    pruned on the next booking. `version` is the optimistic lock for that map.
    """

    account_id = UnicodeAttribute()
    active = MapAttribute(default=dict)
    version = NumberAttribute(default=0)


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


class CodeClaim(Item, discriminator="code"):
    """Makes a booking code unique and finds its booking by key."""

    booking_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    mall_id = UnicodeAttribute()


class IdempotencyRecord(Item, discriminator="idempotency"):
    booking_id = UnicodeAttribute()
    request_hash = UnicodeAttribute()


class LoginThrottle(Item, discriminator="login_throttle"):
    failures = NumberAttribute(default=0)
    locked_until = NumberAttribute(default=0)


class OutboxMail(Item, discriminator="mail"):
    """An email to send; written in the same transaction as the change it reports."""

    mail_id = UnicodeAttribute()
    kind = UnicodeAttribute()
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


class KioskKey(Item, discriminator="kiosk_key"):
    """A kiosk's key, stored as its SHA-256 (pk KIOSK#<sha256>), bound to one mall."""

    mall_id = UnicodeAttribute()
    label = UnicodeAttribute(default="")


def create_table(wait: bool = True) -> None:
    """Create the table and its index from these definitions (local emulator and tests)."""
    if not Item.exists():
        Item.create_table(wait=wait, billing_mode="PAY_PER_REQUEST")

