"""Choosing among the roles of an assertion, and showing them by account."""

from __future__ import annotations

from collections.abc import Sequence

from awsprocesscreds.errors import RoleSelectionError
from awsprocesscreds.interaction import Choose, Flow
from awsprocesscreds.saml import Role, choose_role


def select_role(roles: tuple[Role, ...], wanted: str | None) -> Flow[Role]:
    """The role to assume: ``wanted``, the only one, or the person's pick from a menu
    of account IDs and role names (an interactor without a terminal raises
    NoTerminal, which the caller turns into the error listing the roles)."""
    if wanted is not None or len(roles) == 1:
        return choose_role(roles, wanted)
    ordered = sorted(roles, key=lambda role: (role.account, role.name))
    index = yield Choose(
        "Your SAML assertion holds several roles:",
        tuple(f"{role.account}  {role.name}" for role in ordered),
    )
    if not isinstance(index, int) or not 0 <= index < len(ordered):
        raise RoleSelectionError("no role was chosen")
    return ordered[index]


def roles_by_account(roles: Sequence[Role]) -> list[str]:
    """Lines listing ``roles`` grouped by account, accounts and roles sorted."""
    lines: list[str] = []
    accounts = sorted({role.account for role in roles})
    for account in accounts:
        lines.append(f"Account {account}")
        for role in sorted((r for r in roles if r.account == account), key=lambda r: r.name):
            lines.append(f"  {role.role_arn}")
    return lines
