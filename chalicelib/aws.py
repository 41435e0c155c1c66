"""AWS clients besides DynamoDB's (PynamoDB keeps its own): each made once per container, on
first use, so that a cold start of the API does not import boto3 for them."""
from __future__ import annotations

import functools


@functools.cache
def client(service: str, region: str | None = None, endpoint_url: str | None = None):
    import boto3

    return boto3.client(service, region_name=region, endpoint_url=endpoint_url)
