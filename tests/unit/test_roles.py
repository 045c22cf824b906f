"""Showing and choosing roles: grouped by partition and account, table-driven."""

from __future__ import annotations

import pytest

from awsprocesscreds.interaction import Choose
from awsprocesscreds.roles import account_label, roles_by_account, select_role
from awsprocesscreds.saml import Role


def role(arn: str) -> Role:
    partition = arn.split(":")[1]
    return Role(arn, f"arn:{partition}:iam::123456789012:saml-provider/IdP")


DEV = role("arn:aws:iam::123456789012:role/Dev")
AUDIT = role("arn:aws:iam::123456789012:role/Audit")
OPS = role("arn:aws:iam::210987654321:role/team/Ops")
CN_DEV = role("arn:aws-cn:iam::123456789012:role/Dev")
GOV_DEV = role("arn:aws-us-gov:iam::123456789012:role/Dev")


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ([DEV], ["Account 123456789012", f"  {DEV.role_arn}"]),
        (
            [OPS, DEV, AUDIT],
            [
                "Account 123456789012",
                f"  {AUDIT.role_arn}",
                f"  {DEV.role_arn}",
                "Account 210987654321",
                f"  {OPS.role_arn}",
            ],
        ),
        (
            [GOV_DEV, CN_DEV, DEV],
            [
                "Account 123456789012",
                f"  {DEV.role_arn}",
                "Account 123456789012 (aws-cn)",
                f"  {CN_DEV.role_arn}",
                "Account 123456789012 (aws-us-gov)",
                f"  {GOV_DEV.role_arn}",
            ],
        ),
        (
            [CN_DEV, OPS],
            [
                "Account 210987654321",
                f"  {OPS.role_arn}",
                "Account 123456789012 (aws-cn)",
                f"  {CN_DEV.role_arn}",
            ],
        ),
        ([], []),
    ],
)
def test_roles_by_partition_and_account(roles: list[Role], expected: list[str]) -> None:
    assert roles_by_account(roles) == expected


@pytest.mark.parametrize(
    ("given", "label"),
    [
        (DEV, "123456789012"),
        (CN_DEV, "123456789012 (aws-cn)"),
        (GOV_DEV, "123456789012 (aws-us-gov)"),
        # Not made by parse_role_value, but shown safely all the same.
        (role("arn:aws:role/Broken"), "unknown account"),
    ],
)
def test_account_label(given: Role, label: str) -> None:
    assert account_label(given) == label


def test_the_menu_tells_partitions_apart_and_returns_the_pick() -> None:
    flow = select_role((CN_DEV, OPS, DEV), None)
    question = next(flow)
    assert isinstance(question, Choose)
    assert question.options == (
        "123456789012  Dev",
        "210987654321  team/Ops",
        "123456789012 (aws-cn)  Dev",
    )
    with pytest.raises(StopIteration) as done:
        flow.send(2)
    assert done.value.value == CN_DEV
