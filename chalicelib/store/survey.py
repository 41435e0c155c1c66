"""The satisfaction survey in DynamoDB: one answer per ticket, counted as it is stored.

The guarantee is one transaction: the ticket is marked `surveyed` only while it is done,
unmarked and within the answering window (the conditional write that makes the answer
once), the answer is stored without any reference to the ticket, and the service-day's
counters add its scores (store.stats), so the index is read from counters, never a Scan.
"""
from __future__ import annotations

from chalicelib.store import stats
from chalicelib.store.bookings import TransactionFailed, run
from chalicelib.store.models import SurveyResponse, Ticket

__all__ = ["TransactionFailed", "answer_once", "latest_comments", "responses_pk"]


def responses_pk(mall_id: str) -> str:
    return f"SKM#{mall_id}"


def comments_pk(mall_id: str) -> str:
    return f"SKMC#{mall_id}"


def answer_once(ticket: Ticket, response: SurveyResponse, survey: dict[str, int],
                finished_after: int, once: bool = True) -> None:
    """Store the answer and count it, or nothing (TransactionFailed naming "ticket").
    `once=False` drops the not-yet-answered condition: the race test's canary only."""
    condition = (Ticket.status == "done") & (Ticket.finished_at >= finished_after)
    if once:
        condition &= Ticket.surveyed.does_not_exist()

    def build(s):
        s.update("ticket", ticket, actions=[Ticket.surveyed.set(True)], condition=condition)
        s.save("response", response, condition=SurveyResponse.pk.does_not_exist())
        stats.step(s, response.mall_id, response.date, response.service_id, survey=survey)

    run(build)


def new_response(mall_id: str, day: str, random_id: str, **fields) -> SurveyResponse:
    sk = f"{day}#{random_id}"
    response = SurveyResponse(pk=responses_pk(mall_id), sk=sk, mall_id=mall_id, date=day,
                              **fields)
    if fields.get("comment"):
        # in the sparse index: the admin page's latest comments are one Query
        response.due_pk, response.due_sk = comments_pk(mall_id), sk
    return response


def latest_comments(mall_id: str, first: str, last: str, limit: int) -> list[SurveyResponse]:
    """The answers with a comment between two dates, the latest days first (within a day in
    no particular order: the key holds no time): one Query of the `due` index."""
    return list(SurveyResponse.due.query(
        comments_pk(mall_id), SurveyResponse.due_sk.between(f"{first}#", f"{last}#~"),
        scan_index_forward=False, limit=limit))


def responses(mall_id: str, first: str, last: str) -> list[SurveyResponse]:
    """Every answer between two dates (the offline export and tests; one partition)."""
    return list(SurveyResponse.query(responses_pk(mall_id),
                                     SurveyResponse.sk.between(f"{first}#", f"{last}#~"),
                                     consistent_read=True))
