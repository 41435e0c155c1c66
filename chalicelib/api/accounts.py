"""Accounts and sessions: register, verify the email, log in, who am I."""
from __future__ import annotations

from typing import Annotated

from chalice import Blueprint, Response
from pydantic import Field, StringConstraints

from chalicelib import errors as E
from chalicelib.api import fields as F
from chalicelib.api import schemas as S
from chalicelib.api.docs import Answer, Op
from chalicelib.api.http import Body, client_address, created, now, parse, principal, route
from chalicelib.services import accounts

bp = Blueprint(__name__)


# A password is taken exactly as typed: no stripping of spaces.
Password = Annotated[str, StringConstraints(strip_whitespace=False, min_length=8,
                                            max_length=128)]


class Registration(Body):
    email: F.Email
    password: Password = Field(description="8 to 128 characters, not easy to guess "
                                           "(checked by an estimate of its strength).")
    name: F.PersonName
    phone: F.Phone
    nik: F.Nik | None = Field(None, description="Left out when another account holds the "
                                                "citizen's NIK: it is claimed at a mall's "
                                                "service desk with the KTP.")
    sms_opt_in: bool = Field(False, description="Kept for older clients; SMS start once the "
                                                "phone is proven (POST /v1/me/phone/code).")


class Settings(Body):
    sms_opt_in: bool


class PhoneCodeRequest(Body):
    phone: F.Phone | None = Field(None, description="A new number, which replaces the "
                                                    "account's (unproven until its code "
                                                    "comes back).")


class PhoneCode(Body):
    code: F.Code


class NikClaim(Body):
    email: F.AnyEmail
    nik: F.Nik


class Verification(Body):
    email: F.AnyEmail
    code: F.Code


class EmailOnly(Body):
    email: F.AnyEmail


class Credentials(Body):
    email: F.AnyEmail
    password: Annotated[str, StringConstraints(strip_whitespace=False, max_length=128)]


class ResetConfirmation(Body):
    email: F.AnyEmail
    code: F.Code
    password: Password


@route(bp, "/v1/accounts", methods=["POST"], doc=Op(
    "register", "Register a citizen; a 6-digit verification code is emailed", "accounts",
    (Answer(201, "Created, not yet verified; the same answer when the address has an "
                "account (its owner is told)", S.AccountCreated),),
    (E.NikTaken, E.TooManyAttempts), body=Registration))
def register():
    request = bp.current_request
    body = parse(request, Registration)
    account_id = accounts.register(**body.model_dump(), now=now(),
                                   address=client_address(request))
    return created({"account_id": account_id})


@route(bp, "/v1/accounts/verify", methods=["POST"], doc=Op(
    "verify", "Verify the email address with the emailed code", "accounts",
    (Answer(200, "Verified (also when it already was)", S.Verified),),
    (E.InvalidCode, E.TooManyAttempts), body=Verification))
def verify():
    request = bp.current_request
    body = parse(request, Verification)
    accounts.verify(email=body.email, code=body.code, now=now(), address=client_address(request))
    return {"verified": True}


@route(bp, "/v1/accounts/verify/resend", methods=["POST"], doc=Op(
    "resend_code", "Email a new verification code (at most one a minute)", "accounts",
    (Answer(202, "Accepted, whether or not the address has an account", S.CodeSent),),
    (E.TooManyAttempts,), body=EmailOnly))
def resend_code():
    request = bp.current_request
    body = parse(request, EmailOnly)
    accounts.resend_code(email=body.email, now=now(), address=client_address(request))
    return Response({"sent": True}, status_code=202)


@route(bp, "/v1/sessions", methods=["POST"], doc=Op(
    "login", "Log in", "accounts", (Answer(200, "A session token", S.Token),),
    (E.InvalidCredentials, E.EmailNotVerified, E.TooManyAttempts), body=Credentials))
def login():
    request = bp.current_request
    body = parse(request, Credentials)
    token, expires = accounts.login(email=body.email, password=body.password, now=now(),
                                    address=client_address(request))
    return {"token": token, "expires_at": expires.isoformat(timespec="seconds")}


@route(bp, "/v1/accounts/password-reset", methods=["POST"], doc=Op(
    "password_reset", "Email a 6-digit code to reset the password", "accounts",
    (Answer(202, "Accepted, whether or not the address has an account", S.CodeSent),),
    (E.TooManyAttempts,), body=EmailOnly))
def password_reset():
    request = bp.current_request
    body = parse(request, EmailOnly)
    accounts.request_reset(email=body.email, now=now(), address=client_address(request))
    return Response({"sent": True}, status_code=202)


@route(bp, "/v1/accounts/password-reset/confirm", methods=["POST"], doc=Op(
    "password_reset_confirm", "Set a new password with the emailed code", "accounts",
    (Answer(200, "Changed; every earlier session has ended", S.ResetDone),),
    (E.InvalidCode, E.TooManyAttempts), body=ResetConfirmation))
def password_reset_confirm():
    request = bp.current_request
    body = parse(request, ResetConfirmation)
    accounts.confirm_reset(email=body.email, code=body.code, password=body.password, now=now(),
                           address=client_address(request))
    return {"reset": True}


@route(bp, "/v1/sessions/logout-everywhere", methods=["POST"], doc=Op(
    "logout_everywhere", "End every session of the account, this one included", "accounts",
    (Answer(200, "Every token issued so far now answers 401", S.LoggedOut),),
    auth="bearer"))
def logout_everywhere():
    accounts.logout_everywhere(principal(bp.current_request))
    return {"logged_out": True}


@route(bp, "/v1/me", methods=["PATCH"], doc=Op(
    "update_me", "Change the account's settings (SMS opt-in)", "accounts",
    (Answer(200, "The account", S.Me),), (E.PhoneNotVerified,), auth="bearer",
    body=Settings))
def update_me():
    request = bp.current_request
    who = principal(request)
    body = parse(request, Settings)
    return accounts.update_settings(who, body.sms_opt_in, now())


@route(bp, "/v1/me/phone/code", methods=["POST"], doc=Op(
    "phone_code", "Text a code to the account's phone (or a new number) to prove it",
    "accounts", (Answer(200, "The account; the code is on its way by SMS", S.Me),),
    (E.TooManyAttempts,), auth="bearer", body=PhoneCodeRequest,
    description="A few a day per number, per account and per client address; the stage's "
                "daily SMS budget also stops them (429). The only SMS a number gets before "
                "its owner typed the code back."))
def phone_code():
    request = bp.current_request
    who = principal(request)
    body = parse(request, PhoneCodeRequest)
    return accounts.send_phone_code(who, body.phone, now(), address=client_address(request))


@route(bp, "/v1/me/phone/verify", methods=["POST"], doc=Op(
    "phone_verify", "Prove the phone with the texted code: SMS are on from then", "accounts",
    (Answer(200, "The account, its phone proven", S.Me),),
    (E.InvalidCode, E.TooManyAttempts), auth="bearer", body=PhoneCode))
def phone_verify():
    request = bp.current_request
    who = principal(request)
    body = parse(request, PhoneCode)
    return accounts.verify_phone(who, body.code, now(), address=client_address(request))


@route(bp, "/v1/me/email/resume", methods=["POST"], doc=Op(
    "resume_email", "Send mail to the account's address again after it bounced", "accounts",
    (Answer(200, "The account", S.Me),), (E.NotFound,), auth="bearer"))
def resume_email():
    return accounts.resume_email(principal(bp.current_request), now())


@route(bp, "/v1/me", doc=Op(
    "me", "The logged-in account", "accounts", (Answer(200, "The account", S.Me),),
    (E.NotFound,), auth="bearer"))
def me():
    return accounts.me(principal(bp.current_request), now())
