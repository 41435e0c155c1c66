"""SES's bounces and complaints: the SNS handler suppresses the addresses, the sender then
sends nothing to them, and the account says so until the citizen asks to try again."""
from __future__ import annotations

import json

from chalicelib.mail import feedback, sender
from chalicelib.store import outbox, suppression
from tests.api.helpers import call, citizen
from tests.conftest import emulator_mail


def ses_event(kind: str, email: str, **detail) -> str:
    """An SES event as the configuration set publishes it to SNS (eventType shape)."""
    if kind == "Bounce":
        body = {"bounceType": detail.get("bounce_type", "Permanent"),
                "bounceSubType": "General", "bouncedRecipients": [{"emailAddress": email}]}
    else:
        body = {"complaintFeedbackType": "abuse", "complainedRecipients": [{"emailAddress": email}]}
    return json.dumps({"eventType": kind, kind.lower(): body,
                       "mail": {"destination": [email], "messageId": "x"}})


def notify(client, message: str) -> dict:
    event = client.events.generate_sns_event(message=message, subject="")
    return client.lambda_.invoke("ses_feedback", event).payload


def test_a_permanent_bounce_stops_mail_and_the_account_says_so(client):
    email, token = citizen(client)
    assert call(client, "GET", "/v1/me", token=token)[1]["email_undeliverable"] is False

    assert notify(client, ses_event("Bounce", email.upper())) == {"suppressed": 1}
    me = call(client, "GET", "/v1/me", token=token)[1]
    assert me["email_undeliverable"] is True

    before = len(emulator_mail(email))
    mail = outbox.new_mail("verify", email, {"name": "x", "code": "123456"}, "ref",
                           client_now())
    mail.save()
    assert sender.deliver(mail, client_now()) == "failed"
    assert len(emulator_mail(email)) == before  # nothing went out
    assert "suppressed" in outbox.get(mail.mail_id).last_error

    status, me = call(client, "POST", "/v1/me/email/resume", token=token)
    assert status == 200 and me["email_undeliverable"] is False
    assert not suppression.is_suppressed(email)


def test_a_complaint_suppresses_and_a_transient_bounce_does_not(client):
    assert notify(client, ses_event("Bounce", "full@example.id",
                                    bounce_type="Transient")) == {"suppressed": 0}
    assert not suppression.is_suppressed("full@example.id")
    assert notify(client, ses_event("Complaint", "angry@example.id")) == {"suppressed": 1}
    assert suppression.get("angry@example.id").reason == "complaint"
    assert notify(client, "not json") == {"suppressed": 0}
    assert notify(client, json.dumps({"eventType": "Delivery"})) == {"suppressed": 0}


def test_identity_notifications_are_read_too():
    message = {"notificationType": "Bounce", "bounce": {
        "bounceType": "Permanent", "bounceSubType": "NoEmail",
        "bouncedRecipients": [{"emailAddress": "a@example.id"}, {"status": "5.1.1"}]}}
    assert feedback.addresses_to_suppress(message) == [("a@example.id", "bounce", "NoEmail")]


def client_now():
    from chalicelib import clock

    return clock.now()
