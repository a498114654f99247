"""Providers as users meet them, each quirk reproduced by the loopback Chat Completions server:
reasoning models, fenced JSON, endpoints that refuse response_format or max_tokens, broken
usage, non-string content, an answer that echoes the key. Each gives a report or one clear
line, never a traceback. Also: what we ask for (a JSON schema, sentences with sources), and
that unusable answers are not replayed from the cache as good."""

from __future__ import annotations

import json

import pytest
from llmfakes import ChatServer, Reply, respond
from test_llm_adapter import client, context, sections, settings

from conftest import KEY
from dailybrief.store.llm_cache import LLMCache
from dailybrief.write.llm import MapReduceWriter
from dailybrief.write.llm_types import LLMRequestError
from dailybrief.write.openai_compat import ChatClient

HELLO = [{"role": "user", "content": "hello"}]


def write(server: ChatServer, **extra):
    return MapReduceWriter(client(server, **extra), concurrency=1).write(sections()[:1], context())


def test_a_think_block_before_the_answer_is_dropped(server: ChatServer) -> None:
    server.responder = lambda messages: "<think>\nThe user wants JSON {not this}.\n</think>\n" + respond(messages)
    draft = write(server)
    assert draft.notes["fallbacks"] == [] and draft.notes["repairs"] == 0


def test_reasoning_content_beside_the_answer_is_ignored(server: ChatServer) -> None:
    answer = respond(
        [
            {"role": "system", "content": "TASK: section. Simplified Chinese"},
            {
                "role": "user",
                "content": "Theme: 商业\nStory 1: x\n[1] 甲 · OpenAI 估值 8520 亿美元\n据报道，OpenAI 目前估值为 8520 亿美元。",
            },
        ]
    )
    server.script.append(Reply(message={"role": "assistant", "content": answer, "reasoning_content": "Let me think {"}))
    assert write(server).notes["fallbacks"] == []
    # only reasoning, no content (the answer was cut off while thinking): one clear line
    server.script.extend([Reply(message={"role": "assistant", "content": "", "reasoning_content": "hmm"})] * 2)
    with pytest.raises(LLMRequestError, match="empty message content .only reasoning_content"):
        client(server).complete(HELLO)


def test_json_in_code_fences_is_read(server: ChatServer) -> None:
    server.responder = lambda messages: "Here you go:\n```json\n" + respond(messages) + "\n```"
    assert write(server).notes["fallbacks"] == []


def test_a_400_for_response_format_is_retried_without_it(server: ChatServer) -> None:
    server.reject = lambda body: (
        Reply(status=400, body='{"error": {"message": "response_format is not supported"}}')
        if "response_format" in body
        else None
    )
    c = client(server)
    draft = MapReduceWriter(c, concurrency=1).write(sections(), context())
    assert draft.notes["fallbacks"] == []
    sent = [body for _, body in server.requests]
    assert "response_format" in sent[0] and all("response_format" not in b for b in sent[1:])
    assert len(sent) == 1 + 3  # the refusal, then two sections and the summary without it


def test_max_tokens_refused_for_max_completion_tokens(server: ChatServer) -> None:
    server.reject = lambda body: (
        Reply(
            status=400,
            body=json.dumps(
                {
                    "error": {
                        "message": (
                            "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead."
                        )
                    }
                }
            ),
        )
        if "max_tokens" in body
        else None
    )
    c = client(server)
    assert c.complete(HELLO).text
    c.complete(HELLO + [{"role": "user", "content": "again"}])
    bodies = [body for _, body in server.requests]
    assert "max_tokens" in bodies[0] and bodies[1]["max_completion_tokens"] == 2048 and "max_tokens" not in bodies[2]


def test_a_400_for_anything_else_is_one_line(server: ChatServer) -> None:
    server.script.append(Reply(status=400, body='{"error": {"message": "messages: too long"}}'))
    with pytest.raises(LLMRequestError, match=r"^llm: .* answered HTTP 400: messages: too long$"):
        client(server).complete(HELLO)


@pytest.mark.parametrize(
    "usage",
    [
        None,
        {},
        {"prompt_tokens": "abc", "completion_tokens": None},
        {"prompt_tokens": float("inf"), "completion_tokens": -3},
        "a string",
        [1, 2],
    ],
)
def test_missing_or_malformed_usage_is_estimated(server: ChatServer, usage) -> None:
    # found: "abc" and Infinity crashed the build with a traceback (int("abc"), int(inf))
    server.script.append(Reply(content='{"ok": true}', usage=usage))
    answer = client(server).complete(HELLO)
    assert 0 < answer.input_tokens < 100 and 0 < answer.output_tokens < 100


@pytest.mark.parametrize("content", [42, {"text": "x"}, [{"type": "image_url", "image_url": {}}], True])
def test_content_that_is_not_text_is_one_line_and_the_section_falls_back(server: ChatServer, content) -> None:
    server.script.append(Reply(message={"role": "assistant", "content": content}))
    with pytest.raises(LLMRequestError, match="message content that is not text"):
        client(server).complete(HELLO)
    server.script.extend([Reply(message={"role": "assistant", "content": content})] * 2)
    draft = write(server)
    assert draft.notes["fallbacks"][0]["section"] == "business" and draft.sections[0].paragraphs


def test_content_given_as_text_parts_is_joined(server: ChatServer) -> None:
    server.script.append(
        Reply(
            message={
                "role": "assistant",
                "content": [{"type": "text", "text": '{"a": '}, {"type": "text", "text": "1}"}],
            }
        )
    )
    assert client(server).complete(HELLO).text == '{"a": 1}'


def test_an_answer_echoing_the_key_is_masked_before_it_is_cached(server: ChatServer, store) -> None:
    server.script.append(Reply(content=f'{{"echo": "Bearer {KEY}"}}'))
    c = ChatClient(settings(server.base_url), cache=LLMCache(store))
    assert KEY not in c.complete(HELLO).text
    assert KEY.encode() not in store.path.read_bytes()


def test_we_ask_for_sentences_with_sources_under_a_json_schema(server: ChatServer) -> None:
    write(server)
    _, body = next(r for r in server.requests if r[1]["messages"][0]["content"].startswith("TASK: section"))
    system = body["messages"][0]["content"]
    assert '"sources"' in system and "[n]" not in system and "never write source numbers" in system
    schema = body["response_format"]["json_schema"]["schema"]
    sources = schema["properties"]["paragraphs"]["items"]["properties"]["sentences"]["items"]["properties"]["sources"]
    assert body["response_format"]["type"] == "json_schema" and sources["items"]["enum"] == [1]
    # one worked example as a prior turn
    assert [m["role"] for m in body["messages"]] == ["system", "user", "assistant", "user"]
    assert json.loads(body["messages"][2]["content"])["paragraphs"][0]["sentences"][0]["sources"] == [1]


def test_english_figures_and_dates_reach_the_model_in_chinese_units(server: ChatServer) -> None:
    secs = sections()[:1]
    secs[0].stories[0].items[0] = (
        secs[0]
        .stories[0]
        .items[0]
        .model_copy(
            update={
                "lang": "en",
                "content": "OpenAI was valued at $852 billion after raising $4,700,000 on November 17, 2025.",
            }
        )
    )
    MapReduceWriter(client(server), concurrency=1).write(secs, context())
    user = next(b for _, b in server.requests if b["messages"][0]["content"].startswith("TASK: section"))["messages"][
        -1
    ]
    assert "8520 亿美元" in user["content"] and "470 万美元" in user["content"] and "$852" not in user["content"]
    assert "2025 年 11 月 17 日" in user["content"] and "November" not in user["content"]


def test_a_cut_off_answer_is_not_trusted_even_if_it_parses(server: ChatServer) -> None:
    good = respond(
        [
            {"role": "system", "content": "TASK: section. Simplified Chinese"},
            {"role": "user", "content": "Theme: 商业\nStory 1: x\n[1] 甲 · t\n据报道，OpenAI 目前估值为 8520 亿美元。"},
        ]
    )
    server.script.append(Reply(content=good, finish_reason="length"))
    write(server)
    assert "cut off" in server.requests[1][1]["messages"][-1]["content"]


def test_a_repair_that_comes_back_unchanged_is_not_used_and_nothing_bad_is_cached(server: ChatServer, store) -> None:
    server.script.extend([Reply(content="Sure! Here is prose."), Reply(content="Sure! Here is prose.")])
    cache = LLMCache(store)
    draft = MapReduceWriter(ChatClient(settings(server.base_url), cache=cache), concurrency=1).write(
        sections()[:1], context()
    )
    assert "the repair came back unchanged" in draft.notes["fallbacks"][0]["reason"]
    assert draft.notes["answers"] == {"valid_first": 1, "valid_after_repair": 0, "failed": 1}  # summary ok
    # the next build asks the section again instead of replaying the failure as good (and then
    # the summary of what it wrote, a new question)
    sent = len(server.requests)
    again = MapReduceWriter(ChatClient(settings(server.base_url), cache=cache), concurrency=1).write(
        sections()[:1], context()
    )
    asked = [b["messages"][0]["content"][:13] for _, b in server.requests[sent:]]
    assert again.notes["fallbacks"] == [] and asked == ["TASK: section", "TASK: summary"]
