"""Making text safe to show on a terminal.

Much of what we show comes from the IdP (AD FS ``errorText`` and page titles, Okta
``errorSummary``, factor names, phone numbers, push numbers, role ARNs). A hostile
or broken IdP could put terminal escape sequences in it: ESC sequences that retitle
the window, rewrite the screen or, on some terminals, answer back as typed input;
BEL, backspace and carriage return that hide or fake what was printed; C1 controls
(U+0080-U+009F, which some terminals treat as ESC sequences); and bidi overrides
that show a string in another order than it is read. ``safe_text`` replaces all of
them, and every place that writes to the terminal, stderr or a subcommand's stdout
passes its text through it.
"""

from __future__ import annotations

import re

#: What a replaced character becomes: visible, and plainly not part of the message.
REPLACEMENT = "\N{REPLACEMENT CHARACTER}"

_BIDI = (
    "\u061c"  # ARABIC LETTER MARK
    "\u200e\u200f"  # LEFT-TO-RIGHT / RIGHT-TO-LEFT MARK
    "\u202a-\u202e"  # LRE, RLE, PDF, LRO, RLO
    "\u2066-\u2069"  # LRI, RLI, FSI, PDI
)
# C0 (including TAB, LF, CR), DEL, C1, the bidi controls, and the Unicode line and
# paragraph separators (some terminals start a new line on them).
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\u2028\u2029]")
_UNSAFE_KEEPING_NEWLINES = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_BIDI}\u2028\u2029]")


def safe_text(text: str, *, newlines: bool = False) -> str:
    """``text`` with every control, bidi-override and line-separator character
    replaced by U+FFFD; ordinary letters of any script are kept. With ``newlines``,
    LF is kept (for our own multi-line output); a lone line never needs one."""
    pattern = _UNSAFE_KEEPING_NEWLINES if newlines else _UNSAFE
    return pattern.sub(REPLACEMENT, text)
