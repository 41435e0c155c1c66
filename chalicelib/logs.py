"""Logs as structured JSON (aws-lambda-powertools' Logger) with the request's id, and with
personal data masked: whatever a log line carries (an exception from SES naming an
address, a traceback with a request's values), no NIK, email, phone number, password or
token reaches CloudWatch. UU PDP 27/2022: keep only what is needed."""
from __future__ import annotations

import logging
import re

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

_PATTERNS = [
    (re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"), "<token>"),
    (re.compile(r"(?i)bearer\s+[A-Za-z0-9._~+/=-]+"), "Bearer <token>"),
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"), "<email>"),
    (re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])"), "<nik>"),
    (re.compile(r"(?:\+62|(?<![0-9])62|(?<![0-9])0)[ -]?8(?:[ .-]?[0-9]){7,12}(?![0-9])"),
     "<phone>"),
    (re.compile(r'(?i)("?(?:password|kata_sandi|nik|phone|token|key)"?\s*[:=]\s*)"[^"]*"'),
     r'\1"<hidden>"'),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFormatter(LambdaPowertoolsFormatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


logger = Logger(service="antre", logger_formatter=RedactingFormatter())


def setup() -> None:
    """Every module's logger (logging.getLogger(__name__)) writes through the JSON,
    redacting handler of the service logger."""
    from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers

    copy_config_to_registered_loggers(source_logger=logger, include={"chalicelib"})
    chalicelib = logging.getLogger("chalicelib")
    if not any(isinstance(h.formatter, RedactingFormatter) for h in chalicelib.handlers):
        for handler in logger.handlers:
            chalicelib.addHandler(handler)
        chalicelib.propagate = False


def with_request(event, get_response):
    """HTTP middleware: every log line of the request carries its request id."""
    context = getattr(event, "context", None) or {}
    logger.append_keys(request_id=context.get("requestId"), path=context.get("resourcePath"))
    try:
        return get_response(event)
    finally:
        logger.remove_keys(["request_id", "path"])
