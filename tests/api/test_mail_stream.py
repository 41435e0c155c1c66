"""Mail leaves through the table's stream, as deployed: the request only writes the outbox
item; the stream's handler (`send_new_mail`) sends it, once, even when Lambda hands the
same records over again (it delivers at least once)."""
import json
import urllib.request

from app import send_new_mail
from infra.local.streams import StreamFeeder
from tests.api.helpers import BOOK, call, citizen
from tests.conftest import EMULATOR, emulator_mail


def _mailbox(to: str) -> list[dict]:
    """What SES accepted so far, without running the stream's handler first."""
    with urllib.request.urlopen(f"{EMULATOR.url}/_antre/mail") as answer:
        return [m for m in json.loads(answer.read()) if m["to"] == to]


def test_the_request_writes_the_mail_and_the_stream_sends_it_once(client):
    email, token = citizen(client)
    status, booking = call(client, "POST", "/v1/bookings", BOOK, token=token)
    assert status == 201
    assert not [m for m in _mailbox(email) if booking["code"] in m["subject"]]  # not yet
    sent = [m for m in emulator_mail(email) if booking["code"] in m["subject"]]
    assert len(sent) == 1
    again = StreamFeeder(send_new_mail)  # the whole stream handed over a second time
    assert again.feed() > 0
    assert len(_mailbox(email)) == 2  # the verification and the confirmation, once each


def test_other_changes_pass_the_sender_by(client):
    email, _ = citizen(client)
    before = len(_mailbox(email))
    counts: dict = {}

    def handler(event, context):
        for status, n in send_new_mail(event, context).items():
            counts[status] = counts.get(status, 0) + n

    StreamFeeder(handler).feed()  # everything since the table was made, again
    assert counts["skipped"] > 0  # the account, its email claim, the seed's catalog...
    assert "sent" not in counts and "left" not in counts  # the verification went already
    assert len(_mailbox(email)) == before
