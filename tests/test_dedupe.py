from datetime import datetime, timezone

from dailybrief.models import Item
from dailybrief.process.dedupe import dedupe

BODY = (
    "OpenAI is moving engineers and computing power away from consumer experiments and toward "
    "business customers, according to people familiar with the plan. The company is preparing a "
    "model code-named Spud that it says is built for high-value professional work, with stronger "
    "reasoning and more reliable output in production."
)


def make(url, source, text, title="OpenAI shifts focus to business users", kind="news", minute=0):
    return Item(url=url, title=title, source=source, source_kind=kind, content=text,
                published=datetime(2026, 4, 16, 9, minute, tzinfo=timezone.utc))


def test_syndicated_copies_become_mirrors_of_one_item():
    items = [
        make("https://apnews.com/article/openai-spud", "AP News", BODY),
        make("https://www.usnews.com/news/openai-spud", "US News", BODY.replace("according to", "said")),
        make("https://www.sfgate.com/tech/openai-spud", "SFGATE", BODY + " Shares of partners rose."),
        make("https://example.com/other", "Other", "Anthropic released Claude Opus 4.7 with gains in coding and agents, and priced it like the previous version."),
    ]
    result = dedupe(items, weights={"AP News": 1.3})
    assert len(result.items) == 2
    assert result.duplicates == 2
    kept = next(i for i in result.items if i.mirrors)
    assert kept.url == "https://apnews.com/article/openai-spud"  # the wire service is the primary
    assert {m.source for m in kept.mirrors} == {"US News", "SFGATE"}
    assert kept.source_count == 3
    assert all(m.kept == kept.url and m.score >= 0.7 for m in result.merges)


def test_query_parameter_variants_stay_apart():
    text = "Show HN discussion thread about a new open-source inference server for local models, with benchmarks."
    items = [
        make("https://news.ycombinator.com/item?id=1001", "Hacker News", text, kind="forum"),
        make("https://news.ycombinator.com/item?id=1002", "Hacker News", text, kind="forum"),
    ]
    assert len(dedupe(items).items) == 2


def test_short_and_title_only_items_are_never_merged():
    items = [make(f"https://example.com/{i}", f"S{i}", "", title="AI news") for i in range(3)]
    items.append(make("https://example.com/emoji", "E", "", title="🚀🚀🚀"))
    assert len(dedupe(items).items) == 4


def test_different_stories_sharing_words_are_kept_apart():
    a = make("https://openai.com/index/agents-sdk", "OpenAI",
             "OpenAI updated its Agents SDK with native sandbox execution and a harness that is separate from compute, "
             "so agents can work across files and tools more safely.", title="The next evolution of the Agents SDK")
    b = make("https://apnews.com/article/openai-spud", "AP News", BODY)
    assert len(dedupe([a, b]).items) == 2
