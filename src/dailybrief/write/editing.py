"""Sentence-level editing rules of the extractive writer: what a copied sentence needs before an
editor would print it, or why it cannot be printed at all.

- openers that refer back ("与此同时", "此外", "巧的是", "However", "The reply…"): a pure connective
  can be dropped, a reference needs the sentence it refers to right before it;
- enumerations that open and never close ("争议核心有二：一是……" with no second point);
- sentences that end open, on "；", "：" or "，";
- relative dates ("今天", "昨日", "本周三", "on Thursday"), made absolute from the item's
  publication time in the report's timezone, or dropped when the date cannot be stated.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

# Connectives that only link to what came before: dropping them leaves a complete sentence.
_ZH_CONNECTIVE = re.compile(
    r"^(?:与此同时|與此同時|同时|同時|此外|另外|另一方面|除此之外|巧的是|不过|不過|然而|但是|而且|并且|並且|因此|所以|更重要的是|"
    r"相比之下|换句话说|事实上|值得注意的是|值得一提的是|需要注意的是)[，,、]?\s*"
)
_EN_CONNECTIVE = re.compile(
    r"^(?:However|Meanwhile|Also|Additionally|Moreover|Furthermore|In addition|Still|Similarly|But|And|So|"
    r"Instead|Yet|Nevertheless|Likewise|Coincidentally|Separately|Still|Plus|Indeed|In fact|Notably|"
    r"That said|At the same time|On the other hand)\b,?\s*"
)
# Openers that point at something named before: without it the sentence cannot stand.
_ZH_REFERENCE = re.compile(
    r"^(?:对此|對此|其中|[这這](?:一|些|个|個|款|项|項|次|种|種|位|家|也|就|意味着|意味著)?|[该該]|此[举舉]|此次|此前|上述|前者|后者|後者|"
    r"他们?|他們|她们?|她們|它们?|它們|"
    r"其(?![实他它余])|两者|二者|首先|其次|最后|其一|其二|第[二三四五]|一方面|回复|楼主|评论区"
    # a short adverbial and then a demonstrative: "按照原计划，这些义务……"
    r"|[^，。,]{1,8}[，,]\s*(?:这些|這些|这一|這一|这项|這項|这款|這款|该|該|此|上述))"
)
_EN_REFERENCE = re.compile(
    r"^(?:This|That|These|Those|It|Its|It's|He|She|They|Their|Them|Such|Both|Second|Third|Finally|"
    r"The (?:(?:most|top)[- ]\w+ )?(?:reply|replies|comment|comments|answer|post|thread|poster|author|"
    r"authors|study|paper|move|deal|update|change|company|firm|startup|report|model|release|feature|"
    r"latter|former|same))\b"
)
_ENUM_OPEN = re.compile(
    r"有[二两三四五几]|[两二三四五几](?:点|个(?:方面|焦点|问题|原因|变化))[：:]|一是|其一|第一[，,、]|首先|以下|如下"
    r"|[两二三](?:个)?方面[：:]|[两兩二三四五几幾][个個种種][\u4e00-\u9fff]{1,4}[：:]|\b(?:two|three|four|several) (?:reasons|things|points|issues|ways|changes|takeaways)\b[^.]*:"
    r"|\bFirst,|\b(?:is|was|are) (?:twofold|two-fold|threefold)\b",
    re.I,
)
_ENUM_NEXT = re.compile(r"二是|其二|第二|另一|其次|此外|以及|\bSecond\b|\bsecond\b|\bthen\b|；", re.I)
_OPEN_END = re.compile(r"[；;：:，,、—–-]\s*$")


def opener(sentence: str) -> tuple[str, str] | None:
    """("connective" | "reference", the opener) when the sentence opens by pointing back."""
    for kind, pattern in (("connective", _ZH_CONNECTIVE), ("connective", _EN_CONNECTIVE),
                          ("reference", _ZH_REFERENCE), ("reference", _EN_REFERENCE)):
        match = pattern.match(sentence)
        if match:
            return kind, match.group(0)
    return None


def without_opener(sentence: str) -> str:
    """The sentence with its leading connective dropped (capitalised again in English)."""
    for pattern in (_ZH_CONNECTIVE, _EN_CONNECTIVE):
        match = pattern.match(sentence)
        if match:
            rest = sentence[match.end():]
            return rest[:1].upper() + rest[1:] if rest[:1].isascii() else rest
    return sentence


def incomplete_enumeration(sentence: str) -> bool:
    """Opens a list ("有二：一是……", "two reasons:") without reaching its second point."""
    match = _ENUM_OPEN.search(sentence)
    return match is not None and not _ENUM_NEXT.search(sentence[match.end():])


def ends_open(sentence: str) -> bool:
    return bool(_OPEN_END.search(sentence.strip()))


def close_semicolons(sentence: str) -> str:
    """Inner "；" become "，" so that a sentence stays one sentence once cited; a final one ends it."""
    body = sentence.rstrip()
    if body.endswith("；"):
        body = body[:-1] + "。"
    return body.replace("；", "，")


# --- relative dates -------------------------------------------------------------------------

_WEEKDAYS_ZH = "一二三四五六日天"
_WEEKDAYS_EN = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_ZH_RELATIVE = re.compile(
    r"(?P<zone>(?:美东|美西|北京|太平洋|欧洲中部)?时间)?"
    r"(?<![每两几数个一])(?P<word>今天|今日|今晨|今早|昨天|昨日|昨晚|前天|(?P<week>本|上|下)?(?:周|星期)(?P<wd>[一二三四五六日天]))"
)
_EN_RELATIVE = re.compile(
    r"\b(?P<word>(?i:today|yesterday|tonight|this morning)|(?P<prep>(?i:on|last|this|next)) "
    r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    # a bare weekday after a verb: "the ChatGPT maker confirmed Thursday"
    r"|(?<=[a-z] )(?P<bare>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?!['’]s))\b",
)
_ZH_DAYPART = {"今晨": "早间", "今早": "早间", "昨晚": "晚间"}


def _weekday(day: date, weekday: int, week: str | None, future: bool) -> date:
    """The date of `weekday` (0 = Monday) relative to `day`: in this/last/next week, else the
    nearest one before `day` (after it when the sentence speaks of the future)."""
    monday = day - timedelta(days=day.weekday())
    if week in ("本", "this"):
        return monday + timedelta(days=weekday)
    if week in ("上", "last"):
        return monday - timedelta(days=7 - weekday)
    if week in ("下", "next"):
        return monday + timedelta(days=7 + weekday)
    delta = (weekday - day.weekday()) % 7
    return day + timedelta(days=delta) if future else day - timedelta(days=(day.weekday() - weekday) % 7)


def _zh_date(day: date, report_year: int) -> str:
    year = f"{day.year} 年 " if day.year != report_year else ""
    return f"{year}{day.month} 月 {day.day} 日"


def _en_date(day: date, report_year: int) -> str:
    text = f"{day.strftime('%B')} {day.day}"
    return f"{text}, {day.year}" if day.year != report_year else text


def absolute_dates(sentence: str, published: datetime, timezone: str, report_year: int) -> tuple[str, str]:
    """(the sentence with relative dates made absolute, the sentence with them dropped).

    Dates are counted from the item's publication day in the report's timezone; the second form
    is what the writer prints when the absolute date cannot be verified."""
    day = published.astimezone(ZoneInfo(timezone)).date()
    future = bool(re.search(r"将|即将|计划|\bwill\b|\bplans? to\b", sentence))

    def zh(match: re.Match[str]) -> str:
        word = match.group("word")
        offset = {"今天": 0, "今日": 0, "今晨": 0, "今早": 0, "昨天": 1, "昨日": 1, "昨晚": 1, "前天": 2}
        when = (day - timedelta(days=offset[word]) if word in offset
                else _weekday(day, _WEEKDAYS_ZH.index(match.group("wd")) if match.group("wd") != "天" else 6,
                              match.group("week"), future))
        zone = f"{match.group('zone')} " if match.group('zone') else ""
        text = f"{zone}{_zh_date(when, report_year)}{_ZH_DAYPART.get(word, '')}"
        # House style: a space between Chinese and a figure ("英伟达 4 月 16 日宣布"), none after
        # punctuation or before Chinese.
        before = sentence[match.start() - 1] if match.start() else ""
        after = sentence[match.end()] if match.end() < len(sentence) else ""
        left = " " if before and not before.isspace() and before not in "，。、：；“（" else ""
        right = " " if after and re.match(r"[A-Za-z0-9]", after) else ""
        return f"{left}{text}{right}"

    def en(match: re.Match[str]) -> str:
        word = match.group("word").lower()
        if word in ("today", "tonight", "this morning"):
            return f"on {_en_date(day, report_year)}"
        if word == "yesterday":
            return f"on {_en_date(day - timedelta(days=1), report_year)}"
        if match.group("bare"):
            return f"on {_en_date(_weekday(day, _WEEKDAYS_EN.index(word), None, future), report_year)}"
        wd = _WEEKDAYS_EN.index(match.group("wd").lower())
        prep = match.group("prep").lower()
        return f"on {_en_date(_weekday(day, wd, prep if prep != 'on' else None, future), report_year)}"

    dated = _EN_RELATIVE.sub(en, _ZH_RELATIVE.sub(zh, sentence))
    if dated[:3] == "on ":
        dated = "On " + dated[3:]
    dropped = re.sub(r"(?:于|在)?" + _ZH_RELATIVE.pattern, "", sentence)
    dropped = re.sub(r"^[，,]\s*", "", dropped)
    dropped = _EN_RELATIVE.sub("", dropped)
    dropped = re.sub(r"\s{2,}", " ", re.sub(r"^\s*,\s*", "", dropped)).strip()
    dropped = re.sub(r"\s+([,.])", r"\1", dropped)
    if dropped[:1].islower() and sentence[:1].isupper():
        dropped = dropped[:1].upper() + dropped[1:]
    return dated, dropped


def has_relative_date(sentence: str) -> bool:
    return bool(_ZH_RELATIVE.search(sentence) or _EN_RELATIVE.search(sentence))
