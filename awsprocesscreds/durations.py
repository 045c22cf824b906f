"""Session lengths a role accepted, remembered so later logins ask for them directly.

A role whose MaxSessionDuration is below the asked length (usually the IdP's
SessionDuration) makes STS refuse AssumeRoleWithSAML, and ``sts.assume_role`` retries
with an hour: two calls on every login. A note in the cache directory, named by a hash
of the role ARN and the asked length, records the length STS accepted instead. It holds
two numbers and no secret (not even the role's name), and is trusted for a day only, so
a role whose maximum was raised gets the longer session again.
"""

from __future__ import annotations

import json

from awsprocesscreds.hotpath import MAX_DURATION, MIN_DURATION, cache_key

NOTE_SUFFIX = ".duration"
#: How long a note is trusted (seconds since it was written).
NOTE_LIFETIME = 24 * 3600.0
#: A note is a few dozen bytes; anything larger is not ours.
NOTE_MAX_BYTES = 256


def note_name(role_arn: str, asked: int) -> str:
    """The file name of the note for ``role_arn`` asked for ``asked`` seconds."""
    return cache_key({"v": 1, "kind": "duration", "role_arn": role_arn, "asked": asked}) + (
        NOTE_SUFFIX
    )


def note_text(asked: int, accepted: int) -> str:
    """The content of a note: what was asked and what STS accepted."""
    return json.dumps({"asked": asked, "accepted": accepted})


def read_note(text: str, asked: int) -> int | None:
    """The accepted length a note's ``text`` records for ``asked``; None unless the
    note is well formed, is about ``asked``, and accepted less than it."""
    try:
        note = json.loads(text)
    except ValueError:
        return None
    if not isinstance(note, dict) or type(note.get("asked")) is not int:
        return None
    if note["asked"] != asked:
        return None
    accepted = note.get("accepted")
    if type(accepted) is not int or not MIN_DURATION <= accepted < asked <= MAX_DURATION:
        return None
    return accepted
