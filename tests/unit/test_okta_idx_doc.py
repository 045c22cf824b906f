"""Reading Okta Identity Engine documents and pages: pure functions, table-driven, on
documents shaped like the ones Okta's sign-in widget is tested with."""

from __future__ import annotations

from typing import Any

import pytest

from awsprocesscreds.authenticators.okta_device import app_id
from awsprocesscreds.authenticators.okta_idx_doc import (
    Choice,
    choices,
    choose_factor,
    messages,
    number_challenge,
    remediations,
    state_token,
)
from awsprocesscreds.authenticators.okta_idx_errors import step_error, wrong_code
from awsprocesscreds.errors import AccountLocked, AuthenticationError, MfaError
from awsprocesscreds.interaction import Choose


def option(label: str, *values: dict[str, Any], relates: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"label": label, "value": {"form": {"value": list(values)}}}
    if relates is not None:
        found["relatesTo"] = relates
    return found


SELECT = {
    "stateHandle": "02abc",
    "remediation": {
        "type": "array",
        "value": [
            {
                "name": "select-authenticator-authenticate",
                "href": "https://org.example.test/idp/idx/challenge",
                "value": [
                    {
                        "name": "authenticator",
                        "type": "object",
                        "options": [
                            option(
                                "Okta Password",
                                {"name": "id", "value": "aidPW"},
                                {"name": "methodType", "value": "password"},
                            ),
                            option(
                                "Okta Verify",
                                {"name": "id", "value": "autOV"},
                                {
                                    "name": "methodType",
                                    "options": [
                                        {"label": "Enter a code", "value": "totp"},
                                        {"label": "Get a push notification", "value": "push"},
                                    ],
                                },
                            ),
                            option(
                                "Phone",
                                {"name": "id", "value": "autPH"},
                                {
                                    "name": "methodType",
                                    "options": [{"value": "sms"}, {"value": "voice"}],
                                },
                                {"name": "enrollmentId", "value": "paePH"},
                            ),
                            option(
                                "Google Authenticator",
                                {"name": "id", "value": "autGA"},
                                relates="$.authenticatorEnrollments.value[1]",
                            ),
                            option(
                                "Okta Verify",
                                {"name": "id", "value": "autFP"},
                                {"name": "methodType", "value": "signed_nonce"},
                            ),
                            "junk",
                            option("No id", {"name": "methodType", "value": "sms"}),
                        ],
                    },
                    {"name": "stateHandle", "value": "02abc"},
                ],
            },
            {"name": "no-href"},
            "junk",
        ],
    },
    "authenticatorEnrollments": {
        "type": "array",
        "value": [{"key": "okta_password"}, {"key": "google_otp", "type": "app"}],
    },
}


def test_every_authenticator_and_method_is_a_choice_with_what_picks_it() -> None:
    step = remediations(SELECT)[0]
    assert [s.name for s in remediations(SELECT)] == ["select-authenticator-authenticate"]
    assert choices(SELECT, step) == [
        Choice("Okta Verify", "totp", (("id", "autOV"), ("methodType", "totp"))),
        Choice("Okta Verify", "push", (("id", "autOV"), ("methodType", "push"))),
        Choice("Phone", "sms", (("id", "autPH"), ("enrollmentId", "paePH"), ("methodType", "sms"))),
        Choice(
            "Phone", "voice", (("id", "autPH"), ("enrollmentId", "paePH"), ("methodType", "voice"))
        ),
        Choice("Google Authenticator", "otp", (("id", "autGA"),)),
        Choice("Okta Verify", "signed_nonce", (("id", "autFP"), ("methodType", "signed_nonce"))),
    ]


def run(flow: Any, answer: int | None = None) -> tuple[Choice, list[Any]]:
    steps = []
    try:
        step = flow.send(None)
        while True:
            steps.append(step)
            step = flow.send(answer)
    except StopIteration as done:
        return done.value, steps


@pytest.mark.parametrize(
    ("wanted", "method"),
    [("push", "push"), ("call", "voice"), ("sms", "sms")],
)
def test_mfa_factor_picks_without_a_menu(wanted: str, method: str) -> None:
    options = choices(SELECT, remediations(SELECT)[0])
    chosen, steps = run(choose_factor(options, wanted))
    assert chosen.method_type == method
    assert steps == []


def test_totp_matches_both_apps_and_asks_which() -> None:
    options = choices(SELECT, remediations(SELECT)[0])
    chosen, steps = run(choose_factor(options, "totp"), answer=1)
    assert chosen.label == "Google Authenticator"
    assert isinstance(steps[0], Choose)
    assert len(steps[0].options) == 2


def test_a_browser_only_policy_points_to_the_device_flow() -> None:
    only = [Choice("Okta Verify", "signed_nonce", (("id", "a"),))]
    with pytest.raises(MfaError, match=r"Okta FastPass.*--okta-client-id"):
        run(choose_factor(only, None))


def test_an_absent_factor_names_the_offered_ones() -> None:
    options = [Choice("Okta Verify", "push", (("id", "a"),))]
    with pytest.raises(MfaError, match=r"--mfa-factor sms is not offered .* offered: push"):
        run(choose_factor(options, "sms"))


@pytest.mark.parametrize(
    ("script", "token"),
    [
        ('var oktaData = {"signIn": {"stateToken":"00AbC\\x2DdEf\\x2D1"}};', "00AbC-dEf-1"),
        ("var stateToken = '00x\\u002Dy';", "00x-y"),
        ('config.stateToken = "abc";', "abc"),
        ('{"stateToken" : "unterminated', None),
        ("no token here", None),
    ],
)
def test_the_state_token_is_found_and_unescaped(script: str, token: str | None) -> None:
    assert state_token((script,)) == token


def test_a_hostile_page_cannot_make_the_token_search_long() -> None:
    assert state_token(('stateToken:"' + "\\x" * 2_000_000,)) is None
    assert state_token(("stateToken=" * 500_000,)) is None


ERROR = {
    "messages": {
        "type": "array",
        "value": [{"message": "Password is incorrect", "i18n": {"key": "incorrectPassword"}}],
    },
    "remediation": {
        "value": [
            {
                "name": "challenge-authenticator",
                "href": "https://o/x",
                "value": [
                    {
                        "name": "credentials",
                        "form": {
                            "value": [
                                {
                                    "name": "passcode",
                                    "messages": {
                                        "value": [
                                            {
                                                "message": "Invalid code. Try again.",
                                                "i18n": {"key": "api.authn.error.PASSCODE_INVALID"},
                                            }
                                        ]
                                    },
                                }
                            ]
                        },
                    }
                ],
            }
        ]
    },
}


def test_messages_are_found_at_every_level_in_order() -> None:
    assert messages(ERROR) == [
        ("Password is incorrect", "incorrectPassword"),
        ("Invalid code. Try again.", "api.authn.error.PASSCODE_INVALID"),
    ]
    assert wrong_code(ERROR)


def test_a_hostile_document_is_read_in_bounded_time() -> None:
    nested: Any = {"messages": {"value": [{"message": "x"}]}}
    for _ in range(5000):
        nested = {"a": [nested, nested]}
    assert len(messages(nested)) <= 10_000


@pytest.mark.parametrize(
    ("status", "key", "sending", "error_class", "text"),
    [
        (400, "errors.E0000004", "password", AuthenticationError, "check the username"),
        (403, "oie.authenticator.password.locked", "password", AccountLocked, "locked"),
        (
            401,
            "idx.session.expired",
            "code",
            MfaError,
            "Okta login expired before it was completed",
        ),
        (400, "oie.okta_verify.push.rejected", "push", MfaError, "rejected on the phone"),
    ],
)
def test_error_answers(
    status: int, key: str, sending: str, error_class: type[Exception], text: str
) -> None:
    document = {"messages": {"value": [{"message": "Nope", "i18n": {"key": key}}]}}
    error = step_error(status, document, sending)
    assert type(error) is error_class
    assert text in str(error)


def test_number_challenge() -> None:
    document = {"currentAuthenticator": {"value": {"contextualData": {"correctAnswer": 42}}}}
    assert number_challenge(document) == "42"
    assert number_challenge({"currentAuthenticator": "junk"}) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://org.okta.com/home/amazon_aws/0oa1b2c3/272", "0oa1b2c3"),
        ("https://org.okta.com/app/amazon_aws/0oaX/sso/saml", "0oaX"),
        ("https://org.okta.com/home/other/0oaX/272", None),
        ("https://org.okta.com/amazon_aws", None),
    ],
)
def test_app_id_from_the_link(url: str, expected: str | None) -> None:
    assert app_id(url) == expected
