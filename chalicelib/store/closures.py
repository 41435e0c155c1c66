"""Closure jobs: the run that moves or cancels every booking inside a closure.

The job item is claimed with a lease (one worker at a time); each booking's move or
cancellation and the job's count change in one transaction (`counted`), so a crash loses
nothing and a resumed run neither moves anybody twice nor counts anybody twice.
"""
from __future__ import annotations

from pynamodb.exceptions import UpdateError
from ulid import ULID

from chalicelib.domain.catalog import is_slug
from chalicelib.domain.identity import is_ulid
from chalicelib.store.models import ClosureJob, Item

LEASE_SECONDS = 120
RUNNING = "JOBS"


def new_id(mall_id: str) -> str:
    """A closure id names its mall, so the job is found by key from the id alone."""
    return f"{mall_id}.{ULID()}"


def _key(closure_id: str) -> tuple[str, str] | None:
    mall_id, dot, ulid = closure_id.partition(".")
    if not dot or not is_slug(mall_id) or not is_ulid(ulid):
        return None
    return f"CLOSURES#{mall_id}", ulid


def new_job(**fields) -> ClosureJob:
    pk, sk = _key(fields["closure_id"])
    return ClosureJob(pk=pk, sk=sk, status="running", due_pk=RUNNING,
                      due_sk=f"{fields['created_at']}#{fields['closure_id']}", **fields)


def get(closure_id: str) -> ClosureJob | None:
    key = _key(closure_id)
    if key is None:
        return None
    try:
        return ClosureJob.get(*key, consistent_read=True)
    except ClosureJob.DoesNotExist:
        return None


def of_mall(mall_id: str, limit: int = 20) -> list[ClosureJob]:
    """A mall's closures, newest first: one Query."""
    return list(ClosureJob.query(f"CLOSURES#{mall_id}", scan_index_forward=False, limit=limit))


def running() -> list[ClosureJob]:
    """Jobs still running (a Query on the sparse `due` index)."""
    return list(ClosureJob.due.query(RUNNING))


def claim(job: ClosureJob, now_epoch: int) -> bool:
    """Take the job's lease (one worker at a time); False if another holds it or it ended."""
    try:
        job.update(actions=[ClosureJob.lease_until.set(now_epoch + LEASE_SECONDS),
                            ClosureJob.runs.add(1)],
                   condition=(ClosureJob.status == "running")
                   & (ClosureJob.lease_until < now_epoch))
        return True
    except UpdateError as e:
        if e.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise


def renew(job: ClosureJob, now_epoch: int) -> None:
    job.update(actions=[ClosureJob.lease_until.set(now_epoch + LEASE_SECONDS)])


def release(job: ClosureJob) -> None:
    job.update(actions=[ClosureJob.lease_until.set(0)])


def set_affected(job: ClosureJob, count: int) -> None:
    job.update(actions=[ClosureJob.affected.set(count)],
               condition=ClosureJob.affected.does_not_exist())


def counted(closure_id: str, outcome: str, to_phone: str | None = None):
    """A transaction step adding 1 to the job's `moved` or `cancelled`, and the booking to
    those nobody could email (`to_phone`: "<account_id>#<booking_id>")."""
    attribute = {"moved": ClosureJob.moved, "cancelled": ClosureJob.cancelled}[outcome]

    pk, sk = _key(closure_id)

    def step(s):
        actions = [attribute.add(1)]
        if to_phone:
            actions.append(ClosureJob.to_phone.add({to_phone}))
        s.update("job", ClosureJob(pk=pk, sk=sk), actions=actions,
                 condition=Item.pk.exists())

    return step


def reopened(closure_id: str, opening: str, at: str, actor: str):
    """A transaction step noting that the closure's days from `opening` on are open again:
    only on a finished job, and only earlier than a previous reopening."""
    pk, sk = _key(closure_id)

    def step(s):
        s.update("job", ClosureJob(pk=pk, sk=sk), actions=[
            ClosureJob.reopened_from.set(opening), ClosureJob.reopened_at.set(at),
            ClosureJob.reopened_by.set(actor)],
            condition=(ClosureJob.status != "running")
            & (ClosureJob.reopened_from.does_not_exist() | (ClosureJob.reopened_from > opening)))

    return step


def failed(job: ClosureJob, booking_id: str, why: str) -> None:
    job.update(actions=[ClosureJob.failed[booking_id].set(why[:200])])


def run_failed(job: ClosureJob, error: str, finished_at: str, give_up_after: int) -> bool:
    """A run raised: count it and free the lease; after `give_up_after` failed runs the job
    ends as failed and leaves the index the sweep re-dispatches from. True if it ended."""
    job.update(actions=[ClosureJob.failed_runs.add(1), ClosureJob.lease_until.set(0),
                        ClosureJob.last_error.set(error[:300])],
               condition=ClosureJob.status == "running")
    if int(job.failed_runs) < give_up_after:
        return False
    job.update(actions=[ClosureJob.status.set("failed"), ClosureJob.finished_at.set(finished_at),
                        ClosureJob.due_pk.remove(), ClosureJob.due_sk.remove()],
               condition=ClosureJob.status == "running")
    return True


def revive(job: ClosureJob) -> bool:
    """A failed job runs again (someone fixed the cause and resumes it by hand): running,
    its failed runs counted from zero. False if it was not failed."""
    try:
        job.update(actions=[ClosureJob.status.set("running"), ClosureJob.failed_runs.set(0),
                            ClosureJob.lease_until.set(0), ClosureJob.finished_at.remove()],
                   condition=ClosureJob.status == "failed")
    except UpdateError:
        return False
    return True


def finish(job: ClosureJob, finished_at: str) -> None:
    job.update(actions=[ClosureJob.status.set("done"), ClosureJob.finished_at.set(finished_at),
                        ClosureJob.lease_until.set(0), ClosureJob.due_pk.remove(),
                        ClosureJob.due_sk.remove()],
               condition=ClosureJob.status == "running")
