"""Numbers with their units, normalised across languages so that they can be compared.

`quantities(text)` finds every figure in a text and turns it into a `Quantity`: a value in base
units and a unit code. Scales are folded into the value, so "$852 billion", "852 bn dollars" and
"8520 亿美元" are all `Quantity(852e9, "USD")`, and "128x", "128×", "128 times" and "128 倍" are all
`Quantity(128, "x")`.

Unit codes: currencies (USD, CNY, EUR, GBP, JPY, HKD; "¥" is either CNY or JPY), "%", "pp"
(percentage points), "x" (times), data and power units (GB, TB, MW, GW, ...), and the soft date
units "year", "month", "day". `None` means a bare number.

Version numbers that belong to a name ("Claude Opus 4.7", "RTX 4090", "GPT-5.3") are not
quantities: they are part of a named entity and checked as such by the verifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

SOFT_UNITS = {None, "year", "month", "day"}

_ZH_SCALES = {
    "万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "十亿": 1e9, "亿": 1e8,
    "千万": 1e7, "百万": 1e6, "十万": 1e5, "万": 1e4, "千": 1e3,
}
_EN_SCALES = {
    "trillion": 1e12, "tn": 1e12, "billion": 1e9, "bn": 1e9, "million": 1e6, "mn": 1e6,
    "thousand": 1e3,
}
_SUFFIX_SCALES = {"T": 1e12, "B": 1e9, "M": 1e6, "K": 1e3, "k": 1e3}

_CURRENCY_WORDS = [
    ("美元", "USD"), ("美金", "USD"), ("港元", "HKD"), ("港币", "HKD"), ("日元", "JPY"),
    ("欧元", "EUR"), ("英镑", "GBP"), ("人民币", "CNY"), ("元", "CNY"),
    ("dollars", "USD"), ("dollar", "USD"), ("USD", "USD"), ("yuan", "CNY"), ("RMB", "CNY"),
    ("CNY", "CNY"), ("euros", "EUR"), ("euro", "EUR"), ("EUR", "EUR"), ("pounds", "GBP"),
    ("GBP", "GBP"), ("yen", "JPY"), ("JPY", "JPY"), ("HKD", "HKD"),
]
_CURRENCY_PREFIX = {
    "US$": "USD", "$": "USD", "USD": "USD", "€": "EUR", "EUR": "EUR", "£": "GBP", "GBP": "GBP",
    "¥": "CNY|JPY", "￥": "CNY|JPY", "RMB": "CNY", "CNY": "CNY", "HK$": "HKD",
}
_UNIT_WORDS = [
    ("个百分点", "pp"), ("percentage points", "pp"), ("percentage point", "pp"),
    ("%", "%"), ("％", "%"), ("percent", "%"), ("per cent", "%"),
    ("倍", "x"), ("×", "x"), ("x", "x"), ("X", "x"), ("times", "x"), ("-fold", "x"), ("fold", "x"),
    ("PB", "PB"), ("TB", "TB"), ("GB", "GB"), ("MB", "MB"), ("KB", "KB"),
    ("GW", "GW"), ("MW", "MW"), ("kW", "kW"), ("吉瓦", "GW"), ("兆瓦", "MW"), ("千瓦", "kW"),
    ("GHz", "GHz"), ("nm", "nm"), ("纳米", "nm"),
    ("年", "year"), ("月", "month"), ("日", "day"), ("号", "day"),
]
_MONTHS = {
    m: i + 1
    for i, names in enumerate([
        ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
        ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
        ("october", "oct"), ("november", "nov"), ("december", "dec"),
    ])
    for m in names
}
_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![.,]\d)")
# A capitalised or mixed word right before a number makes the number part of a name (RTX 4090).
_NAME_BEFORE = re.compile(r"(?:^|[^\w])([A-Za-z][A-Za-z0-9\-]*[A-Z0-9][A-Za-z0-9\-]*|[A-Z][a-z][A-Za-z\-]*)\s*[-‑]?\s*$")
_NOT_NAMES = {
    "In", "On", "At", "By", "Of", "From", "To", "For", "About", "Around", "Over", "Under", "Nearly",
    "Some", "The", "And", "Or", "Than", "With", "Since", "Until", "Between", "Only", "Up", "Top",
    "Just", "Almost", "Roughly", "Approximately", "Q", "FY", "Page", "Section", "Step",
}


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str | None
    text: str
    precision: float = 1.0  # the place of the last significant digit, in base units
    # a bare number's counted thing ("layers" of "128 layers", "层" of "128 层"): such a claim
    # is not a percentage, a multiple or an amount of money
    noun: str = ""

    def __str__(self) -> str:
        return self.text


def _precision(decimals: str, scale: float) -> float:
    return scale * 10 ** (-len(decimals))


def _is_name_part(text: str, start: int) -> bool:
    """True when the number at `start` continues a name: "GPT-5", "Opus 4.7", "RTX 4090"."""
    before = text[max(0, start - 40) : start]
    if before.endswith(("-", "‑")) and re.search(r"[A-Za-z]-$", before):
        return True
    match = _NAME_BEFORE.search(before)
    if not match or match.group(1) in _NOT_NAMES or match.group(1).lower() in _MONTHS:
        return False
    return True


def _match_word(text: str, pos: int, words: list[tuple[str, str]]) -> tuple[str, str, int] | None:
    """The first of `words` found at `pos` (after optional spaces), as (word, code, end)."""
    i = pos
    while i < len(text) and text[i] == " ":
        i += 1
    for word, code in words:
        if text.startswith(word, i):
            end = i + len(word)
            if word[-1].isascii() and word[-1].isalpha() and end < len(text) and text[end].isascii() and text[end].isalnum():
                continue  # "x" of "xAI", "times" of "timestamp"
            if word in ("x", "X") and i != pos:
                continue  # "128x" only when attached
            return word, code, end
    return None


def quantities(text: str, *, names_are_numbers: bool = False) -> list[Quantity]:
    """Every figure in `text`, normalised. With `names_are_numbers`, version numbers of names
    are returned too (as bare numbers), which is what a pool of source figures wants."""
    # The writer and the verifier check every candidate sentence against the texts of the
    # items it cites, so one item's text is read hundreds of times in a build: parsed once.
    return list(_quantities(text, names_are_numbers))


@lru_cache(maxsize=8192)
def _quantities(text: str, names_are_numbers: bool) -> tuple[Quantity, ...]:
    found: list[Quantity] = []
    for match in _NUMBER.finditer(text):
        integer, decimals = match.group(1), match.group(2) or ""
        value = float(integer.replace(",", "") + ("." + decimals if decimals else ""))
        start, pos = match.start(), match.end()
        scale, unit = 1.0, None

        # a currency written before the number
        head = text[max(0, start - 4) : start].rstrip()
        for symbol, code in sorted(_CURRENCY_PREFIX.items(), key=lambda kv: -len(kv[0])):
            if head.endswith(symbol):
                unit = code
                start -= len(text[max(0, start - 4) : start]) - len(head) + len(symbol)
                break

        # a scale: 亿 / billion / 30B
        if pos < len(text) and text[pos] in _SUFFIX_SCALES and (pos + 1 == len(text) or not text[pos + 1].isalpha()):
            scale, pos = _SUFFIX_SCALES[text[pos]], pos + 1
        else:
            hit = _match_word(text, pos, [(w, w) for w in _ZH_SCALES]) or _match_word(
                text, pos, [(w, w) for w in _EN_SCALES]
            )
            if hit:
                scale, pos = _ZH_SCALES.get(hit[0]) or _EN_SCALES[hit[0]], hit[2]

        # a unit after the number (currency, %, times, data, date)
        if unit is None:
            hit = _match_word(text, pos, _CURRENCY_WORDS) or _match_word(text, pos, _UNIT_WORDS)
            if hit:
                unit, pos = hit[1], hit[2]
        elif hit := _match_word(text, pos, _CURRENCY_WORDS):
            pos = hit[2]  # "$5 USD", "US$ 30 dollars"

        noun = _noun_after(text, pos) if unit is None else ""
        if unit is None and text[max(0, start - 2) : start].strip() == "第":
            continue  # an ordinal: 第 2 条
        if unit is None and not names_are_numbers and scale == 1.0 and _is_name_part(text, start):
            continue
        if unit is None and scale == 1.0 and re.match(r"[A-Za-z]", text[pos : pos + 1]):
            # "4o", "3B-instruct" handled above; "5th", "2nd" are ordinals; "4090Ti" a name
            if not names_are_numbers:
                continue
        found.append(
            Quantity(value * scale, unit, text[start:pos].strip(), _precision(decimals, scale), noun)
        )
    found.extend(_word_quantities(text))
    return tuple(found)


_NOT_NOUNS = {
    "and", "or", "to", "the", "of", "in", "on", "at", "for", "from", "with", "than", "per", "by",
    "as", "is", "are", "was", "were", "has", "had", "have", "will", "that", "which", "who", "into",
    "over", "under", "more", "less", "out", "up", "its", "their", "after", "before", "while", "but",
}
_NOT_ZH_NOUNS = set("的和与及至到或是在为了而也都就从比约余多")
_EN_NOUN = re.compile(r"\s*(?:-\s*)?([A-Za-z]{3,})")


def _noun_after(text: str, pos: int) -> str:
    """The counted thing right after a bare number: an English word ("layers") or a Chinese
    measure word or noun ("层", "个"), else ""."""
    match = _EN_NOUN.match(text, pos)
    if match and match.group(1).lower() not in _NOT_NOUNS:
        return match.group(1).lower()
    rest = text[pos:].lstrip(" ")
    if rest[:1] and "\u4e00" <= rest[0] <= "\u9fff" and rest[0] not in _NOT_ZH_NOUNS:
        return rest[0]
    return ""


_ZH_TIMES = re.compile(r"([一二两三四五六七八九十])倍")
_ZH_WORDS = [
    (re.compile(r"翻了?两番"), 4.0, "x"), (re.compile(r"翻了?一番|翻番|翻倍"), 2.0, "x"),
    (re.compile(r"一半|减半|半数"), 50.0, "%"),
]
_EN_TIMES = re.compile(
    r"\b(twice|double|doubled|doubles|doubling|triple|tripled|triples|tripling|quadruple|quadrupled|"
    r"half|halved|halves|halving)\b(?![\s-]+(?:down|digits?|check|standards?|edged|click|agent)\b)",
    re.I,
)
_EN_WORDS = {"twi": 2.0, "dou": 2.0, "tri": 3.0, "qua": 4.0}
_EN_MONTH = re.compile(r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?\s+(\d{1,2})?\b", re.I)


def _word_quantities(text: str) -> list[Quantity]:
    """Number words: 两倍/三倍/翻番/翻两番/一半, twice/double/triple/quadruple/half. A half is
    50 % (so "一半" = "half" = "50%")."""
    out = [Quantity(float(_ZH_DIGITS[m.group(1)]), "x", m.group(0)) for m in _ZH_TIMES.finditer(text)]
    for pattern, value, unit in _ZH_WORDS:
        out += [Quantity(value, unit, m.group(0)) for m in pattern.finditer(text)]
    for m in _EN_TIMES.finditer(text):
        word = m.group(1).lower()
        if word.startswith(("half", "halv")):
            out.append(Quantity(50.0, "%", m.group(0)))
        else:
            out.append(Quantity(_EN_WORDS[word[:3]], "x", m.group(0)))
    for m in _EN_MONTH.finditer(text):
        if m.group(1).lower() == "may" and not m.group(2):
            continue  # the verb
        out.append(Quantity(float(_MONTHS[m.group(1).lower()]), "month", m.group(1)))
        if m.group(2):
            out.append(Quantity(float(m.group(2)), "day", m.group(2)))
    return out


def _units_agree(claim: str | None, source: str | None) -> bool:
    if claim in SOFT_UNITS:
        return source in SOFT_UNITS or claim is None or claim == source
    if claim is None or source is None:
        return False
    return bool(set(claim.split("|")) & set(source.split("|")))


def same_quantity(claim: Quantity, source: Quantity) -> bool:
    """Whether a figure in a sentence states `source`: the same unit (a bare claim matches any
    unit) and the same value up to the rounding either side was written with."""
    if claim.unit is None:
        # a counted thing ("128 layers") is not a multiple or a percentage ("128x compression")
        units_ok = not claim.noun or source.unit in SOFT_UNITS
    else:
        units_ok = _units_agree(claim.unit, source.unit)
    if not units_ok:
        return False
    difference = abs(claim.value - source.value)
    exact = 1e-9 * max(1.0, abs(source.value))
    tolerance = 0.5 * max(claim.precision, source.precision)
    # A claim may round its source but not move it by more than a tenth: "$1 trillion" does not
    # state "$852 billion" although one significant digit would allow it.
    return difference <= exact or (difference <= tolerance + exact and difference <= 0.1 * abs(source.value))


def find_unsupported(claims: list[Quantity], pool: list[Quantity]) -> list[Quantity]:
    """The claims no figure of `pool` states."""
    return [c for c in claims if not any(same_quantity(c, s) for s in pool)]
