"""Test doubles for LLM code: a canned responder that answers our three prompts from their own
content, a fake chat model with a call history, and a real HTTP server on 127.0.0.1 speaking the
Chat Completions protocol that records every request and counts tokens.

The responder never invents anything: briefs are sentences of the items (or, in Chinese
reports, a Chinese frame around an English item's title), sections and summaries are those
facts rearranged — so its reports pass the verifier, and what it answers is predictable.
A section of three or more stories is answered as a numbered list (layout "list", one entry per
story with its title as the lead), a smaller one as prose. Paragraphs are sentences, each with
its source numbers, as the prompts ask.

It cannot translate. In an English report, a source with no English sentence is answered with a
stand-in for a translation of its first two sentences (`stand_in`): an English sentence that
carries their Latin-script names and their figures converted to English units ("300 亿美元" →
"$30 billion"), padded with "lorem" to the same estimated token count as the Chinese sentence
(our estimate counts a CJK character as four Latin ones, about what a translation costs). So
output sizes stay those of a model that translates, and the verifier still checks every name
and figure.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from dailybrief.write.llm_types import Completion, Usage, estimate_tokens
from dailybrief.write.sentences import split_sentences

_CJK = re.compile(r"[\u4e00-\u9fff]")
_HEADER = re.compile(r"^\[([a-z0-9]+)\] .*? · (.*)$")
_FACT = re.compile(r"^- (.*) \[([\d,]+)\]$")


def _is_zh(text: str) -> bool:
    return len(_CJK.findall(text)) * 3 >= len(re.findall(r"[A-Za-z]", text)) and bool(_CJK.search(text))


def _brief(user: str, language: str) -> dict:
    facts, header, body = [], None, []
    for line in user.splitlines()[1:] + ["[end] - · -"]:
        match = _HEADER.match(line)
        if match:
            if header is not None:
                facts.extend(_facts_of(header, body, language, {"items": [header[0]]}))
            header, body = (match.group(1), match.group(2)), []
        else:
            body.append(line)
    return {"facts": facts[:8] or [{"text": "x", "items": ["zz"]}]}


_SOURCE = re.compile(r"^\[(\d+)\] .*? · (.*)$")
_STORY = re.compile(r"^Story (\d+)(?:: (.*))?$")


def _english_figure(q) -> str:
    """A figure in English units, or "" for a date part."""
    value, unit = q.value, q.unit
    if unit in ("year", "month", "day"):
        return ""

    def scaled(v: float) -> str:
        for size, word in ((1e12, " trillion"), (1e9, " billion"), (1e6, " million")):
            if abs(v) >= size:
                return f"{v / size:g}{word}"
        return f"{v:g}"

    if unit == "USD":
        return "$" + scaled(value)
    if unit in ("CNY", "CNY|JPY"):
        return scaled(value) + " yuan"
    if unit in ("EUR", "GBP", "JPY", "HKD"):
        return f"{scaled(value)} {unit}"
    if unit == "%":
        return f"{value:g}%"
    if unit == "pp":
        return f"{value:g} percentage points"
    if unit == "x":
        return f"{value:g}x"
    if unit is None:
        return scaled(value)
    return f"{value:g} {unit}"


def stand_in(sentence: str) -> str:
    """An English stand-in for a translation of a Chinese sentence (see the module docstring)."""
    from dailybrief.write.entities import entities
    from dailybrief.write.numbers import quantities

    names = [n for n in entities(sentence) if not _CJK.search(n)]
    figures = [f for f in (_english_figure(q) for q in quantities(sentence)) if f]
    text = "The source, written in zh,"
    if names:
        text += " names " + ", ".join(names)
    if figures:
        text += (" and" if names else "") + " states " + ", ".join(figures)
    target = estimate_tokens(sentence)
    while estimate_tokens(text) + 1 < target:
        text += " lorem"
    return text + "."


def _facts_of(header: tuple[str, str], body: list[str], language: str, cite: object) -> list[dict]:
    """Two sentences of one source in the report language (or a frame around its title, or a
    stand-in for a translation)."""
    title = header[1]
    sentences = split_sentences(" ".join(body))
    native = [s for s in sentences if _is_zh(s) == (language == "zh")]
    if native:
        return [{"text": s, **cite} for s in native[:2]]
    if language == "zh":
        return [{"text": f"报道称：{title}。", **cite}]
    if not _is_zh(title):
        return [{"text": title, **cite}]
    return [{"text": stand_in(s), **cite} for s in sentences[:2]]


def _lead(title: str, language: str, index: int) -> str:
    from dailybrief.write.entities import entities

    if _is_zh(title) == (language == "zh"):
        return title
    names = [n for n in entities(title) if not _CJK.search(n)]
    if language == "zh":
        return f"{names[0]} 相关进展" if names else f"第 {index} 条"
    return names[0] if names else f"Story {index}"


_LENGTH = re.compile(r"^Length: about (\d+) (words|Chinese characters)")


def _within(entries: list, budget: int) -> list:
    """The facts of each story, taken in turns across its sources, until the section's length
    target (in estimated tokens) is met — a story gets its share, and at least one fact."""
    share = budget / max(1, len([e for e in entries if e[1]]))
    out = []
    for title, facts in entries:
        by_source: dict = {}
        for fact in facts:
            by_source.setdefault(tuple(fact["cite"]), []).append(fact)
        turns = [f for i in range(max((len(v) for v in by_source.values()), default=0))
                 for v in by_source.values() if i < len(v) for f in [v[i]]]
        kept, used = [], 0
        for fact in turns:
            if kept and used + estimate_tokens(fact["text"]) > share:
                break
            kept.append(fact)
            used += estimate_tokens(fact["text"])
        out.append([title, kept])
    return out


def _section(user: str, language: str) -> dict:
    lines = user.splitlines()
    theme = lines[0].removeprefix("Theme: ")
    length = _LENGTH.match(lines[1]) if len(lines) > 1 else None
    if length:
        lines = lines[:1] + lines[2:]
    entries, source, body = [], None, []  # entries: [title, [sentences]]

    def flush() -> None:
        if source is not None and entries:
            entries[-1][1].extend(_facts_of(source, body, language, {"cite": [int(source[0])]}))

    for line in lines[1:]:
        if story := _STORY.match(line):
            flush()
            source = None
            entries.append([story.group(2) or "", []])
        elif (match := _SOURCE.match(line)) and entries:
            flush()
            source, body = (match.group(1), match.group(2)), []
            entries[-1][0] = entries[-1][0] or match.group(2)
        elif (match := _FACT.match(line)) and entries:
            entries[-1][1].append({"text": match.group(1), "cite": [int(n) for n in match.group(2).split(",")]})
        elif source is not None:
            body.append(line)
    flush()
    if length:  # honour the length asked for, as a compliant model does (words ≈ 1.5 tokens)
        entries = _within(entries, int(length.group(1)) * (3 if length.group(2) == "words" else 2) // 2)
    colon = "：" if language == "zh" else ": "
    first_title = entries[0][0] if entries else ""
    title = first_title if _is_zh(first_title) == (language == "zh") else ""
    headline = f"{theme}{colon}{title}" if title else theme
    headline = headline if len(headline) <= 160 else theme
    written = [(i + 1, t, sentences) for i, (t, sentences) in enumerate(entries) if sentences]
    if len(written) >= 3:
        paragraphs = [{"lead": _lead(t, language, i), "sentences": _structured(ss)} for i, t, ss in written]
        return {"headline": headline, "layout": "list", "paragraphs": paragraphs}
    paragraphs = [{"lead": None, "sentences": _structured(ss)} for _, _, ss in written][:4]
    return {"headline": headline, "layout": "prose", "paragraphs": paragraphs}


def _summary(user: str, language: str) -> dict:
    out, take = [], False
    for line in user.splitlines():
        if line.startswith("## "):
            take = True
        elif take and (match := _FACT.match(line)):
            out.append({"text": match.group(1), "cite": [int(n) for n in match.group(2).split(",")]})
            take = False
    return {"title": "今日要点" if language == "zh" else "Today's threads", "sentences": _structured(out[:4])}


def _structured(sentences: list[dict]) -> list[dict]:
    """Sentences with their source numbers, as the prompts ask."""
    return [{"text": s["text"].strip(), "sources": s["cite"]} for s in sentences]


def respond(messages: list[dict[str, str]]) -> str:
    """A valid answer to any of our prompts, built from the prompt."""
    if len(messages) < 2:
        return json.dumps({"ok": True})
    # the question: the last user turn that is not a repair (a worked example comes before it)
    system = messages[0]["content"]
    user = [m["content"] for m in messages[1:] if m["role"] == "user" and not m["content"].startswith("Your reply")][-1]
    language = "zh" if "Chinese" in system else "en"
    if system.startswith("TASK: brief"):
        answer = _brief(user, language)
    elif system.startswith("TASK: section"):
        answer = _section(user, language)
    elif system.startswith("TASK: summary"):
        answer = _summary(user, language)
    else:
        answer = {"error": "unknown task"}
    return json.dumps(answer, ensure_ascii=False)


@dataclass
class FakeModel:
    """A `ChatModel` without HTTP: answers from `script` first (strings or callables of the
    messages), then from `respond`; remembers every call."""

    script: deque = field(default_factory=deque)
    calls: list[list[dict[str, str]]] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    model: str = "fake-model"
    endpoint: str = "fake://chat"
    lock: threading.Lock = field(default_factory=threading.Lock)

    schemas: list[Any] = field(default_factory=list)

    def complete(self, messages: list[dict[str, str]], schema: dict[str, Any] | None = None) -> Completion:
        with self.lock:
            self.calls.append(messages)
            self.schemas.append(schema)
            canned = self.script.popleft() if self.script else None
        text = canned(messages) if callable(canned) else canned if canned is not None else respond(messages)
        finish = "stop"
        if isinstance(text, tuple):
            text, finish = text
        tokens_in = sum(estimate_tokens(m["content"]) for m in messages)
        tokens_out = estimate_tokens(text)
        self.usage.add(requests=1, input_tokens=tokens_in, output_tokens=tokens_out)
        return Completion(text, tokens_in, tokens_out, finish)


@dataclass
class Reply:
    """A scripted HTTP reply: status, headers, a JSON body or raw text, and a delay."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content: str | None = None  # message content of a 200; None = the responder's answer
    body: str | None = None  # the raw body, overriding everything
    finish_reason: str = "stop"
    delay: float = 0.0
    message: dict[str, Any] | None = None  # the raw message of a 200 (non-string content, reasoning_content)
    usage: Any = "count"  # the usage object of a 200: "count" = real counts, None = left out, else as given


class ChatServer:
    """`POST /v1/chat/completions` on 127.0.0.1, in a thread. `script` holds `Reply`s used
    first; then every request gets `respond`'s answer. `requests` records (headers, body)."""

    def __init__(self, responder: Callable[[list[dict[str, str]]], str] = respond):
        self.script: deque[Reply] = deque()
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.responder = responder
        # a provider's own rule about requests: a Reply (e.g. a 400) for a body it refuses
        self.reject: Callable[[dict[str, Any]], Reply | None] | None = None
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server naming
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                body = json.loads(raw)
                with server.lock:
                    server.requests.append((dict(self.headers), body))
                    refused = server.reject(body) if server.reject else None
                    reply = refused or (server.script.popleft() if server.script else Reply())
                if reply.delay:
                    time.sleep(reply.delay)
                if self.path != "/v1/chat/completions":
                    reply = Reply(status=404, body='{"error": {"message": "no such route"}}')
                if reply.body is not None:
                    payload = reply.body
                elif reply.status != 200:
                    payload = json.dumps({"error": {"message": f"status {reply.status}"}})
                else:
                    content = reply.content if reply.content is not None else server.responder(body["messages"])
                    tokens_in = sum(estimate_tokens(m["content"]) for m in body["messages"])
                    tokens_out = estimate_tokens(content)
                    with server.lock:
                        server.prompt_tokens += tokens_in
                        server.completion_tokens += tokens_out
                    answer = {
                        "id": "chatcmpl-test", "object": "chat.completion", "model": body["model"],
                        "choices": [{"index": 0, "message": reply.message or {"role": "assistant", "content": content},
                                     "finish_reason": reply.finish_reason}],
                        "usage": {"prompt_tokens": tokens_in, "completion_tokens": tokens_out,
                                  "total_tokens": tokens_in + tokens_out},
                    }
                    if reply.usage != "count":
                        answer["usage"] = reply.usage
                        if reply.usage is None:
                            del answer["usage"]
                    payload = json.dumps(answer, ensure_ascii=False)
                data = payload.encode("utf-8")
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out and left

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> ChatServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
