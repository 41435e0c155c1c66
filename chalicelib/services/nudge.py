"""A nudge before one's turn: a waiting citizen predicted to be called within the mall's
`nudge_minutes`, or `nudge_position`-th in line, is told once: the ticket page shows it
(banner, sound, vibration, title) and a booked citizen who opted in with a proved phone
gets one SMS through the outbox.

Where the check is made: on each call (the moment positions change) for the first few
waiting tickets of the pool the counter serves (one read of the floor for all of them,
`services.queue.floor_now`), and on each view of a waiting ticket (which has its estimate
already); a ticket once nudged is marked on its waiting entry and costs no read again. "Once" is
`store.floor.nudge_once`'s conditional write; the SMS's id is derived from the ticket, so a
second attempt writes nothing, and it carries `send_before`: the sender drops it once late,
and never sends it after the ticket was called.
"""
from __future__ import annotations

import logging
from datetime import datetime

from chalicelib.domain import queue as order
from chalicelib.store import accounts as account_store
from chalicelib.store import floor as store
from chalicelib.store import outbox

log = logging.getLogger(__name__)

KIND = "turn_nudge"


def mail_id(ticket_id: str) -> str:
    """The nudge SMS's outbox id: one per ticket, whoever writes it."""
    return f"nudge-{ticket_id}"


def near(estimate, mall, now: datetime) -> bool:
    return order.turn_near(estimate.called_at, estimate.ahead, int(now.timestamp()),
                           mall.nudge_minutes, mall.nudge_position)


def lookahead(mall) -> int:
    """How many of a pool's first waiting tickets a call checks: bounded work per call."""
    return min(max(mall.nudge_position, 1) + 2, 8)


def _sms(ticket_id: str, catalog, estimate, now: datetime, ticket=None):
    """The nudge SMS for a booked citizen who opted in with a proved phone, or None."""
    ticket = ticket or store.get_ticket(ticket_id)
    if ticket is None or not ticket.account_id:
        return None
    account = account_store.get(ticket.account_id, int(now.timestamp()))
    mall = catalog.mall
    at = datetime.fromtimestamp(int(estimate.called_at), mall.tz).strftime("%H:%M")
    sms = outbox.new_sms(KIND, account, {"number": ticket.ticket_number,
                                         "mall_name": mall.name, "at": at},
                         ticket_id, now, mall.mall_id, mail_id=mail_id(ticket_id))
    if sms is not None:
        # meant for the minutes before the call: never later than the predicted call, and
        # never later than the mall's nudge window from now
        sms.send_before = min(int(estimate.called_at),
                              int(now.timestamp()) + 60 * max(mall.nudge_minutes, 1))
        sms.send_before = max(sms.send_before, int(now.timestamp()) + 60)
    return sms


def tell_if_near(ticket_id: str, service_id: str, day: str, booked: bool, catalog, estimate,
                 now: datetime, ticket=None) -> bool:
    """Nudge this waiting ticket once if its turn is near; True if this call did it."""
    mall = catalog.mall
    if not near(estimate, mall, now):
        return False
    sms = _sms(ticket_id, catalog, estimate, now, ticket) if booked else None
    done = store.nudge_once(ticket_id, mall.mall_id, day, service_id, int(now.timestamp()),
                            sms)
    if done:
        log.info("ticket %s nudged%s", ticket_id, " with an SMS" if sms else "")
    return done
