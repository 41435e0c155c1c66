"""What each step of the citizen's journey costs in DynamoDB calls (botocore events, no
timing), with a budget per step and no Scan anywhere. Printed with `-s`; issue 7's closing
note quotes the figures.
"""
from collections import Counter

from tests.api.helpers import BOOK, call, citizen, nik, verification_code
from tests.api.test_request_counts import dynamodb_calls, warm_catalog  # noqa: F401
from tests.api.test_accounts import reset_code

# step: the most calls it may make (as measured when written: a regression guard). A cancel
# that frees a seat of a full day offers it to the first waiting citizen in a second
# transaction; registering and the codes count their attempts (rate limits) first.
# Registering also reads the malls' list once per container (cached), for the cities a
# password must not lean on. Issue 14: registering also counts the notices its address may
# get and reads its email's claim before writing (a taken address then costs the same calls
# as a new one); verify and reset confirm count the attempt per account across codes.
# The bookings list also queries the bookings staff made at a desk for the NIK the caller
# holds (they are the NIK's, not the account's: a second Query, nearly always empty).
# Joining a waitlist checks what booking checks (the citizen's state for the active-booking
# limit and the pause; their bookings of that day), and the offer a cancel makes reads the
# first waiting citizen's state so a seat is never held for someone who cannot take it.
# Issue 15: registering with a NIK reads the table's NIK key marker once per container
# (cached; then only checked inside the account's transaction), so a wrong key hashes nothing.
BUDGET = {
    "register": 6, "verify": 6, "log in": 4, "me": 3, "malls": 1, "mall": 1,
    "days (30-day window)": 2, "slots": 1, "book": 2, "list bookings": 3,
    "calendar.ics": 2, "reschedule": 4, "cancel": 9, "join waitlist": 5,
    "waitlist": 2, "accept offer": 4, "reset asked": 4, "reset confirmed": 6,
}


def test_each_step_of_the_journey_stays_within_its_budget(client, warm_catalog, capsys):  # noqa: F811
    counts: dict[str, Counter] = {}

    def step(name, method, path, body=None, token=None, ok=(200, 201, 202)):
        with dynamodb_calls() as seen:
            status, answer = call(client, method, path, body, token=token)
        assert status in ok, (name, status, answer)
        counts[name] = seen
        return answer

    email = "journey@example.id"
    step("register", "POST", "/v1/accounts", {
        "email": email, "password": "kuda-lari-123", "name": "Warga Jalan",
        "phone": "0812-3456-7890", "nik": nik(9001)})
    step("verify", "POST", "/v1/accounts/verify",
         {"email": email, "code": verification_code(email)})
    token = step("log in", "POST", "/v1/sessions",
                 {"email": email, "password": "kuda-lari-123"})["token"]
    step("me", "GET", "/v1/me", token=token)
    step("malls", "GET", "/v1/malls")
    step("mall", "GET", "/v1/malls/kota-bogor")
    step("days (30-day window)", "GET", "/v1/malls/kota-bogor/services/akta-kelahiran/days"
         "?from=2026-12-07&to=2027-01-06")
    step("slots", "GET", "/v1/malls/kota-bogor/services/akta-kelahiran/slots?date=2026-12-08")
    booking = step("book", "POST", "/v1/bookings", {**BOOK, "service_id": "akta-kelahiran"},
                   token=token)
    step("list bookings", "GET", "/v1/bookings", token=token)
    step("calendar.ics", "GET", f"/v1/bookings/{booking['booking_id']}/calendar.ics",
         token=token)
    step("reschedule", "POST", f"/v1/bookings/{booking['booking_id']}/reschedule",
         {"date": "2026-12-08", "start": "10:00"}, token=token)

    # a full day: the others take every seat of Wednesday's Akta Kelahiran
    full = {**BOOK, "service_id": "akta-kelahiran", "date": "2026-12-09"}
    holders = []
    for start in [f"{h:02d}:{m:02d}" for h in range(8, 15) for m in (0, 30)]:
        for _ in range(3):
            other = citizen(client)[1]
            status, made = call(client, "POST", "/v1/bookings", {**full, "start": start},
                                token=other)
            assert status == 201, made
            holders.append((other, made))
    step("join waitlist", "POST", "/v1/waitlist",
         {k: full[k] for k in ("mall_id", "service_id", "date")}, token=token)
    other, freed = holders[0]
    step("cancel", "POST", f"/v1/bookings/{freed['booking_id']}/cancel", token=other)
    entry = step("waitlist", "GET", "/v1/waitlist", token=token)[0]
    assert entry["status"] == "offered", entry
    step("accept offer", "POST", f"/v1/waitlist/{entry['waitlist_id']}/accept", token=token)

    step("reset asked", "POST", "/v1/accounts/password-reset", {"email": email})
    code = reset_code(email)
    step("reset confirmed", "POST", "/v1/accounts/password-reset/confirm",
         {"email": email, "code": code, "password": "kata-sandi-baru-77"})

    with capsys.disabled():
        print("\n[journey] DynamoDB calls per step: " + "; ".join(
            f"{name} {sum(seen.values())} ({', '.join(f'{k} {v}' for k, v in sorted(seen.items()))})"
            for name, seen in counts.items()))
    for name, seen in counts.items():
        assert "Scan" not in seen, name
        assert sum(seen.values()) <= BUDGET[name], (name, dict(seen))
