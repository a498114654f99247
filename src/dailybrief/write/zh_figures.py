"""Figures rewritten in Chinese units before a model reads the source text.

A small model translating "1.3 billion parameters" writes "1.3亿" (measured on
Qwen2.5-Coder-1.5B: 10x off, every time); given "13 亿" in the source text it copies it right.
So for a Chinese report the code does the unit conversion: every figure with a scale or a
currency is written as 亿/万 with the currency word after it, without thousands commas
("4,700 万美元" came back as "4.7 亿美元"). The verifier checks the result against the original
text, so a conversion error here could not slip into a report.
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


def with_chinese_figures(text: str) -> str:
    """`text` with each figure that has a scale or a currency rewritten in Chinese units."""
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
