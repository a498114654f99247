"""Figures rewritten in Chinese units before a model reads the source text.

A small model translating "1.3 billion parameters" writes "1.3亿" (measured on
Qwen2.5-Coder-1.5B: 10x off, every time); given "13 亿" in the source text it copies it right.
So for a Chinese report the code does the unit conversion: every figure with a scale or a
currency is written as 亿/万 with the currency word after it, without thousands commas
("4,700 万美元" came back as "4.7 亿美元"). The verifier checks the result against the original
text, so a conversion error here could not slip into a report.

Dates and weekdays are written the Chinese way too ("November 17, 2025" → "2025 年 11 月 17 日",
"Wednesday" → "周三"): left in English, the model copied them into Chinese sentences as they
were ("特斯拉 AI 推出 Grok 4.1， November 17, 2025，…", measured on the Gemini 3 week), or
turned "Wednesday" into "本周". The verifier reads both forms of a date as the same figures.
"""

from __future__ import annotations

import re

from .numbers import Quantity, quantities

_CURRENCY = {"USD": "美元", "EUR": "欧元", "GBP": "英镑", "CNY": "元", "JPY": "日元", "HKD": "港元", "CNY|JPY": "元"}
_SCALE_WORDS = ("trillion", "billion", "million", "thousand", "bn", "mn", "tn")


def _plain(value: float) -> str:
    """A number without exponent or trailing zeros: 13, 7.7, 8520, 0.35."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text or "0"


def chinese_figure(quantity: Quantity) -> str | None:
    """ "8520 亿美元" for $852 billion, "4700 万美元" for $47 million, "13 亿" for 1.3 billion;
    None for a figure that needs no conversion (a year, a percentage, a small bare number)."""
    unit = quantity.unit
    if unit is not None and unit not in _CURRENCY:
        return None
    scaled = any(w in quantity.text.lower() for w in _SCALE_WORDS) or quantity.text.rstrip()[-1:] in "BMKT"
    if unit is None and not scaled:
        return None
    value = quantity.value
    if abs(value) >= 1e12:
        number = f"{_plain(value / 1e12)} 万亿"
    elif abs(value) >= 1e8:
        number = f"{_plain(value / 1e8)} 亿"
    elif abs(value) >= 1e4:
        number = f"{_plain(value / 1e4)} 万"
    else:
        number = _plain(value)
    return f"{number}{_CURRENCY[unit]}" if unit else number


def _in_name(text: str, start: int, end: int) -> bool:
    """A size inside a name ("Qwen3.6-35B-A3B", "GPT-4o-mini") is not a figure to convert."""
    before = text[start - 1 : start]
    after = text[end : end + 2]
    return (before == "-" or before.isalnum()) or bool(re.match(r"-\w", after))


_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTH = (
    r"(?P<month>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?|"
    + "|".join(m.capitalize() for m in _MONTHS)
    + ")"
)
# "November 17, 2025", "Nov. 17", "17 November 2025", "November 2025": a month name only with a
# day or a year beside it ("May" alone is a verb as often as a month)
_DATE = re.compile(
    rf"\b(?:{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{{4}}))?"
    rf"|(?P<day2>\d{{1,2}})\s+{_MONTH.replace('month', 'month2')}(?:,?\s+(?P<year2>\d{{4}}))?"
    rf"|{_MONTH.replace('month', 'month3')}\s+(?P<year3>\d{{4}}))\b"
)
_WEEKDAYS = {
    "Monday": "周一",
    "Tuesday": "周二",
    "Wednesday": "周三",
    "Thursday": "周四",
    "Friday": "周五",
    "Saturday": "周六",
    "Sunday": "周日",
}
_WEEKDAY = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b")


def _month_number(name: str) -> int:
    low = name.rstrip(".").lower()
    return next(i + 1 for i, m in enumerate(_MONTHS) if m.startswith(low[:3]))


def _chinese_date(match: re.Match[str]) -> str:
    month = _month_number(match.group("month") or match.group("month2") or match.group("month3"))
    day = match.group("day") or match.group("day2")
    year = match.group("year") or match.group("year2") or match.group("year3")
    if day and not 1 <= int(day) <= 31:
        return match.group(0)
    parts = ([f"{year} 年"] if year else []) + [f"{month} 月"] + ([f"{int(day)} 日"] if day else [])
    return " ".join(parts)


def with_chinese_dates(text: str) -> str:
    """`text` with English dates and weekdays written the Chinese way."""
    return _WEEKDAY.sub(lambda m: _WEEKDAYS[m.group(1)], _DATE.sub(_chinese_date, text))


def with_chinese_figures(text: str) -> str:
    """`text` with each figure that has a scale or a currency rewritten in Chinese units, and
    each English date and weekday in Chinese (`with_chinese_dates`)."""
    text = with_chinese_dates(text)
    out, cursor = [], 0
    for quantity in quantities(text):
        at = text.find(quantity.text, cursor)
        replacement = chinese_figure(quantity)
        end = at + len(quantity.text)
        if at < 0 or replacement is None or _in_name(text, at, end):
            continue
        out.append(text[cursor:at])
        out.append(replacement)
        cursor = at + len(quantity.text)
    out.append(text[cursor:])
    return "".join(out)
