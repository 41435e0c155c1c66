"""The one error mapping: domain errors, DynamoDB overload and bugs each get their answer."""
from botocore.exceptions import ClientError
from pynamodb.exceptions import GetError

from chalicelib.api.http import answers
from chalicelib.errors import SlotFull


def dynamodb_error(code: str) -> GetError:
    return GetError("get failed", ClientError({"Error": {"Code": code, "Message": "m"}},
                                              "GetItem"))


def answer_of(exc):
    @answers
    def view():
        raise exc

    return view()


def test_domain_errors_keep_their_code_and_status():
    response = answer_of(SlotFull())
    assert response.status_code == 409 and response.body["code"] == "slot_full"


def test_dynamodb_throttling_is_a_503_busy_with_retry_after():
    response = answer_of(dynamodb_error("ProvisionedThroughputExceededException"))
    assert (response.status_code, response.body["code"]) == (503, "busy")
    assert response.headers["Retry-After"] == "1"


def test_other_failures_are_a_500_without_internals():
    for exc in (dynamodb_error("ValidationException"), KeyError("secret detail")):
        response = answer_of(exc)
        assert (response.status_code, response.body["code"]) == (500, "internal_error")
        assert "secret" not in response.body["message"]
