"""The verifier against adversarial sentences, and on the sample day's extractive report."""

from __future__ import annotations

from datetime import datetime, timezone

from dailybrief.models import Item, Paragraph, Reference, Report, ReportSection, ReportStory
from dailybrief.write.verify import split_cited, verify_report

WHEN = datetime(2026, 4, 16, 10, tzinfo=timezone.utc)
AP = Item(url="https://ap.example/openai", title="OpenAI shifts its focus to business users", published=WHEN, lang="en",
          content="OpenAI was most recently valued at $852 billion; Anthropic was valued at $380 billion. "
                  "Anthropic says its annualized revenue has reached about $30 billion.")
ZH = Item(url="https://zh.example/anthropic", title="OpenAI 质疑 Anthropic 年化收入", published=WHEN, lang="zh",
          content="Anthropic 此前表示其年化收入已达到约 300 亿美元，但 OpenAI 方面认为这一数字未扣除云服务商的分成。")
RESBM = Item(url="https://example.org/resbm", title="ResBM: 128x activation compression", published=WHEN, lang="en",
             content="Macrocosmos introduces ResBM, achieving 128x compression of the activations passed between stages.")
TURBO = Item(url="https://example.org/turbo", title="TurboQuant faces criticism over RaBitQ", published=WHEN, lang="en",
             content="Critics say Google's TurboQuant paper did not credit RaBitQ and compared against a single-core CPU.")
ITEMS = {i.url: i for i in (AP, ZH, RESBM, TURBO)}


def report(business: list[str], research: list[str], summary: str = "") -> Report:
    refs = [Reference(n=n, title=i.title, url=i.url) for n, i in enumerate((AP, ZH, RESBM, TURBO), 1)]
    return Report(
        date="2026-04-17", title="t", language="zh", summary=summary,
        sections=[
            ReportSection(id="business", title="商业：OpenAI 与 Anthropic 的收入之争",
                          paragraphs=[Paragraph(text=t) for t in business],
                          stories=[ReportStory(id="s1", title="x", item_urls=[AP.url, ZH.url], importance=1)]),
            ReportSection(id="research", title="研究：ResBM 把激活压缩 128 倍",
                          paragraphs=[Paragraph(text=t) for t in research],
                          stories=[ReportStory(id="s2", title="y", item_urls=[RESBM.url], importance=1),
                                   ReportStory(id="s3", title="z", item_urls=[TURBO.url], importance=1)]),
        ],
        references=refs,
    )


def reasons_for(sentence: str, section: int = 0) -> list[str]:
    paragraphs = [[], []]
    paragraphs[section] = [sentence]
    _, result = verify_report(report(*paragraphs), ITEMS)
    return [r for f in result.findings for r in f.reasons]


def test_supported_sentences_pass_across_languages() -> None:
    good = "OpenAI 目前估值 8520 亿美元，Anthropic 为 3800 亿美元[1]。Anthropic 称年化收入约 300 亿美元[1][2]。"
    cleaned, result = verify_report(report([good], ["ResBM 实现了 128 倍激活压缩[3]。"]), ITEMS)
    assert result.findings == [] and result.supported == result.sentences == 3
    assert cleaned.sections[0].paragraphs[0].text == good


def test_a_wrong_number_is_caught() -> None:
    assert any("9520 亿美元" in r for r in reasons_for("OpenAI 目前估值 9520 亿美元[1]。"))


def test_a_wrong_unit_is_caught() -> None:
    assert any("128%" in r for r in reasons_for("ResBM 将效率提升了 128%[3]。", section=1))


def test_a_number_from_another_item_is_caught() -> None:
    # $380 billion is in the AP item, not in the Chinese item this sentence cites
    assert any("3800 亿美元" in r for r in reasons_for("Anthropic 估值为 3800 亿美元[2]。"))


def test_an_invented_company_is_caught() -> None:
    assert any("Zephyra" in r for r in reasons_for("据 Zephyra Labs 估算，OpenAI 估值 8520 亿美元[1]。"))


def test_a_citation_to_another_sections_story_is_caught() -> None:
    assert any("not a source of a story in this section" in r for r in reasons_for("ResBM 实现了 128 倍压缩[3]。"))


def test_an_unresolved_citation_is_caught() -> None:
    assert any("does not resolve" in r for r in reasons_for("OpenAI 估值 8520 亿美元[9]。"))


def test_the_reference_reports_mistake_rabitq_pinned_on_resbm_is_caught() -> None:
    reasons = reasons_for("ResBM 论文被质疑未充分引用此前的 RaBitQ 研究[3]。", section=1)
    assert reasons == ["name 'RaBitQ' is not in the cited items"]
    assert reasons_for("TurboQuant 被质疑未充分引用 RaBitQ[4]。", section=1) == []


def test_unsupported_sentences_are_removed_and_references_renumbered() -> None:
    r = report(["OpenAI 估值 9520 亿美元[1]。Anthropic 称年化收入约 300 亿美元[2]。"], ["ResBM 实现了 128 倍激活压缩[3]。"])
    cleaned, result = verify_report(r, ITEMS)
    assert [f.action for f in result.findings] == ["removed"]
    assert cleaned.sections[0].paragraphs[0].text == "Anthropic 称年化收入约 300 亿美元[1]。"
    assert [(ref.n, ref.url) for ref in cleaned.references] == [(1, ZH.url), (2, RESBM.url)]
    assert cleaned.sections[1].paragraphs[0].citations == [2]
    assert cleaned.stats["verification"]["unsupported"] == 1


def test_keep_unsupported_marks_instead() -> None:
    r = report(["OpenAI 估值 9520 亿美元[1]。"], ["ResBM 实现了 128 倍激活压缩[3]。"])
    cleaned, result = verify_report(r, ITEMS, keep_unsupported=True)
    assert cleaned.sections[0].paragraphs[0].text.startswith("[未核实] OpenAI 估值 9520 亿美元[1]")
    assert result.findings[0].action == "marked"


def test_uncited_claims_and_headlines() -> None:
    assert any("cites nothing" in r for r in reasons_for("OpenAI 估值 8520 亿美元。"))
    assert reasons_for("这一变化值得关注。") == []  # no claim, no citation needed
    r = report(["OpenAI 估值 8520 亿美元[1]。"], ["ResBM 实现了 128 倍激活压缩[3]。"])
    r.sections[0].title = "商业：Mistral 估值 8520 亿美元"
    cleaned, result = verify_report(r, ITEMS)
    assert cleaned.sections[0].title == "商业"
    assert result.findings[0].action == "cut to theme"


def test_sentence_splitting_keeps_marks_with_their_sentence() -> None:
    assert split_cited("甲[1]。乙[2]；丙") == ["甲[1]。", "乙[2]；", "丙"]
    assert split_cited("It rose 7%.[1] Then it fell.[2]") == ["It rose 7%.[1] ", "Then it fell.[2]"]


# --- claim binding: figures and names must be stated together in one cited item -----------------

PCT = Item(url="https://example.org/pct", title="Throughput up 128%", published=WHEN, lang="en",
           content="The new kernel raises ResBM throughput by 128% on the same hardware.")


def test_the_reference_mistake_citing_both_stories_is_caught() -> None:
    # the reference cited the controversy thread for ResBM: both items cited, claims mixed
    reasons = reasons_for("ResBM 论文被质疑未充分引用此前的 RaBitQ 研究[3][4]。", section=1)
    assert reasons and "not stated together" in reasons[0] and "RaBitQ" in reasons[0]
    assert reasons_for("ResBM 实现 128 倍压缩，TurboQuant 则被质疑未引用 RaBitQ[3][4]。", section=1) == []


def test_a_figure_from_one_item_paired_with_a_company_from_another_is_caught() -> None:
    reasons = reasons_for("TurboQuant 实现了 128 倍激活压缩[3][4]。", section=1)
    assert reasons == ["figure '128 倍' and 'TurboQuant' are not stated together in any cited item"]
    assert reasons_for("ResBM 实现了 128 倍激活压缩[3][4]。", section=1) == []


def test_a_figure_must_be_in_one_item_not_pieced_together() -> None:
    # each clause's figure is in the AP item; the Chinese item has 300 亿美元 only
    assert reasons_for("OpenAI 估值 8520 亿美元，Anthropic 年化收入约 300 亿美元[1][2]。") == []
    assert any("9520" in r for r in reasons_for("OpenAI 估值 9520 亿美元[1][2]。"))


def test_a_wrong_unit_128x_vs_128_percent_is_caught() -> None:
    items = {**ITEMS, PCT.url: PCT}
    r = report([], ["ResBM 吞吐量提升 128 倍[3]。"])
    r.references[2] = r.references[2].model_copy(update={"url": PCT.url})
    r.sections[1].stories[0].item_urls = [PCT.url]
    _, result = verify_report(r, items)
    body = [x for f in result.findings if "paragraph" in f.where for x in f.reasons]
    assert body == ["figure '128 倍' is not in the cited items"]
    r.sections[1].paragraphs[0].text = "ResBM 吞吐量提升 128%[3]。"
    assert [f for f in verify_report(r, items)[1].findings if "paragraph" in f.where] == []


def test_number_words_and_chinese_institutions() -> None:
    from dailybrief.write.numbers import find_unsupported, quantities

    pool = quantities("Revenue doubled; half of users; 50% share; 营收翻番", names_are_numbers=True)
    for claim in ("收入翻了一番", "一半的用户", "两倍", "twice", "half"):
        assert not find_unsupported(quantities(claim), pool), claim
    assert find_unsupported(quantities("三倍"), pool) and find_unsupported(quantities("tripled"), pool)
    assert quantities("doubling down on coding") == []
    # Chinese institution names outside the alias table are checked against Chinese sources
    assert any("复旦大学" in r for r in reasons_for("复旦大学质疑 Anthropic 的年化收入[2]。"))
    assert reasons_for("Anthropic 此前表示年化收入约 300 亿美元[2]。") == []
    # Latin-script names inside Chinese sentences are checked as written
    assert any("Mistral" in r for r in reasons_for("Mistral 估值 8520 亿美元[1]。"))


def test_an_uncited_opening_sentence_is_not_merged_into_the_next() -> None:
    assert split_cited("This issue covers 3 stories. OpenAI is valued at $852 billion.[1]") == [
        "This issue covers 3 stories. ", "OpenAI is valued at $852 billion.[1]"]


# --- hardening, each from a failure found by trying the verifier ----------------------------------

def test_every_sentence_of_every_bundled_item_verifies_against_its_own_item() -> None:
    import json
    from pathlib import Path

    from dailybrief.write.sentences import split_sentences
    from dailybrief.write.verify import check_claims, source_text

    sample = Path(__file__).resolve().parents[2] / "src" / "dailybrief" / "samples" / "2026-04-17.jsonl"
    failures = []
    for line in sample.read_text("utf-8").splitlines():
        item = Item.model_validate(json.loads(line))
        for sentence in [item.title, *split_sentences(item.text)]:
            if reasons := check_claims(sentence, [source_text(item)]):
                failures.append((sentence[:80], reasons))
    assert failures == []


def test_a_model_name_with_a_size_suffix_is_one_name() -> None:
    from dailybrief.write.entities import entities
    from dailybrief.write.verify import check_claims

    sentence = "It outperforms the previous Qwen3 30B-A3B model across coding benchmarks."
    assert "Qwen3 30B-A3B" in entities(sentence)
    assert check_claims(sentence, [sentence]) == []


DENIAL = Item(url="https://zh.example/turbo", title="TurboQuant 引用争议", published=WHEN, lang="zh",
              content="TurboQuant 论文被质疑未充分引用 RaBitQ 的研究。谷歌回应称，此事与同期发布的 ResBM 等其他工作无关。")


def denial_reasons(sentence: str) -> list[str]:
    items = {**ITEMS, DENIAL.url: DENIAL}
    r = report([], [sentence])
    r.references[3] = r.references[3].model_copy(update={"url": DENIAL.url})
    r.sections[1].stories[1].item_urls = [DENIAL.url]
    _, result = verify_report(r, items)
    return [x for f in result.findings for x in f.reasons]


def test_a_name_the_item_mentions_only_in_a_denial_does_not_support_a_claim_about_it() -> None:
    reasons = denial_reasons("ResBM 被质疑未充分引用 RaBitQ 的研究[4]。")
    assert reasons == ["name 'ResBM' is mentioned in the cited items only in a denial"]
    assert denial_reasons("TurboQuant 被质疑未充分引用 RaBitQ 的研究[4]。") == []
    assert denial_reasons("谷歌称此事与 ResBM 无关[4]。") == []  # restating the denial is fine


def test_unlisted_chinese_person_names_are_checked_or_reported_unchecked() -> None:
    # the Chinese item does not name 李彦宏: checked and caught
    assert any("李彦宏" in r for r in reasons_for("李彦宏质疑 Anthropic 的年化收入[2]。"))
    # an English item cannot be searched for a Chinese-script name: reported as unchecked
    r = report(["哈萨比斯认为 OpenAI 目前估值 8520 亿美元[1]。"], [])
    _, result = verify_report(r, ITEMS)
    assert result.findings == [] and result.as_stats()["unchecked"] == ["哈萨比斯"]


def test_the_summary_may_cite_only_stories_left_in_the_report() -> None:
    # the research section's only sentence is removed: its stories are no longer in the report
    r = report(["OpenAI 目前估值 8520 亿美元[1]。"], ["ResBM 实现了 9999 倍激活压缩[3]。"],
               summary="OpenAI 目前估值 8520 亿美元[1]。ResBM 来自 Macrocosmos[3]。")
    cleaned, result = verify_report(r, ITEMS)
    summary = [f for f in result.findings if f.where == "summary"]
    assert len(summary) == 1 and "not a source of a story" in summary[0].reasons[0]
    assert cleaned.summary == "OpenAI 目前估值 8520 亿美元[1]。"


def test_parts_left_empty_are_reported() -> None:
    r = report(["OpenAI 估值 9520 亿美元[1]。"], ["ResBM 实现了 128 倍激活压缩[3]。"], summary="OpenAI 估值 9520 亿美元[1]。")
    _, result = verify_report(r, ITEMS)
    assert result.empty == ["section 1", "summary"]
