"""The page-furniture filter on real excerpts: short verbatim quotes of public pages, each with
its URL, for what must go and for article sentences of the same pages that must stay."""

from __future__ import annotations

import pytest

from dailybrief.process.furniture import clean_text, display_title, furniture_reason

# (url, verbatim excerpt) — furniture.
FURNITURE = [
    ("https://ithome.com/0/844/946.htm", "智东西 2025/4/13 15:18:26 责编:远洋"),
    ("https://ithome.com/0/844/946.htm", "设置 日夜间 随系统 浅色 深色 主题色"),
    ("https://sd114.wiki/15658.html", "早报4个月前发布 小马良"),
    ("https://sd114.wiki/15658.html", "282 0"),
    ("https://www.sipoch.com/zh/article/300330021920096", "时间: 来源: cogniway.tech"),
    ("http://fcai.cn/news/907.html", "新闻 2023-04-14"),
    ("https://wpsshop.cn/w/码创造者/article/detail/949519", "当前位置:   article > 正文"),
    ("https://tyye.cn/post_1712844402h2j.html",
     "当前位置:首页 > 数码 > 大模型轻松标注图像-NUS合作的神奇对话式标注-清华&amp (大模型 ai)"),
    ("https://tyye.cn/post_1712844402h2j.html", "admin8个月前 (04-15)数码56"),
    ("https://anandchowdhary.com/blog/2020/automated-journalism-authorship", "• 2 minutes reading time"),
    ("https://bespacific.com/network-of-local-news-sites-publishing-ai-written-articles-under-fake-bylines",
     "Sorry, comments are closed for this post."),
    ("https://redlib.shiv19.com/r/MachineLearning/comments/heiyqq/deleted_by_user/fvv0eoc/?context=3", "899 Upvotes"),
    ("https://redlib.shiv19.com/r/MachineLearning/comments/heiyqq/deleted_by_user/fvv0eoc/?context=3",
     "429 comments sorted by"),
    ("https://redlib.shiv19.com/r/MachineLearning/comments/heiyqq/deleted_by_user/fvv0eoc/?context=3",
     "View all comments"),
    ("https://redlib.shiv19.com/r/MachineLearning/comments/heiyqq/deleted_by_user/fvv0eoc/?context=3",
     "u/Mrganack Jun 24 '20"),
    ("https://reddit.jaspervandalum.nl/r/MachineLearning/comments/dw6pl1/d_thoughts_about_this_conversation/f7h8b53/?context=3",
     "r/MachineLearning • u/GreySindrome • Nov 14 '19"),
    ("https://techcrunch.com/2024/03/22/startups-weekly-what-goes-up/amp/",
     "Image Credits: Orlando Sentinel (opens in a new window) / Getty Images"),
    ("https://techcrunch.com/2024/03/22/startups-weekly-what-goes-up/amp/",
     "Sign up here to get it in your inbox every Friday."),
    ("https://coai.beehiiv.com/p/xai-s-10b-gpu-push",
     "Sign up now and invite your friends and family to be part of the informed."),
    ("https://www.newswhite.com/category/technology?page=32",
     "TECHNOLOGYFirmus, the ‘Southgate’ AI data center builder backed by Nvidia, hits $5.5B "
     "valuationNvidia-backed Asia AI data center provider Firmus has now raised $1.35 billion in six "
     "months.TechCrunch·April 7, 2026"),
    ("https://aibusinesssummary.com/p/ai-obsession-erodes-critical-thinking-memory-and-creativity",
     "In partnership with"),
    # From the April window (quoted in issue 10).
    ("issue-10", "published Apr 15, 2026 · seen 5d"),
    ("issue-10", "OpinionSignals & Early TrendsIdeas & Deep Analysis"),
    ("issue-10", "structure|1️⃣ 三级笔记"),
]

# Article sentences of the same pages: they stay.
ARTICLE = [
    ("https://ithome.com/0/844/946.htm",
     "GPT-4.5 项目启动于两年前,是 OpenAI 迄今为止最周密的计划,涉及数百人团队协作,阿尔特曼称 OpenAI "
     "为了这一项目几乎是“全员上阵”。"),
    ("https://sd114.wiki/15658.html", "从即日起,GPT-5 将作为 ChatGPT 的默认模型,面向所有用户逐步开放。"),
    ("https://cms.aiforcommonfolks.com/page/4/",
     "Google Research revealed TurboQuant, a new compression algorithm that reduces the memory AI models "
     "need by 6x while also running 8x faster."),
    ("https://cms.aiforcommonfolks.com/page/4/",
     "Within 24 hours of release, the open-source community had already started porting it to popular "
     "local AI frameworks like MLX for Apple Silicon and llama.cpp."),
    ("https://techcrunch.com/2024/03/22/startups-weekly-what-goes-up/amp/",
     "In a dramatic turn of events, Microsoft has effectively absorbed Inflection, a once-promising AI "
     "startup that raised a staggering $1.3 billion just nine months ago."),
    ("https://robt.uk/newsletters/2026-04-07-ai-daily-briefing",
     "Zero Shot, a new venture capital fund with deep ties to OpenAI, is aiming to raise $100 million for "
     "its first fund."),
    ("https://www.codetd.com/en/article/15816706",
     "The training of large models consumes a lot of computing resources and time, and the reasoning "
     "process also requires efficient computing power."),
    ("https://xfyun.csdn.net/68d440c4a6dc56200e88c916.html",
     "多模态数据,即包含文本、图像、音频、视频等多种形式的数据,正变得无处不在。"),
]


@pytest.mark.parametrize(("url", "excerpt"), FURNITURE, ids=[e[:30] for _, e in FURNITURE])
def test_furniture_is_recognised(url: str, excerpt: str) -> None:
    assert furniture_reason(excerpt) is not None, url


@pytest.mark.parametrize(("url", "excerpt"), ARTICLE, ids=[e[:30] for _, e in ARTICLE])
def test_article_sentences_stay(url: str, excerpt: str) -> None:
    assert furniture_reason(excerpt) is None, url


def test_headline_repeated_as_first_sentence() -> None:
    # https://sd114.wiki/15658.html repeats its headline under the byline.
    title = "OpenAI 发布 统一智能模型GPT-5:迈向“AGI”的关键一步"
    assert furniture_reason(title, title) == "headline repeated as a sentence"
    assert furniture_reason("OpenAI 于今日正式推出其最新旗舰模型 —— GPT-5,标志着 ChatGPT 进入一个全新阶段。", title) is None


def test_clean_text_keeps_the_article_and_drops_an_emoji_table_of_contents() -> None:
    # https://aibusinesssummary.com/p/ai-obsession-erodes-critical-thinking-memory-and-creativity
    text = (
        "Welcome to AI Business Summaries — your cut-the-crap, high-impact intel on what’s actually shaking "
        "up the AI world right now.\n"
        "🏛️ OpenAI locks in the U.S. government with $1/year ChatGPT deal\n"
        "🏺 DeepMind’s Aeneas revives 1,500 years of lost Latin history\n"
        "🤖 GPT-5 launches — real-time reasoning, agent tools, and personality modes\n"
        "In partnership with"
    )
    cleaned = clean_text(text)
    assert "Welcome to AI Business Summaries" in cleaned
    assert "Aeneas" not in cleaned and "In partnership" not in cleaned


def test_clean_text_on_a_chinese_page_header() -> None:
    # https://ithome.com/0/844/946.htm
    text = (
        "智东西 2025/4/13 15:18:26 责编:远洋\n"
        "4 月 13 日消息,近日,在 OpenAI 史上最贵模型 GPT-4.5 发布 1 个多月后,OpenAI 联合创始人兼 CEO "
        "萨姆・阿尔特曼(Sam Altman)与 GPT-4.5 的 3 位核心技术人员进行了一场 45 分钟的高信息量对谈。"
    )
    cleaned = clean_text(text)
    assert cleaned.startswith("4 月 13 日消息")
    assert "责编" not in cleaned


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        # https://torontoai.org/2019/07/07/discussion-do-you-think-the-ml-community-is-sufficiently-critical/
        ("[Discussion] Do you think the ML community is sufficiently critical?",
         "Do you think the ML community is sufficiently critical?"),
        # https://qloolp.com/show-hn-captain-claw-local-ai-agent-29-tools-multi-session-dag-orchestration-16
        ("Show HN: Captain Claw local AI agent, 29 tools, multi-session, DAG orchestration",
         "Captain Claw local AI agent, 29 tools, multi-session, DAG orchestration"),
        ("[D] thoughts on the controversy about Google's new paper?",
         "thoughts on the controversy about Google's new paper?"),
        ("NVIDIA Launches Ising", "NVIDIA Launches Ising"),
    ],
)
def test_display_title_drops_forum_tags(title: str, shown: str) -> None:
    assert display_title(title) == shown
