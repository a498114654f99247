"""`--writer local`: the map-reduce writer on llama.cpp in-process (xllamacpp), run for real on
a tiny GGUF the test writes; and `model install` joining parts with its size and sha256 checks."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from test_llm_adapter import context, sections
from tinygguf import write_tiny_gguf

from dailybrief.config import LLMSettings, LocalModelSettings
from dailybrief.errors import WriterError
from dailybrief.model_install import PackagedModel, install, installed
from dailybrief.store.llm_cache import LLMCache
from dailybrief.write.llm_types import LLMSetupError
from dailybrief.write.local import LocalChat, LocalWriter


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    return write_tiny_gguf(tmp_path_factory.mktemp("gguf") / "tiny.gguf")


def options(**local) -> LLMSettings:
    return LLMSettings(
        backend="local", local=LocalModelSettings(**{"n_ctx": 8192, "threads": 1, "max_output_tokens": 64, **local})
    )


def test_the_local_model_answers_under_the_schema_and_counts_tokens(tiny: Path, store) -> None:
    chat = LocalChat(options(), tiny, cache=LLMCache(store))
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}
    answer = chat.complete([{"role": "user", "content": "hello"}], schema=schema)
    assert answer.text.lstrip().startswith("{") and answer.input_tokens > 0 and answer.output_tokens > 0
    assert answer.finish_reason in ("stop", "length") and chat.usage.requests == 1
    assert chat.endpoint == "local://tiny.gguf"


def test_a_build_with_a_model_that_writes_nonsense_still_gives_a_full_report(tiny: Path, store) -> None:
    draft = LocalWriter(options(), model_path=tiny, cache=LLMCache(store)).write(sections(), context())
    notes = draft.notes
    # input_tokens can be 0 when llama.cpp serves the prompt from its cache (seen in a fresh clone)
    assert notes["writer"] == "local" and notes["requests"] >= 3 and notes["input_tokens"] >= 0
    # what a random model writes is mostly cut off or invalid (or refused by the runtime's own
    # output parser, one line): such a part falls back; none is empty, every answer is counted
    answers = notes["answers"]
    assert len(notes["fallbacks"]) == answers["failed"] >= 1, notes["fallbacks"]
    assert sum(answers.values()) == 3
    assert all(section.paragraphs for section in draft.sections) and draft.summary


def test_a_missing_model_or_runtime_falls_back_whole_with_one_line(tmp_path: Path) -> None:
    draft = LocalWriter(options(), model_path=tmp_path / "none.gguf").write(sections(), context())
    assert draft.notes["writer"] == "extractive" and "llm.local.model_path: no model file at" in draft.notes["fallback"]
    with pytest.raises(LLMSetupError, match="dailybrief model install"):
        LocalWriter(options(), model_path=tmp_path / "none.gguf", strict=True).write(sections(), context())
    garbage = tmp_path / "garbage.gguf"
    garbage.write_bytes(b"GGUF not really")
    with pytest.raises(LLMSetupError, match="could not be loaded"):
        LocalWriter(options(), model_path=garbage, strict=True).write(sections(), context())


def parts(tmp_path: Path, chunks: list[bytes]) -> tuple[Path, PackagedModel]:
    root = tmp_path / "parts"
    for n, chunk in enumerate(chunks, 1):
        part = root / f"demo_part{n}" / "data" / f"part{n:02d}.bin"
        part.parent.mkdir(parents=True)
        part.write_bytes(chunk)
    whole = b"".join(chunks)
    spec = PackagedModel(
        name="demo",
        file_name="demo.gguf",
        parts=len(chunks),
        package="demo-part{n}",
        module="demo_part{n}",
        data="data/part{n:02d}.bin",
        version="1",
        size=len(whole),
        sha256=hashlib.sha256(whole).hexdigest(),
    )
    return root, spec


def test_model_install_joins_the_parts_in_order_and_checks_them(tmp_path: Path) -> None:
    root, spec = parts(tmp_path, [b"GGUF" + b"a" * 3000, b"b" * 2000, b"c" * 10])
    seen = []
    path = install(tmp_path / "home", spec, parts_from=root, progress=lambda done, total: seen.append((done, total)))
    assert path.read_bytes() == b"GGUF" + b"a" * 3000 + b"b" * 2000 + b"c" * 10
    assert seen[-1] == (spec.size, spec.size)
    assert [(m.path.name, m.sha256) for m in installed(tmp_path / "home")] == [("demo.gguf", spec.sha256)]


def test_model_install_refuses_a_wrong_size_a_wrong_hash_and_a_missing_part(tmp_path: Path) -> None:
    root, spec = parts(tmp_path, [b"x" * 100, b"y" * 100])
    home = tmp_path / "home"
    with pytest.raises(WriterError, match="is 200 bytes, expected 201; nothing installed"):
        install(home, spec.__class__(**{**spec.__dict__, "size": 201}), parts_from=root)
    with pytest.raises(WriterError, match="has sha256 .* expected 0+; nothing installed"):
        install(home, spec.__class__(**{**spec.__dict__, "sha256": "0" * 64}), parts_from=root)
    with pytest.raises(WriterError, match="part 3 of demo is missing"):
        install(home, spec.__class__(**{**spec.__dict__, "parts": 3}), parts_from=root)
    assert installed(home) == [] and not list((home / "models").iterdir())
