"""Kept for callers that still import the slot from here; it lives in bot/slots.py.

The slot moved below both the digest and the store, so the store no longer
imports the digest package (which imports the store).
"""

from antenne.bot.slots import DEFAULT_TIMEZONE, WEEKDAY_NAMES, Slot, SlotError, parse_slot, valid_timezone

__all__ = ["DEFAULT_TIMEZONE", "WEEKDAY_NAMES", "Slot", "SlotError", "parse_slot", "valid_timezone"]
