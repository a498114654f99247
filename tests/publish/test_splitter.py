"""The splitter on its own: where it cuts, how parts are labelled, and that the result is stable."""

from __future__ import annotations

import re

from dailybrief.publish.splitter import pieces_of, split_message

LINK = "[第 3 篇 · 报道](https://example.org/a/b?x=1&y=2)"


def by_bytes(limit: int):
    return lambda body, label: len((label + body).encode("utf-8")) <= limit


def test_single_part_has_no_label() -> None:
    parts = split_message("短消息。", by_bytes(100))
    assert [(p.index, p.total, p.label, p.body) for p in parts] == [(1, 1, "", "短消息。")]


def test_never_cuts_inside_links_emphasis_or_code() -> None:
    text = "\n\n".join(f"段落 {n}：**加粗 的 文字** 与 `inline code` 以及 {LINK} 。" + "内容很长。" * 30 for n in range(12))
    parts = split_message(text, by_bytes(700))
    assert len(parts) > 5
    for part in parts:
        assert len((part.label + part.body).encode("utf-8")) <= 700
        assert part.body.count("**") % 2 == 0 and part.body.count("`") % 2 == 0
        for start in [m.start() for m in re.finditer(r"\[第", part.body)]:
            assert part.body[start:].startswith(LINK)
    assert sum(p.body.count(LINK) for p in parts) == 12
    assert [p.label for p in parts] == [f"({i}/{len(parts)})" for i in range(1, len(parts) + 1)]


def test_cuts_between_paragraphs_before_lines_before_sentences() -> None:
    text = "第一段。\n\n第二段的第一行。\n第二段的第二行。"
    parts = split_message(text, by_bytes(len("(99/99)第二段的第一行。\n第二段的第二行。".encode())))
    assert [p.body for p in parts] == ["第一段。", "第二段的第一行。\n第二段的第二行。"]


def test_multibyte_text_without_breaks_is_cut_between_characters() -> None:
    text = "😀汉字" * 200  # no spaces, no sentence ends
    parts = split_message(text, by_bytes(101))
    assert "".join(p.body for p in parts) == text  # nothing lost, every part valid UTF-8
    assert all(len((p.label + p.body).encode("utf-8")) <= 101 for p in parts)


def test_a_link_longer_than_a_whole_part_is_degraded_not_broken() -> None:
    long_link = "[标题](https://example.org/" + "x" * 300 + ")"
    parts = split_message("前文 " + long_link + " 后文", by_bytes(120))
    joined = "".join(p.body for p in parts)
    assert "](" not in joined  # shown as text and URL, never a half link
    assert "标题" in joined and "x" * 50 in joined


def test_same_input_gives_the_same_parts() -> None:
    text = "\n\n".join(f"段落 {n} " + "内容。" * 50 + f" {LINK}" for n in range(8))
    assert split_message(text, by_bytes(500)) == split_message(text, by_bytes(500))


def test_pieces_keep_constructs_whole() -> None:
    assert pieces_of("见 **粗 体** 与 [链 接](https://x.org/a) 。完") == ["见 ", "**粗 体** ", "与 ", "[链 接](https://x.org/a) ", "。", "完"]
