"""Numbers with units, normalised across languages."""

from __future__ import annotations

import pytest

from dailybrief.write.numbers import find_unsupported, quantities, same_quantity


def one(text: str):
    found = quantities(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("claim", "source"),
    [
        ("估值 8520 亿美元", "valued at $852 billion"),
        ("128 倍激活压缩", "achieving 128x compression"),
        ("压缩 128 倍", "compressed 128 times"),
        ("完成 4700 万美元 A 轮融资", "raised $47M in a Series A"),
        ("约 300 亿美元", "about $30 billion"),
        ("7% 的罚款", "fines of up to 7 percent"),
        ("4000 万 token", "40 million tokens"),
        ("1.2 万亿元", "1.2 trillion yuan"),
        ("32GB 显存", "32 GB of memory"),
        ("2026 年", "in 2026"),
    ],
)
def test_equivalent_figures_across_languages(claim: str, source: str) -> None:
    assert same_quantity(one(claim), one(source))


@pytest.mark.parametrize(
    ("claim", "source"),
    [
        ("估值 9520 亿美元", "valued at $852 billion"),  # wrong number
        ("估值 852 亿美元", "valued at $852 billion"),  # wrong scale
        ("128% 的提升", "achieving 128x compression"),  # wrong unit
        ("300 亿欧元", "about $30 billion"),  # wrong currency
        ("91%", "92%"),
    ],
)
def test_different_figures_do_not_match(claim: str, source: str) -> None:
    assert not same_quantity(one(claim), one(source))


def test_versions_of_names_are_not_figures() -> None:
    assert quantities("Claude Opus 4.7 与 GPT-5.3、RTX 4090 和 Gemma 4") == []
    assert [q.text for q in quantities("GPT-5.3 costs $5", names_are_numbers=False)] == ["$5"]


def test_a_bare_claim_matches_a_scaled_source_figure() -> None:
    assert not find_unsupported(quantities("1200 个任务"), quantities("1,200 tasks"))
    assert find_unsupported(quantities("1300 个任务"), quantities("1,200 tasks"))


def test_chinese_and_english_number_words() -> None:
    assert same_quantity(one("两倍于同等规模"), one("match Transformers twice their size"))


@pytest.mark.parametrize(
    ("claim", "source"),
    [
        # found by trying the verifier: one significant digit let a trillion state $852 billion
        ("估值达 1 万亿美元", "valued at $852 billion"),
        ("valued at $1 trillion", "valued at $852 billion"),
        ("3 倍", "2.5x faster"),
    ],
)
def test_rounding_may_not_change_a_figure_by_more_than_a_tenth(claim: str, source: str) -> None:
    assert not same_quantity(one(claim), one(source))


def test_rounding_within_a_tenth_still_passes() -> None:
    assert same_quantity(one("估值约 0.85 万亿美元"), one("valued at $852 billion"))
    assert same_quantity(one("$0.9 trillion"), one("valued at $852 billion"))


@pytest.mark.parametrize(
    ("claim", "source"),
    [
        ("128 layers", "achieving 128x compression"),  # found by trying the verifier
        ("模型有 128 层", "achieving 128x compression"),
        ("20 家公司", "grew 20% this year"),
        ("47 companies", "raised $47 in fees"),
    ],
)
def test_a_counted_claim_does_not_match_a_multiple_percentage_or_amount(claim: str, source: str) -> None:
    assert not same_quantity(one(claim), one(source))


def test_a_counted_claim_matches_a_count_across_languages() -> None:
    assert same_quantity(one("模型有 128 层"), one("a model with 128 layers"))
    assert same_quantity(one("128 layers"), one("128 transformer layers"))
