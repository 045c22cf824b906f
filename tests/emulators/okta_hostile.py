"""Okta answers of unexpected shapes, for the emulator's ``hostile`` option.

Each shape turns the emulator's real answer to ``POST /api/v1/authn`` into something a
confused or hostile server might send; the client must answer each with one clear
error line, or cope.
"""

from __future__ import annotations

import copy
from typing import Any

from tests.emulators import okta_json as api
from tests.emulators.messages import Response

#: Shapes applied to the MFA_REQUIRED answer (configure at least one factor).
TRANSACTION_SHAPES = ("embedded_list", "profile_string", "links_string", "deep_json")
#: The first /api/v1/authn call is a 429 whose X-Rate-Limit-Reset is "nan".
SHAPES = (*TRANSACTION_SHAPES, "rate_limit_nan")
DEEP_JSON_LEVELS = 200_000


def rate_limited_nan() -> Response:
    """A 429 whose reset time is not a number."""
    return api.okta_error(429, "E0000047").with_header("X-Rate-Limit-Reset", "nan")


def transaction(shape: str, answer: dict[str, Any]) -> Response:
    """``answer`` (an MFA_REQUIRED transaction) bent into ``shape``."""
    bent = copy.deepcopy(answer)
    factors = bent["_embedded"].get("factors") or bent["_embedded"].get("factor") or []
    if shape == "embedded_list":
        bent["_embedded"] = [bent["_embedded"]]
    elif shape == "profile_string":
        for factor in factors:
            factor["profile"] = "a profile"
    elif shape == "links_string":
        for factor in factors:
            factor["_links"] = "verify here"
    elif shape == "deep_json":
        body = "[" * DEEP_JSON_LEVELS + "]" * DEEP_JSON_LEVELS
        return Response(200, body.encode("ascii"), "application/json")
    else:
        raise ValueError(f"unknown shape {shape!r}")
    return Response.json(bent)
