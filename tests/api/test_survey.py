"""The satisfaction survey (SKM) through the API: a done ticket answers once, without login,
for a few days; the answer is counted in its service-day and holds no personal data; the
mall's admin reads the index (IKM) with the latest comments, the public the indices alone.

Monday 7 December 2026: walk-ins from 09:00 WIB, served at Loket 2 (KTP-el, Kartu Keluarga).
"""
import re
from datetime import timedelta

import pytest

from chalicelib.domain import skm
from chalicelib.store import stats as stats_store
from chalicelib.store import survey as survey_store
from chalicelib.store.models import Ticket
from tests.api.helpers import admin_token, booked, call, login
from tests.api.test_checkin import check_in, walk_in
from tests.api.test_queue import serve

TODAY = "2026-12-07"
GOOD = [4, 3, 3, 4, 3, 4, 4, 3, 3]


def served_ticket(client, fixed_clock, service="ktp-el") -> dict:
    """A walk-in ticket called, started and finished at Loket 2."""
    if fixed_clock.now().hour < 2:  # before 09:00 WIB (02:00 UTC)
        fixed_clock.advance(timedelta(hours=2))
    status, ticket = walk_in(client, service)
    assert status == 201, ticket
    staff = login(client, "staff@antre.local", "staff-demo-123")
    assert serve(client, staff) == ticket["ticket_number"]
    return ticket


def survey(client, ticket, lang=None):
    headers = {"Accept-Language": lang} if lang else None
    return call(client, "GET", f"/v1/tickets/{ticket['ticket_id']}/survey", headers=headers)


def answer(client, ticket, scores=GOOD, **extra):
    return call(client, "POST", f"/v1/tickets/{ticket['ticket_id']}/survey",
                {"scores": scores, **extra})


def test_a_done_ticket_answers_once_and_the_answer_is_counted(client, fixed_clock):
    ticket = served_ticket(client, fixed_clock)
    status, form = survey(client, ticket)
    assert status == 200 and form["state"] == "open" and form["open"] is True
    assert len(form["questions"]) == 9
    assert form["questions"][0]["points"][3]["label"] == "Sangat sesuai"
    assert survey(client, ticket, "en")[1]["questions"][3]["points"][3]["label"] == "Free"

    status, body = answer(client, ticket, comment="  Petugas ramah, antre cepat.  ",
                          age_group="30_39", sex="female", education="s1")
    assert status == 201, body
    assert body == {"answered": True, "ticket_number": ticket["ticket_number"],
                    "complaint_url": None}
    assert survey(client, ticket)[1]["state"] == "answered"
    status, body = answer(client, ticket)
    assert status == 409 and body["code"] == "survey_answered"

    row = next(r for r in stats_store.read("kota-bogor", TODAY, TODAY)
               if r["service_id"] == "ktp-el")
    assert stats_store.survey_sums(row, skm.ELEMENT_IDS) == (1, GOOD)
    assert row["skm_n"] == 1 and row["skm:persyaratan"] == 4 and row["skm:sarana"] == 3
    (stored,) = survey_store.responses("kota-bogor", TODAY, TODAY)
    assert stored.comment == "Petugas ramah, antre cepat." and list(stored.scores) == GOOD


def test_the_stored_answer_holds_no_personal_data(client, fixed_clock):
    token, booking = booked(client, date=TODAY, start="09:00")
    fixed_clock.advance(timedelta(hours=1, minutes=50))  # 08:50: check in for 09:00
    status, ticket = check_in(client, booking["code"])
    assert status in (200, 201), ticket
    staff = login(client, "staff@antre.local", "staff-demo-123")
    fixed_clock.advance(timedelta(minutes=15))
    assert serve(client, staff) == ticket["ticket_number"]
    assert answer(client, ticket, comment="ok")[0] == 201

    (stored,) = survey_store.responses("kota-bogor", TODAY, TODAY)
    raw = stored.serialize()
    # its key holds the day and a random id, no time of answering
    assert re.fullmatch(r"2026-12-07#[0-9a-f]{16}", raw["sk"]["S"])
    assert set(raw) <= {"pk", "sk", "type", "mall_id", "date", "service_id", "agency_id",
                        "scores", "comment", "age_group", "sex", "education", "expires_at",
                        "due_pk", "due_sk"}
    held = Ticket.get(f"TICKET#{ticket['ticket_id']}", "TICKET")
    text = repr(raw)
    for secret in (ticket["ticket_id"], booking["booking_id"], booking["code"], held.account_id,
                   held.nik_hash, ticket["ticket_number"]):
        assert secret and secret not in text
    assert held.surveyed is True


def test_only_a_done_ticket_may_answer_and_only_for_seven_days(client, fixed_clock):
    fixed_clock.advance(timedelta(hours=2))
    status, waiting = walk_in(client)
    assert status == 201
    assert survey(client, waiting)[1]["state"] == "closed"
    status, body = answer(client, waiting)
    assert status == 409 and body["code"] == "survey_not_open"
    assert "7" in body["message"]

    staff = login(client, "staff@antre.local", "staff-demo-123")
    assert serve(client, staff) == waiting["ticket_number"]
    fixed_clock.advance(timedelta(days=7, minutes=-1))
    assert survey(client, waiting)[1]["state"] == "open"
    fixed_clock.advance(timedelta(minutes=2))
    assert survey(client, waiting)[1]["state"] == "closed"
    status, body = answer(client, waiting)
    assert status == 409 and body["code"] == "survey_not_open"
    assert stats_store.read("kota-bogor", TODAY, TODAY) and not survey_store.responses(
        "kota-bogor", TODAY, TODAY)


@pytest.mark.parametrize("body, field", [
    ({"scores": [4] * 8}, "scores"),
    ({"scores": [4] * 10}, "scores"),
    ({"scores": [4] * 8 + [5]}, "scores"),
    ({"scores": [4] * 8 + [0]}, "scores"),
    ({"scores": [4] * 8 + ["4"]}, "scores"),
    ({"scores": [4] * 9, "comment": "x" * 501}, "comment"),
    ({"scores": [4] * 9, "comment": "baris satu\nbaris dua"}, "comment"),
    ({"scores": [4] * 9, "comment": "abc\u202edcba"}, "comment"),
    ({"scores": [4] * 9, "sex": "other"}, "sex"),
    ({"scores": [4] * 9, "age_group": "12"}, "age_group"),
    ({"scores": [4] * 9, "education": "s9"}, "education"),
    ({"scores": [4] * 9, "name": "Budi"}, "name"),
])
def test_bad_answers_are_refused_and_change_nothing(client, fixed_clock, body, field):
    ticket = served_ticket(client, fixed_clock)
    status, answer_body = call(client, "POST", f"/v1/tickets/{ticket['ticket_id']}/survey", body)
    assert status == 422 and answer_body["code"] == "validation_error", answer_body
    assert field in repr(answer_body)
    assert survey(client, ticket)[1]["state"] == "open"
    assert not survey_store.responses("kota-bogor", TODAY, TODAY)


def test_an_unknown_ticket_is_404(client, fixed_clock):
    for ticket_id in ("x" * 22, "not a ticket"):
        assert survey(client, {"ticket_id": ticket_id})[0] == 404
        assert answer(client, {"ticket_id": ticket_id})[0] == 404


def test_a_low_score_with_a_comment_offers_lapor(client, fixed_clock):
    ticket = served_ticket(client, fixed_clock)
    status, body = answer(client, ticket, [4, 4, 1, 4, 4, 4, 4, 4, 4], comment="Lama sekali")
    assert status == 201 and body["complaint_url"] == "https://www.lapor.go.id"
    assert body["ticket_number"] == ticket["ticket_number"]


def test_answers_are_throttled_per_address(client, fixed_clock):
    from chalicelib.services import throttle

    throttle.set_limit("survey_address", 1, 3600)
    try:
        first, second = served_ticket(client, fixed_clock), served_ticket(client, fixed_clock)
        assert answer(client, first)[0] == 201
        status, body = answer(client, second)
        assert status == 429 and body["code"] == "too_many_attempts"
        assert survey(client, second)[1]["state"] == "open"
    finally:
        throttle.reset_limits()


# --- the index ---------------------------------------------------------------------------------


def test_the_admin_reads_the_index_and_comments_and_the_public_the_index(client, fixed_clock):
    # the worked example of tests/unit/test_skm.py: 82.41, B
    answers = [(4, 3, 3, 4, 3, 4, 4, 3, 3), (3, 3, 2, 4, 3, 3, 4, 2, 3),
               (4, 4, 3, 4, 4, 3, 4, 3, 2)]
    comments = ["Bagus", None, "Ruang tunggu panas"]
    for scores, comment in zip(answers, comments):
        ticket = served_ticket(client, fixed_clock)
        extra = {"comment": comment} if comment else {}
        assert answer(client, ticket, list(scores), **extra)[0] == 201
    served_ticket(client, fixed_clock, "kartu-keluarga")  # served, no answer

    token = admin_token(client)
    status, report = call(client, "GET", f"/v1/admin/malls/kota-bogor/skm?from={TODAY}&to={TODAY}",
                          token=token)
    assert status == 200, report
    assert report["mall"]["ikm"] == 82.41 and report["mall"]["grade"] == "B"
    assert report["mall"]["respondents"] == 3 and report["mall"]["served"] == 4
    assert report["mall"]["minimum_respondents"] == 4 and report["mall"]["enough"] is False
    ktp = next(s for s in report["services"] if s["service_id"] == "ktp-el")
    assert ktp["ikm"] == 82.41 and ktp["respondents"] == 3 and ktp["served"] == 3
    assert [e["mean"] for e in ktp["elements"]] == [3.67, 3.33, 2.67, 4.0, 3.33, 3.33, 4.0,
                                                    2.67, 2.67]
    kk = next(s for s in report["services"] if s["service_id"] == "kartu-keluarga")
    assert kk["respondents"] == 0 and kk["ikm"] is None and kk["served"] == 1
    (agency,) = report["agencies"]
    assert agency["respondents"] == 3 and agency["ikm"] == 82.41
    by_comment = {c["comment"]: c for c in report["comments"]}
    assert set(by_comment) == {"Ruang tunggu panas", "Bagus"}
    assert by_comment["Ruang tunggu panas"]["scores"] == list(answers[2])
    assert by_comment["Bagus"]["date"] == TODAY

    status, public = call(client, "GET", f"/v1/malls/kota-bogor/skm?from={TODAY}&to={TODAY}")
    assert status == 200 and public["mall"]["ikm"] == 82.41 and "comments" not in public
    assert call(client, "GET", f"/v1/malls/kota-bogor/skm?from={TODAY}&to={TODAY}",
                headers={"Accept-Language": "en"})[1]["mall"]["grade_name"] == "Good"


def test_the_index_asks_for_a_valid_period_and_the_own_mall(client, fixed_clock):
    token = admin_token(client)
    for query in ("", f"?from={TODAY}", f"?from={TODAY}&to=2026-12-01", "?from=x&to=y",
                  "?from=2026-01-01&to=2027-12-31"):
        status, body = call(client, "GET", f"/v1/admin/malls/kota-bogor/skm{query}", token=token)
        assert status == 422 and body["code"] == "validation_error", (query, body)
        assert call(client, "GET", f"/v1/malls/kota-bogor/skm{query}")[0] == 422
    assert call(client, "GET", f"/v1/malls/nowhere/skm?from={TODAY}&to={TODAY}")[0] == 404
    status, body = call(client, "GET", f"/v1/admin/malls/nowhere/skm?from={TODAY}&to={TODAY}",
                        token=token)
    assert status == 404


def test_the_statistics_rows_and_csv_carry_the_day_index(client, fixed_clock):
    ticket = served_ticket(client, fixed_clock)
    assert answer(client, ticket, [4] * 9)[0] == 201
    token = admin_token(client)
    status, rows = call(client, "GET", f"/v1/admin/malls/kota-bogor/stats?from={TODAY}&to={TODAY}",
                        token=token)
    (row,) = [r for r in rows if r["service_id"] == "ktp-el"]
    assert row["skm_respondents"] == 1 and row["ikm"] == 100.0 and row["ikm_grade"] == "A"
    answer_csv = client.http.get(f"/v1/admin/malls/kota-bogor/stats?from={TODAY}&to={TODAY}"
                                 "&format=csv", headers={"Authorization": f"Bearer {token}"})
    head, line = answer_csv.body.decode().splitlines()[:2]
    # headed in the reader's language (Bahasa Indonesia by default), after a byte order mark
    assert head.endswith("Responden SKM,IKM,Mutu IKM") and line.endswith(",1,100.0,A")


def test_the_survey_and_the_index_stay_within_their_dynamodb_budget(client, fixed_clock):
    from chalicelib.store import catalog as catalog_store
    from tests.api.test_request_counts import dynamodb_calls

    ticket = served_ticket(client, fixed_clock)
    token = admin_token(client)
    catalog_store.cache.ttl = 300
    try:
        survey(client, ticket)  # warm the catalog
        with dynamodb_calls() as form:
            assert survey(client, ticket)[0] == 200
        with dynamodb_calls() as answered:
            assert answer(client, ticket, comment="Cepat")[0] == 201
        period = f"?from=2026-11-08&to={TODAY}"
        call(client, "GET", f"/v1/malls/kota-bogor/skm{period}")
        with dynamodb_calls() as public:
            assert call(client, "GET", f"/v1/malls/kota-bogor/skm{period}")[0] == 200
        with dynamodb_calls() as admin:
            assert call(client, "GET", f"/v1/admin/malls/kota-bogor/skm{period}",
                        token=token)[0] == 200
    finally:
        catalog_store.cache.ttl = None
    print(f"\n[skm] form {dict(form)}, answer {dict(answered)}, public index {dict(public)}, "
          f"admin index {dict(admin)}")
    assert form == {"GetItem": 1}  # the ticket
    # the ticket, the address's throttle window, ONE transaction (ticket, answer, counters)
    assert answered == {"GetItem": 1, "UpdateItem": 1, "TransactWriteItems": 1}
    assert public == {"Query": 1}  # a month of day counters
    # the admin's account, the mall's fresh catalog, the counters and the commented answers
    assert admin == {"GetItem": 1, "Query": 3}
