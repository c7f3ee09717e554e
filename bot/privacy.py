"""Remove what identifies a person from text we keep (unanswered questions).

People paste e-mail addresses, phone numbers and BSNs into questions; the
editors need the question, not those.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# +31 6 12345678, 0031-20-1234567, 06-12345678, (020) 123 45 67: a leading + or 0, then 8+ more digits.
PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)\d{2}[\s.-]?\(?0?|\(?0)\d{1,3}\)?(?:[\s.-]?\d){6,8}(?!\w)")
LONG_DIGITS = re.compile(r"\d(?:[\s.-]?\d){5,}")  # BSN (9), bank and case numbers


def redact(text: str) -> str:
    text = EMAIL.sub("[e-mail]", text)
    text = PHONE.sub("[telefoon]", text)
    return LONG_DIGITS.sub("[nummer]", text)
