"""Local AWS emulator for DynamoDB (and its streams) and SES: moto's server app, one
request at a time.

moto is not thread-safe (concurrent requests lose or duplicate writes), while DynamoDB
makes each call atomic. A lock around moto's WSGI app gives every call that atomicity, so
race tests can run many client threads against it and still trust what they see. Two of
moto's costs are brought in line with DynamoDB's (a transaction or a Query costs what it
touches, not the whole table), so the emulator does not slow down as a day's data grows.

Mail accepted by SES is also kept here in memory and listed at `GET /_antre/mail` (JSON,
newest first) for the local stage's /dev/mail page and for tests.

Run: `python -m infra.local.emulator --port 5000`.
"""
from __future__ import annotations

import argparse
import base64
import io
import threading
from datetime import datetime, timezone
from email import message_from_bytes, policy
from urllib.parse import parse_qs

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


class SerialApp:
    """WSGI middleware: serialise requests into moto and capture SES raw mail and SNS SMS."""

    def __init__(self, app):
        self._app = app
        self._lock = threading.Lock()
        self.mail: list[dict] = []
        self.sms: list[dict] = []
        self.fail_ses = 0  # tests set this to make the next N SES sends fail
        self.fail_sns = 0  # ...and the next N SMS

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path == "/_antre/mail":
            return self._mail_endpoint(request)(environ, start_response)
        if request.path == "/_antre/sms":
            return self._list_endpoint(request, self.sms)(environ, start_response)
        if request.path == "/_antre/fail-ses":
            self.fail_ses = int(request.args.get("count", "1"))
            return Response("ok")(environ, start_response)
        if request.path == "/_antre/fail-sns":
            self.fail_sns = int(request.args.get("count", "1"))
            return Response("ok")(environ, start_response)
        body = request.get_data()
        environ["wsgi.input"] = io.BytesIO(body)  # moto reads the body again
        environ["CONTENT_LENGTH"] = str(len(body))
        action = parse_qs(body.decode("utf-8", "replace")).get("Action", [""])[0]
        with self._lock:
            if action in ("SendRawEmail", "SendEmail") and self.fail_ses > 0:
                self.fail_ses -= 1
                return Response(_ses_error(), status=400, content_type="text/xml")(
                    environ, start_response)
            params = parse_qs(body.decode("utf-8", "replace"))
            if action == "Publish" and "PhoneNumber" in params and self.fail_sns > 0:
                self.fail_sns -= 1
                return Response(_ses_error(), status=400, content_type="text/xml")(
                    environ, start_response)
            # moto answers with a generator: drain it inside the lock
            chunks = []
            status_headers = {}

            def capture(status, headers, exc_info=None):
                status_headers["status"], status_headers["headers"] = status, headers
                return chunks.append

            result = self._app(environ, capture)
            try:
                chunks.extend(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
            if action == "SendRawEmail" and status_headers["status"].startswith("200"):
                raw = parse_qs(body.decode())["RawMessage.Data"][0]
                self.mail.insert(0, _summarise(base64.b64decode(raw)))
            if action == "Publish" and "PhoneNumber" in params \
                    and status_headers["status"].startswith("200"):
                self.sms.insert(0, {"to": params["PhoneNumber"][0],
                                    "text": params.get("Message", [""])[0],
                                    "received_at": datetime.now(timezone.utc)
                                    .isoformat(timespec="seconds")})
        start_response(status_headers["status"], status_headers["headers"])
        return chunks

    def _mail_endpoint(self, request):
        return self._list_endpoint(request, self.mail)

    @staticmethod
    def _list_endpoint(request, items: list):
        if request.method == "DELETE":
            items.clear()
            return Response("[]", content_type="application/json")
        import json

        return Response(json.dumps(items), content_type="application/json")


def _ses_error() -> str:
    return (
        '<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error>'
        "<Type>Sender</Type><Code>MessageRejected</Code>"
        "<Message>Injected failure</Message></Error><RequestId>x</RequestId></ErrorResponse>"
    )


def _summarise(raw: bytes) -> dict:
    msg = message_from_bytes(raw, policy=policy.default)
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    attachments = []
    for part in msg.iter_attachments():
        attachments.append({
            "filename": part.get_filename(),
            "content_type": part.get_content_type(),
            "data_base64": base64.b64encode(part.get_payload(decode=True)).decode(),
        })
    return {
        "to": str(msg["To"]),
        "from": str(msg["From"]),
        "subject": str(msg["Subject"]),
        "text": text.get_content() if text else "",
        "html": html.get_content() if html else "",
        "attachments": attachments,
        "received_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def _item_level_transactions() -> None:
    """Make moto's TransactWriteItems cost what the transaction touches, not the table.

    moto backs up the whole table (a deep copy, once per item of the transaction) in case
    it must roll back, so every transaction gets slower as the table grows: 40 ms and more
    after a few hundred bookings. DynamoDB checks every condition against the state before
    the transaction, and no item may appear twice in one, so checking all conditions first
    and then applying the writes is the same transaction; only the touched items are kept
    for the rare rollback (a write moto refuses half way). Requests reach moto one at a
    time (`SerialApp`), so nothing runs in between.
    """
    import copy

    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import (
        MockValidationException,
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )
    from moto.dynamodb.models import DynamoDBBackend

    if getattr(DynamoDBBackend.transact_write_items, "_antre", False):
        return

    def transact_write_items(self, transact_items):
        if len(transact_items) > 100:
            raise TooManyTransactionsException()
        ops, seen, errors = [], set(), []
        for entry in transact_items:
            if len(entry) > 1:
                raise TransactWriteSingleOpException()
            op_type, op = next(iter(entry.items()))
            table = self.get_table(op["TableName"])
            if op_type == "Put":
                key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
                if table.range_key_attr is not None:
                    key[table.range_key_attr] = op["Item"][table.range_key_attr]
            else:
                key = op["Key"]
            unique = (op["TableName"], str(sorted(key.items())))
            if unique in seen:
                raise MultipleTransactionsException()
            seen.add(unique)
            current = self.get_item(op["TableName"], key)
            ops.append((op_type, op, key, current))
            condition = op.get("ConditionExpression")
            failed = condition is not None and not get_filter_expression(
                condition, op.get("ExpressionAttributeNames"),
                op.get("ExpressionAttributeValues")).expr(current)
            if failed:
                old = current.to_json()["Attributes"] if (
                    current and op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD") \
                    else None
                errors.append(("ConditionalCheckFailed", "The conditional request failed", old))
            else:
                errors.append((None, None, None))
        if any(code is not None for code, _, _ in errors):
            raise TransactionCanceledException(errors)
        backup = [(op["TableName"], key, copy.deepcopy(current))
                  for _, op, key, current in ops]
        try:
            for op_type, op, key, _ in ops:
                names, values = op.get("ExpressionAttributeNames"), \
                    op.get("ExpressionAttributeValues")
                if op_type == "Put":
                    self.put_item(op["TableName"], op["Item"])
                elif op_type == "Delete":
                    self.delete_item(op["TableName"], key)
                elif op_type == "Update":
                    self.update_item(op["TableName"], key, update_expression=op["UpdateExpression"],
                                     expression_attribute_names=names,
                                     expression_attribute_values=values)
        except MockValidationException:
            for table_name, key, item in backup:
                if item is None:
                    self.delete_item(table_name, key)
                else:
                    self.put_item(table_name, item.to_json()["Attributes"])
            raise

    transact_write_items._antre = True
    DynamoDBBackend.transact_write_items = transact_write_items


def _partition_queries() -> None:
    """Make moto's Query on the table read one partition, as DynamoDB does.

    moto sorts every item of the table for every Query, even when the key names one
    partition, so a Query slows down as the table grows. For a Query on the table itself
    (not an index), its candidates are narrowed to the partition; moto's own code still
    applies the key condition, filter, order, limit and paging.
    """
    from moto.dynamodb.models.table import Table

    if getattr(Table.query, "_antre", False):
        return
    original = Table.query

    def query(self, hash_key, *args, **kwargs):
        index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
        if index_name is not None or hash_key is None or not self.range_key_attr:
            return original(self, hash_key, *args, **kwargs)
        partition = list(self.items.get(hash_key, {}).values())
        self.all_items = lambda: sorted(partition, key=lambda item: item.range_key)
        try:
            return original(self, hash_key, *args, **kwargs)
        finally:
            del self.all_items

    query._antre = True
    Table.query = query


_ITEM_ACTIONS = {"GetItem", "Query", "PutItem", "UpdateItem", "DeleteItem", "BatchGetItem",
                 "TransactGetItems", "TransactWriteItems", "BatchWriteItem"}


def _plain_json_answers() -> None:
    """Answer DynamoDB's item operations with plain JSON.

    moto passes every answer through a generic, shape-driven serializer that inspects each
    attribute of each item: about 3 ms per item, 70 ms for a Query of a mall's catalog.
    DynamoDB's wire format for items is the JSON moto already holds, so the successful
    answers of item operations are written out directly; errors and every other operation
    keep moto's serializer.
    """
    import json

    from moto.dynamodb.responses import DynamoHandler

    if getattr(DynamoHandler.serialized, "_antre", False):
        return
    original = DynamoHandler.serialized

    def without_nones(value):
        if isinstance(value, dict):
            return {k: without_nones(v) for k, v in value.items() if v is not None}
        if isinstance(value, list):
            return [without_nones(v) for v in value]
        return value

    def serialized(self, action_result):
        result = action_result.result
        if isinstance(result, dict) and self._get_action() in _ITEM_ACTIONS:
            headers = {"Content-Type": "application/x-amz-json-1.0", **self.response_headers}
            return 200, headers, json.dumps(without_nones(result))
        return original(self, action_result)

    serialized._antre = True
    DynamoHandler.serialized = serialized


def _used_shard_iterators_forgotten() -> None:
    """Forget a stream's shard iterator once GetRecords has used it.

    moto keeps every shard iterator it ever issued, and each GetRecords issues one, so a
    stream polled a few times a second (`make run`'s feeder) would hold hundreds of
    thousands a day. Readers here move on with the iterator each answer gives them.
    """
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend

    if getattr(DynamoDBStreamsBackend.get_records, "_antre", False):
        return
    original = DynamoDBStreamsBackend.get_records

    def get_records(self, iterator_arn, limit):
        try:
            return original(self, iterator_arn, limit)
        finally:
            self.shard_iterators.pop(iterator_arn, None)

    get_records._antre = True
    DynamoDBStreamsBackend.get_records = get_records


class Emulator:
    """A running emulator on a loopback port; `stop()` shuts it down."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        from moto.server import DomainDispatcherApplication, create_backend_app

        _item_level_transactions()
        _partition_queries()
        _plain_json_answers()
        _used_shard_iterators_forgotten()

        self.app = SerialApp(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(host, port, self.app, threaded=True)
        self.port = self._server.server_port
        self.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> "Emulator":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    emulator = Emulator(args.host, args.port)
    print(f"AWS emulator (DynamoDB, SES) on {emulator.url}", flush=True)
    try:
        emulator._server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
