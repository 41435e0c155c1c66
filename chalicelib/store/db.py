"""Transactions and the reading of their cancellation reasons."""
from __future__ import annotations

import random
import time
import uuid
from contextlib import contextmanager

from pynamodb.exceptions import PynamoDBException, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.errors import Busy
from chalicelib.store.models import Item

# DynamoDB's answers that mean "too much at once, try again": a 503, not a failure of ours
# (TransactionConflictException: a single-item write met an item a transaction is changing)
_OVERLOADED = {"ProvisionedThroughputExceededException", "ThrottlingException",
               "RequestLimitExceeded", "InternalServerError", "ServiceUnavailable",
               "TransactionConflictException", "TransactionInProgressException"}


def overload_error(error: Exception) -> Busy | None:
    """The domain error for a DynamoDB call refused because of load; None for anything else."""
    if isinstance(error, PynamoDBException) and error.cause_response_code in _OVERLOADED:
        return Busy()
    return None


# a transaction cancelled only because another one held one of its items is sent again
# this many times (with jittered backoff) before the caller hears of the conflict
CONFLICT_RETRIES = 3


class Transaction(TransactWrite):
    """A TransactWrite that commits with a ClientRequestToken, so a call botocore sends
    again after a timeout is applied once, and that is sent again with a fresh token when
    DynamoDB cancels it only for a conflict (nothing of it was written; its conditions are
    checked again as they stand)."""

    def commit(self) -> None:
        def send():
            self._client_request_token = str(uuid.uuid4())
            self._commit()

        _again(send, CONFLICT_RETRIES + 1,
               lambda e: isinstance(e, TransactWriteError) and _only_conflicts(e), base=0.01)

    def __exit__(self, exc_type, exc_val, exc_tb):
        if exc_type is None:
            self.commit()


def _only_conflicts(error: TransactWriteError) -> bool:
    codes = {r.code for r in error.cancellation_reasons or [] if r is not None}
    return codes == {"TransactionConflict"}


def insist(write, attempts: int = 6):
    """Run a single write that must not be lost because it records something already done
    outside DynamoDB (an email SES accepted): on throttling or a conflict it is tried again,
    with jittered backoff, beyond botocore's own retries (which skip conflicts)."""
    return _again(write, attempts, lambda e: overload_error(e) is not None, base=0.05)


def _again(call, attempts: int, retryable, base: float):
    """`call()`, tried up to `attempts` times while it fails with an error `retryable`
    accepts, sleeping a jittered, doubling backoff (at most a second) in between."""
    for attempt in range(attempts):
        try:
            return call()
        except Exception as e:
            if attempt == attempts - 1 or not retryable(e):
                raise
            backoff(attempt, base)


def backoff(attempt: int, base: float) -> None:
    """Sleep a jittered, doubling pause before attempt `attempt + 2` (at most a second)."""
    time.sleep(random.uniform(0, min(1.0, base * (2 ** attempt))))


def transaction() -> Transaction:
    """A transaction on the table's connection (every write in it commits or none does)."""
    return Transaction(connection=Item._get_connection().connection)


def failed_steps(error: TransactWriteError, steps: list[str]) -> set[str]:
    """Names of the steps whose condition failed, by position in the transaction.

    `steps` names each operation in the order it was added. A step that lost a race with
    another transaction shows up as "<name>:conflict".
    """
    failed: set[str] = set()
    for name, reason in zip(steps, error.cancellation_reasons or []):
        if reason is None or reason.code in (None, "None"):
            continue
        if reason.code == "ConditionalCheckFailed":
            failed.add(name)
        elif reason.code == "TransactionConflict":
            failed.add(f"{name}:conflict")
        else:
            failed.add(f"{name}:{reason.code}")
    return failed


class Steps:
    """Adds operations to a transaction and remembers their names.

    PynamoDB sends a transaction's condition checks first, then deletes, puts and updates
    (each group in the order added), and cancellation reasons come back in that order;
    `names` follows it.
    """

    def __init__(self, tx: TransactWrite):
        self.tx = tx
        self._groups: dict[str, list[str]] = {"check": [], "delete": [], "put": [], "update": []}

    @property
    def names(self) -> list[str]:
        return [name for group in ("check", "delete", "put", "update")
                for name in self._groups[group]]

    def check(self, name, model_cls, hash_key, range_key, condition):
        """A condition on an item the transaction does not change (e.g. the kiosk's key)."""
        self._groups["check"].append(name)
        self.tx.condition_check(model_cls, hash_key, range_key, condition=condition)

    def update(self, name, item, actions, condition=None):
        self._groups["update"].append(name)
        self.tx.update(item, actions=actions, condition=condition)

    def save(self, name, item, condition=None):
        self._groups["put"].append(name)
        self.tx.save(item, condition=condition)

    def delete(self, name, item, condition=None):
        self._groups["delete"].append(name)
        self.tx.delete(item, condition=condition)


@contextmanager
def steps():
    """`with steps() as s:` collect named operations; commits on exit."""
    tx = transaction()
    s = Steps(tx)
    with tx:
        yield s
