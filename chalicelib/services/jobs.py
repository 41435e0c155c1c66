"""Where long jobs run. Deployed, a closure's job is an asynchronous invocation of the
`closure_worker` Lambda function, which invokes itself again until the job is done (each
run stays well inside Lambda's 15 minutes); the five-minute sweep re-dispatches a job whose
run died. `make run` runs the same worker in a thread of the local server; tests run it
themselves (`ANTRE_JOBS=none`)."""
from __future__ import annotations

import json
import logging
import threading

from chalicelib import aws, clock, config

log = logging.getLogger(__name__)


def dispatch(closure_id: str) -> None:
    mode = config.get().jobs
    if mode == "lambda":
        aws.client("lambda").invoke(FunctionName=config.get().closure_worker,
                                    InvocationType="Event",
                                    Payload=json.dumps({"closure_id": closure_id}).encode())
    elif mode == "thread":
        threading.Thread(target=_run_locally, args=(closure_id,), daemon=True).start()


def _run_locally(closure_id: str) -> None:
    from chalicelib.services import closures

    try:
        while closures.work(closure_id, budget_seconds=60, now_of=clock.now) == "more":
            pass
    except Exception:  # the job resumes from the sweep; the log says why it stopped
        log.exception("closure %s stopped", closure_id)


def worker(event: dict, remaining_seconds: float) -> str:
    """The `closure_worker` function's body: run until ~1 minute before the time limit, then
    hand over to a fresh invocation."""
    from chalicelib.services import closures

    closure_id = event["closure_id"]
    outcome = closures.work(closure_id, budget_seconds=max(remaining_seconds - 60, 10))
    if outcome == "more":
        dispatch(closure_id)
    return outcome


def each(parts: dict) -> dict:
    """Run every part of a scheduled job even when one fails (DynamoDB busy, say): the
    failed part is logged and tried again on the next tick. Returns each part's result,
    or "failed"."""
    results = {}
    for name, part in parts.items():
        try:
            results[name] = part()
        except Exception:
            log.exception("scheduled part %s failed; the next run tries again", name)
            results[name] = "failed"
    return results
