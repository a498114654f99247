"""Semantic support: a cited sentence must say what a sentence of its cited items says.

The threshold (`verify.SUPPORT_THRESHOLD`) is calibrated here on translations of sentences of
the bundled sample day (which must pass) and on what a real 1.5B model wrote for that day
(generic filler, a Parcae description attached to ResBM — which must fail)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dailybrief.models import Item, Paragraph, Reference, Report, ReportSection, ReportStory
from dailybrief.process.embed import default_embedder
from dailybrief.write.verify import SUPPORT_THRESHOLD, verify_report

SAMPLE = Path(__file__).resolve().parents[2] / "src" / "dailybrief" / "samples" / "2026-04-17.jsonl"
ITEMS = {i.url: i for i in (Item.model_validate(json.loads(line)) for line in SAMPLE.read_text("utf-8").splitlines())}
RESBM = "https://arxiv.org/abs/2604.13952"
PARCAE = "https://arxiv.org/abs/2604.14187"
AP = next(u for u in ITEMS if u.startswith("https://apnews.com/"))

# (cited item, a translation of one of its sentences)
TRANSLATIONS = [
    (
        RESBM,
        "流水线并行把模型的层分到多台机器上，但每个微批次都要在各阶段之间发送激活值，这让通过普通互联网连接进行训练变得不切实际。",
    ),
    (PARCAE, "循环语言模型在每个 token 上多次复用同一组层，用额外的计算换取更少的参数，但在实践中训练极不稳定。"),
    (AP, "OpenAI 正在把工程师和算力从若干消费级项目中抽调出来，以便集中精力向企业销售人工智能。"),
    (AP, "两家公司都面临压力，需要向投资者证明在芯片和数据中心上的巨额投入能够转化为持久的收入。"),
    (
        RESBM,
        "The authors, from Macrocosmos, propose Residual Bottleneck Models, which insert learned bottlenecks at stage boundaries.",
    ),
]
# what Qwen2.5-Coder-1.5B wrote for the sample day, cited to the item shown
FAILURES = [
    (RESBM, "这些模型架构在计算机视觉和自然语言处理领域都有广泛的应用。"),  # generic filler
    (RESBM, "这一进展对整个行业具有重要意义。"),
    (RESBM, "ResBM 是一种循环语言模型架构，让同一组层反复计算，用更多的计算换取更少的参数。"),
]


def one_sentence_report(sentence: str, cited: str) -> Report:
    urls = [cited, PARCAE if cited != PARCAE else RESBM]
    refs = [Reference(n=n, title=ITEMS[u].title, url=u) for n, u in enumerate(urls, 1)]
    return Report(
        date="2026-04-17",
        title="t",
        language="zh",
        summary="",
        sections=[
            ReportSection(
                id="research",
                title="研究",
                paragraphs=[Paragraph(text=sentence + "[1]")],
                stories=[ReportStory(id=f"s{n}", title="x", item_urls=[u], importance=1) for n, u in enumerate(urls)],
            )
        ],
        references=refs,
    )


def reasons(sentence: str, cited: str) -> list[str]:
    _, result = verify_report(one_sentence_report(sentence, cited), ITEMS, embedder=default_embedder())
    return [r for f in result.findings for r in f.reasons]


@pytest.mark.parametrize(("cited", "sentence"), TRANSLATIONS)
def test_translations_and_copies_are_supported(cited: str, sentence: str) -> None:
    assert reasons(sentence, cited) == []


@pytest.mark.parametrize(("cited", "sentence"), FAILURES)
def test_filler_and_a_description_of_the_wrong_paper_are_not(cited: str, sentence: str) -> None:
    found = reasons(sentence, cited)
    assert found and "no sentence of the cited items says this" in found[0], found


def test_the_threshold_separates_translations_from_failures_with_room() -> None:
    from dailybrief.write.sentences import split_sentences

    embedder = default_embedder()

    def best(sentence: str, url: str) -> float:
        item = ITEMS[url]
        vectors = embedder.embed([item.title, *split_sentences(item.text)])
        return float((vectors @ embedder.embed([sentence])[0]).max())

    worst_translation = min(best(s, u) for u, s in TRANSLATIONS)
    best_failure = max(best(s, u) for u, s in FAILURES)
    assert best_failure + 0.03 < SUPPORT_THRESHOLD < worst_translation - 0.03, (best_failure, worst_translation)


def test_a_provenance_lead_is_checked_by_names_and_figures_not_by_meaning() -> None:
    from dailybrief.write.verify import is_provenance

    # the extractive writer's data lead says who reported what first: about the items, not in them
    assert is_provenance("Anthropic 由虎嗅最早报道，中英文来源均有报道[10]。")
    assert is_provenance("AP News reported OpenAI's pivot first, on April 16, followed by ABC News and others.")
    # filler hidden behind a provenance clause is not
    assert not is_provenance("Anthropic 由虎嗅最早报道，这些模型架构在计算机视觉领域都有广泛的应用[1]。")
