"""The flow driver and Okta factor choice, stepped without a terminal or a server."""

from __future__ import annotations

from typing import Any

import pytest

from awsprocesscreds.authenticators import okta_mfa
from awsprocesscreds.errors import MfaError
from awsprocesscreds.interaction import (
    Choose,
    Flow,
    Notify,
    Prompt,
    Wait,
    menu_lines,
    run_flow,
)


class Script:
    """An interactor that answers from lists and records what it was asked."""

    def __init__(self, answers: list[str], choice: int = 0) -> None:
        self.answers = answers
        self.choice = choice
        self.seen: list[object] = []

    def prompt(self, step: Prompt) -> str:
        self.seen.append(step)
        return self.answers.pop(0)

    def choose(self, step: Choose) -> int:
        self.seen.append(step)
        return self.choice

    def notify(self, step: Notify) -> None:
        self.seen.append(step)

    def wait(self, step: Wait) -> None:
        self.seen.append(step)


def sample_flow() -> Flow[str]:
    password = yield Prompt("Password: ")
    yield Notify("Approve", highlight="42")
    yield Wait(2)
    picked = yield Choose("Which?", ("a", "b"))
    return f"{password}-{picked}"


def test_run_flow_answers_each_step_in_order() -> None:
    script = Script(["pw"], choice=1)
    assert run_flow(sample_flow(), script) == "pw-1"
    assert script.seen == [
        Prompt("Password: "),
        Notify("Approve", highlight="42"),
        Wait(2),
        Choose("Which?", ("a", "b")),
    ]


def test_flow_steps_with_send_and_no_driver() -> None:
    flow = sample_flow()
    assert next(flow) == Prompt("Password: ")
    assert flow.send("pw") == Notify("Approve", highlight="42")
    assert flow.send(None) == Wait(2)
    assert isinstance(flow.send(None), Choose)
    with pytest.raises(StopIteration) as done:
        flow.send(0)
    assert done.value.value == "pw-0"


def test_endless_flow_is_cut_off() -> None:
    def endless() -> Flow[str]:
        while True:
            yield Wait(0)

    with pytest.raises(RuntimeError, match="more than"):
        run_flow(endless(), Script([]))


def test_menu_lines_are_numbered_from_one() -> None:
    assert menu_lines(["push", "sms"]) == ["  1) push", "  2) sms"]


def factor(factor_type: str, provider: str = "OKTA", fid: str = "f") -> dict[str, Any]:
    return {
        "id": fid,
        "factorType": factor_type,
        "provider": provider,
        "profile": {"phoneNumber": "+1 XXX-XXX-1234"} if factor_type == "sms" else {},
        "_links": {"verify": {"href": f"https://okta/api/v1/authn/factors/{fid}/verify"}},
    }


@pytest.mark.parametrize("key", ["factors", "factor"])
def test_factors_are_read_under_either_key(key: str) -> None:
    body = {"_embedded": {key: [factor("push"), factor("sms"), {"junk": 1}, "junk"]}}
    assert [f.kind for f in okta_mfa.read_factors(body)] == ["push", "sms"]


def test_candidates_filter_by_wanted_kind() -> None:
    factors = okta_mfa.read_factors(
        {"_embedded": {"factors": [factor("push"), factor("token:software:totp", "GOOGLE")]}}
    )
    assert [f.kind for f in okta_mfa.candidates(factors, None)] == ["push", "totp"]
    assert [f.label for f in okta_mfa.candidates(factors, "totp")] == ["Google Authenticator code"]
    with pytest.raises(MfaError, match=r"'sms' is not enrolled.*push, totp"):
        okta_mfa.candidates(factors, "sms")


def test_only_unsupported_factors_are_named() -> None:
    factors = okta_mfa.read_factors(
        {"_embedded": {"factors": [factor("webauthn"), factor("question")]}}
    )
    with pytest.raises(MfaError, match="question, webauthn"):
        okta_mfa.candidates(factors, None)


def test_choose_asks_only_when_there_is_a_choice() -> None:
    one = okta_mfa.read_factors({"_embedded": {"factors": [factor("push")]}})
    assert run_flow(okta_mfa.choose(one), Script([])) == one[0]
    two = okta_mfa.read_factors({"_embedded": {"factors": [factor("push"), factor("sms")]}})
    script = Script([], choice=1)
    assert run_flow(okta_mfa.choose(two), script) == two[1]
    assert script.seen == [
        Choose("Okta asks for a second factor:", ("Okta Verify push", "SMS code (+1 XXX-XXX-1234)"))
    ]
