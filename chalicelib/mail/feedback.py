"""SES's bounces and complaints, reported by the stage's configuration set to an SNS topic,
reach the app here: the addresses are suppressed so no mail goes to them again (SES counts
bounces and complaints against the account and may stop its sending), and the citizen's
page asks for a working address.

Deployed as its own Lambda function, `antre-<stage>-ses_feedback`, subscribed by chalice to
the topic `antre-<stage>-ses-feedback` that infra/template.yaml creates.
"""
from __future__ import annotations

import json
import logging

from chalice import Blueprint

from chalicelib import clock, config
from chalicelib.store import suppression

log = logging.getLogger(__name__)
bp = Blueprint(__name__)

TOPIC = f"antre-{config.get().stage}-ses-feedback"


def addresses_to_suppress(message: dict) -> list[tuple[str, str, str | None]]:
    """(email, reason, detail) for each recipient SES reports a permanent bounce or a
    complaint for. A transient bounce (full mailbox, greylisting) suppresses nothing: the
    retry and the next mail may well arrive. Both SES message shapes are read: the
    configuration set's events (`eventType`) and identity notifications
    (`notificationType`)."""
    kind = message.get("eventType") or message.get("notificationType")
    if kind == "Bounce":
        bounce = message.get("bounce") or {}
        if bounce.get("bounceType") != "Permanent":
            return []
        return [(r["emailAddress"], "bounce", bounce.get("bounceSubType"))
                for r in bounce.get("bouncedRecipients", []) if r.get("emailAddress")]
    if kind == "Complaint":
        complaint = message.get("complaint") or {}
        return [(r["emailAddress"], "complaint", complaint.get("complaintFeedbackType"))
                for r in complaint.get("complainedRecipients", []) if r.get("emailAddress")]
    return []


@bp.on_sns_message(topic=TOPIC, name="ses_feedback")
def ses_feedback(event):
    """Suppress the addresses one SES notification reports."""
    try:
        message = json.loads(event.message)
    except (TypeError, ValueError):
        log.warning("SES feedback that is not JSON, passed over")
        return {"suppressed": 0}
    found = addresses_to_suppress(message)
    for email, reason, detail in found:
        suppression.suppress(email, reason, detail, clock.now())
    if found:  # the count only: addresses are personal data
        log.info("suppressed %d address(es) after an SES %s", len(found), found[0][1])
    return {"suppressed": len(found)}
