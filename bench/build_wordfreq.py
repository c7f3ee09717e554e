"""Regenerate bot/matching/wordfreq_nl.txt from the `wordfreq` package's Dutch list.

Run: .venv/bin/python bench/build_wordfreq.py   (needs the dev extra: pip install -e '.[dev]')

Why a copy instead of importing wordfreq at run time: loading wordfreq takes about
0.35 s and pulls in ftfy, langcodes and regex, while the matcher needs only one
number per common word. Words rarer than MIN_ZIPF are left out: the matcher treats
any word missing from the table as rare, that is, as fully informative.
"""

from __future__ import annotations

import math
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from antenne.bot.text import fold
from wordfreq import get_frequency_dict

MIN_ZIPF = 3.0
TARGET = ROOT / "bot" / "matching" / "wordfreq_nl.txt"
HEADER = """\
# Dutch word frequencies (Zipf scale: 7 is 'de', 3 is once per million words), folded
# to lower case without accents; one line per frequency, highest first.
# Derived from wordfreq 3.1.1 (https://github.com/rspeer/wordfreq), whose data is
# licensed CC BY-SA 4.0 (Robyn Speer et al.); this derived list carries that licence.
# Regenerate with bench/build_wordfreq.py; do not edit by hand.
"""


def main() -> None:
    best: dict[str, float] = {}
    for word, frequency in get_frequency_dict("nl").items():
        key = fold(word)
        zipf = round(math.log10(frequency) + 9, 1)
        if zipf >= MIN_ZIPF and key.isalpha() and key.isascii() and zipf > best.get(key, 0.0):
            best[key] = zipf
    by_zipf: dict[float, list[str]] = defaultdict(list)
    for word, zipf in best.items():
        by_zipf[zipf].append(word)
    lines = [f"{zipf:.1f} {' '.join(sorted(words))}" for zipf, words in sorted(by_zipf.items(), reverse=True)]
    TARGET.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(best)} woorden naar {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
