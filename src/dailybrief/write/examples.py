"""One worked example per request kind, sent as a prior user/assistant turn.

A 1.5B model follows the answer format only when it has seen it once (zero-shot it dropped
citations and copied the prompt's source labels into its sentences). The examples are about a
made-up company, so that nothing in them can leak into a report as a fact; their figures are
already in the units the report uses, as the real source text will be (`zh_figures`).
"""

from __future__ import annotations

import json
from typing import Any

_SECTION_USER = {
    "zh": "Theme: 芯片与算力\nLength: about 300 Chinese characters in total.\nStory 1\n"
    "[1] Example Wire · Examplar raises money for inference chips\n"
    "Examplar, a chip start-up, raised 4700 万美元 in a Series A round. "
    "Its first chip runs models with 70 亿 parameters at 3 times the speed of a GPU.\n"
    "[2] Example Blog · Examplar chip benchmark\nEngineers doubt the speed figure because it was measured on one model.",
    "en": "Theme: Chips and compute\nLength: about 200 words in total.\nStory 1\n"
    "[1] Example Wire · Examplar raises money for inference chips\n"
    "Examplar, a chip start-up, raised $47 million in a Series A round. "
    "Its first chip runs models with 7 billion parameters at 3 times the speed of a GPU.\n"
    "[2] Example Blog · Examplar chip benchmark\nEngineers doubt the speed figure because it was measured on one model.",
}
_SECTION_ANSWER = {
    "zh": {
        "headline": "芯片与算力：Examplar 押注推理芯片",
        "layout": "prose",
        "paragraphs": [
            {
                "lead": None,
                "sentences": [
                    {"text": "芯片初创公司 Examplar 完成 4700 万美元 A 轮融资。", "sources": [1]},
                    {"text": "其首款芯片运行 70 亿参数模型的速度是 GPU 的 3 倍。", "sources": [1]},
                    {"text": "工程师对这一速度数据存疑，因为它只在一个模型上测得。", "sources": [2]},
                ],
            }
        ],
    },
    "en": {
        "headline": "Chips and compute: Examplar bets on inference chips",
        "layout": "prose",
        "paragraphs": [
            {
                "lead": None,
                "sentences": [
                    {"text": "Chip start-up Examplar raised $47 million in a Series A round.", "sources": [1]},
                    {
                        "text": "Its first chip runs 7-billion-parameter models 3 times as fast as a GPU.",
                        "sources": [1],
                    },
                    {"text": "Engineers doubt the speed figure, which was measured on one model.", "sources": [2]},
                ],
            }
        ],
    },
}
_SUMMARY_USER = {
    "zh": "## 芯片与算力：Examplar 押注推理芯片\n- 芯片初创公司 Examplar 完成 4700 万美元 A 轮融资。 [1]\n"
    "## 开源模型\n- Examplar 开源了一个 70 亿参数的模型。 [2]",
    "en": "## Chips and compute: Examplar bets on inference chips\n- Chip start-up Examplar raised $47 million. [1]\n"
    "## Open models\n- Examplar released a 7-billion-parameter open model. [2]",
}
_SUMMARY_ANSWER = {
    "zh": {
        "title": "推理芯片获得融资",
        "sentences": [
            {"text": "Examplar 完成 4700 万美元 A 轮融资，并开源了一个 70 亿参数的模型。", "sources": [1, 2]}
        ],
    },
    "en": {
        "title": "Inference chips draw money",
        "sentences": [
            {"text": "Examplar raised $47 million and released a 7-billion-parameter open model.", "sources": [1, 2]}
        ],
    },
}
_BRIEF_USER = {
    "zh": "Story: Examplar raises money\n[a] Example Wire · Examplar raises money\nExamplar raised 4700 万美元 in a Series A round.\n"
    "[b] Example Blog · Benchmark\nEngineers doubt its speed figure.",
    "en": "Story: Examplar raises money\n[a] Example Wire · Examplar raises money\nExamplar raised $47 million in a Series A round.\n"
    "[b] Example Blog · Benchmark\nEngineers doubt its speed figure.",
}
_BRIEF_ANSWER = {
    "zh": {
        "facts": [
            {"text": "Examplar 完成 4700 万美元 A 轮融资。", "items": ["a"]},
            {"text": "工程师对其速度数据存疑。", "items": ["b"]},
        ]
    },
    "en": {
        "facts": [
            {"text": "Examplar raised $47 million in a Series A round.", "items": ["a"]},
            {"text": "Engineers doubt its speed figure.", "items": ["b"]},
        ]
    },
}
_KINDS = {
    "section": (_SECTION_USER, _SECTION_ANSWER),
    "summary": (_SUMMARY_USER, _SUMMARY_ANSWER),
    "brief": (_BRIEF_USER, _BRIEF_ANSWER),
}


def example(kind: str, language: str) -> tuple[str, str]:
    """(user message, assistant answer) of the worked example for `kind` in `language`."""
    users, answers = _KINDS[kind]
    answers_by_lang: dict[str, Any] = answers  # type: ignore[assignment]
    lang = language if language in users else "en"
    return users[lang], json.dumps(answers_by_lang[lang], ensure_ascii=False)
