"""A mall admin sees mail that failed for good and can send it again."""
from datetime import timedelta

from chalicelib.mail import sender
from tests.api.helpers import BOOK, call, citizen, login
from tests.conftest import emulator_mail, fail_next_ses_sends


def test_failed_mail_is_listed_for_the_malls_admin_and_can_be_resent(client, fixed_clock,
                                                                    caplog):
    email, token = citizen(client)
    fail_next_ses_sends(100)
    status, booking = call(client, "POST", "/v1/bookings", BOOK, token=token)
    assert status == 201
    for _ in range(10):
        fixed_clock.advance(timedelta(hours=1))
        sender.deliver_due(fixed_clock.now())
    admin = login(client, "admin@antre.local", "admin-demo-123")
    status, failed = call(client, "GET", "/v1/admin/malls/kota-bogor/mail/failed", token=admin)
    assert status == 200 and len(failed) == 1
    assert failed[0]["booking_id"] == booking["booking_id"]
    # one line for the stack's mail-dead alarm, once, when it failed for good
    dead = [r for r in caplog.records if sender.MAIL_DEAD_LOG in r.getMessage()]
    assert len(dead) == 1 and failed[0]["mail_id"] in dead[0].getMessage()
    assert failed[0]["status"] == "failed" and failed[0]["attempts"] == 8
    assert "MessageRejected" in failed[0]["last_error"]

    assert call(client, "GET", "/v1/admin/malls/kota-bogor/mail/failed", token=token)[1]["code"] == "forbidden"
    mail_id = failed[0]["mail_id"]
    assert call(client, "POST", f"/v1/admin/malls/kota-bogor/mail/{mail_id}/retry", token=token)[0] == 403

    fail_next_ses_sends(0)
    status, retried = call(client, "POST", f"/v1/admin/malls/kota-bogor/mail/{mail_id}/retry", token=admin)
    assert (status, retried["status"]) == (200, "sent")
    assert [m for m in emulator_mail(email) if booking["code"] in m["text"]]
    assert call(client, "GET", "/v1/admin/malls/kota-bogor/mail/failed", token=admin) == (200, [])
    assert call(client, "POST", "/v1/admin/malls/kota-bogor/mail/NOPE/retry", token=admin)[0] == 404
