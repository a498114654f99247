"""Figures, dates and weekdays of English sources written the Chinese way before a small model
reads them (it copied "November 17, 2025" into a Chinese sentence on the Gemini 3 week), and
what the code writes still verifies against the original English text."""

from __future__ import annotations

import pytest

from dailybrief.write.verify import check_claims
from dailybrief.write.zh_figures import with_chinese_figures

GROK = "Elon Musk's xAI released Grok 4.1 on November 17, 2025, marking a dramatic leap in AI accuracy."


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        (GROK, "Elon Musk's xAI released Grok 4.1 on 2025 年 11 月 17 日, marking"),
        ("On Nov. 17 it said", "On 11 月 17 日 it said"),
        ("from 17 November 2025 on", "from 2025 年 11 月 17 日 on"),
        ("due in March 2026", "due in 2026 年 3 月"),
        ("announced Wednesday that it raised $47 million", "announced 周三 that it raised 4700 万美元"),
        ("Sept. 3rd, 2025", "2025 年 9 月 3 日"),
    ],
)
def test_english_dates_and_weekdays_are_written_the_chinese_way(english: str, chinese: str) -> None:
    assert chinese in with_chinese_figures(english)


@pytest.mark.parametrize("text", ["You may want it", "May we go", "in March", "the Nov. issue", "on March 45"])
def test_a_month_word_without_a_day_or_year_is_left_alone(text: str) -> None:
    assert with_chinese_figures(text) == text


def test_a_sentence_copied_from_the_converted_text_verifies_against_the_english_item() -> None:
    copied = "xAI 于 2025 年 11 月 17 日发布 Grok 4.1。"
    assert check_claims(copied, [GROK]) == []
    assert check_claims("xAI 于 2025 年 11 月 18 日发布 Grok 4.1。", [GROK]) != []
