"""Fragments every language's wordings share: the secretaries' Roman-numeral dates, and the archives' names."""
from __future__ import annotations

from ..archive import ARCHIVE_NAMES

# "3/X.34", "1.IX.31", "12/VII-1932 g.": a day, a Roman month, perhaps a year and its mark.
DAY = r"\d{1,2}\s*[/.]\s*"
ROMAN_MONTH = r"[IVX]+\s*[-./ ]?\s*"
YEAR = r"(?:\d{2}|1[89]\d\d)"
YEAR_MARK = r"(?:\s*[yg]\.?)?"
ROMAN_DATE = DAY + ROMAN_MONTH + YEAR + YEAR_MARK

# An archive's name before a fond: "RGASPI F. 558".
ARCHIVE = "(?:" + "|".join(ARCHIVE_NAMES) + ")"
