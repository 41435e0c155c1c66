"""The table's DynamoDB Stream, read from the local emulator and handed to the app's own
stream handler, as Lambda's event source mapping does when deployed.

`make run` runs a `StreamFeeder` in a thread; tests call `feed()` before they look at the
emulator's mail, so mail goes out the way it does deployed (the stream's handler), not
from the request. With current botocore, moto answers DynamoDB Streams calls only at an
explicit endpoint (`AWS_ENDPOINT_URL`, always set locally): botocore's default,
account-based host is one moto does not match.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime

log = logging.getLogger(__name__)


class StreamFeeder:
    """Reads the table's stream from where it left off and calls `handler(event, context)`
    with Lambda's event shape, a batch at a time. A table created again (each test) has a
    new stream: the feeder follows it from its start."""

    def __init__(self, handler, batch_size: int = 100):
        self.handler = handler
        self.batch_size = batch_size
        self._lock = threading.Lock()  # one reader at a time, as one shard has one consumer
        self._arn: str | None = None
        self._iterators: dict[str, str] = {}
        self._client = None

    def _streams(self):
        if self._client is None:
            import boto3

            from chalicelib import config

            cfg = config.get()
            self._client = boto3.client("dynamodbstreams", region_name=cfg.region,
                                        endpoint_url=cfg.endpoint_url)
        return self._client

    def feed(self) -> int:
        """Hand every record written since the last call to the handler; returns how many."""
        from chalicelib import config

        with self._lock:
            streams = self._streams()
            found = streams.list_streams(TableName=config.get().table_name)["Streams"]
            if not found:  # no table (yet), or one without its stream
                return 0
            arn = found[-1]["StreamArn"]
            if arn != self._arn:
                self._arn, self._iterators = arn, {}
            for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
                if shard["ShardId"] not in self._iterators:
                    self._iterators[shard["ShardId"]] = streams.get_shard_iterator(
                        StreamArn=arn, ShardId=shard["ShardId"],
                        ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            handed = 0
            for shard_id, iterator in list(self._iterators.items()):
                while True:
                    answer = streams.get_records(ShardIterator=iterator, Limit=self.batch_size)
                    iterator = answer["NextShardIterator"]
                    self._iterators[shard_id] = iterator
                    if not answer["Records"]:
                        break
                    self.handler({"Records": [_as_lambda(r, arn) for r in answer["Records"]]},
                                 None)
                    handed += len(answer["Records"])
            return handed

    def run(self, stop: threading.Event, every: float = 0.2) -> None:
        """Feed until `stop` is set (`make run`'s thread)."""
        while not stop.wait(every):
            try:
                self.feed()
            except Exception as exc:  # keep the dev loop alive; the retry sends what is left
                log.warning("stream feed failed: %r", exc)


def _as_lambda(record: dict, arn: str) -> dict:
    """A GetRecords record as Lambda hands it over (epoch seconds, the stream's ARN)."""
    dynamodb = dict(record["dynamodb"])
    created = dynamodb.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        dynamodb["ApproximateCreationDateTime"] = created.timestamp()
    return {**record, "dynamodb": dynamodb, "eventSourceARN": arn}
