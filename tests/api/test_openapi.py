"""The OpenAPI document: valid OpenAPI 3.1, and it documents every route the app serves."""
from openapi_spec_validator import validate

from app import app
from chalicelib.errors import SlotFull
from tests.api.helpers import BOOK, call, citizen

from chalicelib.api.web import PAGES  # noqa: E402

UNDOCUMENTED = {"/", "/static/{name}"} | {f"/{page}" for page in PAGES}  # pages, not API


def served_routes() -> set[tuple[str, str]]:
    return {(method, path) for path, methods in app.routes.items() for method in methods
            if path not in UNDOCUMENTED and not path.startswith("/dev/")}


def documented(doc) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in doc["paths"].items() for method in item}


def test_document_is_valid_openapi_31(client):
    status, doc = call(client, "GET", "/v1/openapi.json")
    assert status == 200
    assert doc["openapi"].startswith("3.1")
    assert doc["info"]["title"] == "Antre API"
    validate(doc)


def test_every_served_route_is_documented(client):
    _, doc = call(client, "GET", "/v1/openapi.json")
    assert served_routes() - documented(doc) == set()
    assert not any(path.startswith("/dev/") for path in doc["paths"])


def test_documented_routes_exist(client):
    _, doc = call(client, "GET", "/v1/openapi.json")
    assert documented(doc) - served_routes() == set()


def test_booking_is_described_from_the_code(client):
    _, doc = call(client, "GET", "/v1/openapi.json")
    book = doc["paths"]["/v1/bookings"]["post"]
    assert book["security"] == [{"bearer": []}]
    assert {p["name"] for p in book["parameters"]} == {"Idempotency-Key", "Accept-Language"}
    body = book["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert doc["components"]["schemas"][body.rsplit("/", 1)[1]]["required"] == [
        "mall_id", "service_id", "date", "start"]
    assert {"201", "200", "401", "409", "422"} <= book["responses"].keys()
    assert SlotFull.code in book["responses"]["409"]["content"]["application/json"]["examples"]
    codes = doc["components"]["schemas"]["Error"]["properties"]["code"]["enum"]
    assert {"slot_full", "already_booked", "slot_unavailable", "email_taken", "invalid_code",
            "invalid_credentials", "email_not_verified", "internal_error"} <= set(codes)
    slots = doc["paths"]["/v1/malls/{mall_id}/services/{service_id}/slots"]["get"]
    assert {(p["name"], p["in"]) for p in slots["parameters"]} == {
        ("mall_id", "path"), ("service_id", "path"), ("date", "query"),
        ("Accept-Language", "header")}
    assert "security" not in slots


def answers_as_documented(doc, method, path, status, body):
    """Check `body` against the schema documented for this route and status."""
    from jsonschema import Draft202012Validator  # openapi-spec-validator's own dependency

    media = doc["paths"][path][method.lower()]["responses"][str(status)]["content"]
    schema = media["application/json"]["schema"]
    Draft202012Validator({**schema, "components": doc["components"]}).validate(body)


def test_real_answers_match_the_documented_schemas(client):
    _, doc = call(client, "GET", "/v1/openapi.json")

    def check(method, path, template=None, body=None, token=None, headers=None):
        status, answer = call(client, method, path, body, token, headers)
        answers_as_documented(doc, method, template or path, status, answer)
        return answer

    check("GET", "/v1/malls")
    check("GET", "/v1/malls/kota-bogor", "/v1/malls/{mall_id}")
    check("GET", "/v1/malls/kota-bogor/services", "/v1/malls/{mall_id}/services")
    check("GET", "/v1/malls/kota-bogor/services/ktp-el/slots?date=2026-12-08",
          "/v1/malls/{mall_id}/services/{service_id}/slots")
    check("POST", "/v1/accounts", body={"email": "x"})
    check("POST", "/v1/accounts/verify/resend", body={"email": "nobody@example.id"})
    email, token = citizen(client)
    check("POST", "/v1/sessions", body={"email": email, "password": "wrong-password"})
    check("GET", "/v1/me", token=token)
    check("GET", "/v1/me")
    booked = check("POST", "/v1/bookings", body=BOOK, token=token,
                   headers={"Idempotency-Key": "k-1"})
    check("POST", "/v1/bookings", body=BOOK, token=token, headers={"Idempotency-Key": "k-1"})
    check("POST", "/v1/bookings", body=BOOK, token=token)
    check("GET", "/v1/bookings", token=token)
    one = f"/v1/bookings/{booked['booking_id']}"
    check("GET", one, "/v1/bookings/{booking_id}", token=token)
    check("GET", "/v1/bookings/nope", "/v1/bookings/{booking_id}", token=token)
    check("POST", f"{one}/reschedule", "/v1/bookings/{booking_id}/reschedule",
          body={"date": "2026-12-08", "start": "10:00"}, token=token)
    check("POST", f"{one}/cancel", "/v1/bookings/{booking_id}/cancel", token=token)
    check("POST", f"{one}/cancel", "/v1/bookings/{booking_id}/cancel", token=token)
