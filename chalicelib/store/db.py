"""Transactions and the reading of their cancellation reasons."""
from __future__ import annotations

from contextlib import contextmanager

from pynamodb.exceptions import PynamoDBException, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.errors import Busy
from chalicelib.store.models import Item

# DynamoDB's answers that mean "too much at once, try again": a 503, not a failure of ours
_OVERLOADED = {"ProvisionedThroughputExceededException", "ThrottlingException",
               "RequestLimitExceeded", "InternalServerError", "ServiceUnavailable"}


def overload_error(error: Exception) -> Busy | None:
    """The domain error for a DynamoDB call refused because of load; None for anything else."""
    if isinstance(error, PynamoDBException) and error.cause_response_code in _OVERLOADED:
        return Busy(headers={"Retry-After": "1"})
    return None


def transaction() -> TransactWrite:
    """A TransactWrite on the table's connection (every write in it commits or none does)."""
    return TransactWrite(connection=Item._get_connection().connection)


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
