"""Choosing among the roles of an assertion, and showing them by partition and account."""

from __future__ import annotations

from collections.abc import Sequence

from awsprocesscreds.errors import RoleSelectionError
from awsprocesscreds.interaction import Choose, Flow
from awsprocesscreds.saml import Role, evident_role

#: The partition most roles live in: its accounts are shown without a partition.
COMMERCIAL = "aws"


def select_role(roles: tuple[Role, ...], wanted: str | None) -> Flow[Role]:
    """The role to assume: ``wanted``, the only one, or the person's pick from a menu
    of accounts and role names (an interactor without a terminal raises NoTerminal,
    which the caller turns into the error listing the roles)."""
    evident = evident_role(roles, wanted)
    if evident is not None:
        return evident
    ordered = sorted(roles, key=_order)
    index = yield Choose(
        "Your SAML assertion holds several roles:",
        tuple(f"{account_label(role)}  {role.name}" for role in ordered),
    )
    if not isinstance(index, int) or not 0 <= index < len(ordered):
        raise RoleSelectionError("no role was chosen")
    return ordered[index]


def roles_by_account(roles: Sequence[Role]) -> list[str]:
    """Lines listing ``roles`` grouped by partition and account (the same account
    number in two partitions is two accounts), accounts and roles sorted."""
    lines: list[str] = []
    label = None
    for role in sorted(roles, key=_order):
        if account_label(role) != label:
            label = account_label(role)
            lines.append(f"Account {label}")
        lines.append(f"  {role.role_arn}")
    return lines


def account_label(role: Role) -> str:
    """The account number, followed by the partition unless it is the commercial one."""
    if not role.account:
        return "unknown account"
    if role.partition == COMMERCIAL:
        return role.account
    return f"{role.account} ({role.partition})"


def _order(role: Role) -> tuple[bool, str, str, str]:
    return (role.partition != COMMERCIAL, role.partition, role.account, role.name)
