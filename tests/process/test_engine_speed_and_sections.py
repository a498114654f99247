"""The two-level cell index, vectorised LSH pairs, the clustering's title and headline-name
evidence, section assignment with capacity and folding, and near-duplicate copies in
`dailybrief stories`."""

from __future__ import annotations

from datetime import datetime, timezone
from itertools import combinations

import numpy as np
import pytest

from dailybrief.config import load_settings
from dailybrief.models import Item, Story
from dailybrief.process import ann
from dailybrief.process.dedupe import BANDS, ROWS, THRESHOLD, _candidate_pairs
from dailybrief.process.keywords import Terms
from dailybrief.process.sections import OTHER, assign_sections_explained, keyword_evidence
from dailybrief.process.stories import _LOWER_WORD, cluster_items, title_shape, title_similarity


def _clustered_vectors(n: int, groups: int, dim: int = 96, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((groups, dim)).astype(np.float32)
    rows = centres[rng.integers(0, groups, n)] + 0.3 * rng.standard_normal((n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_two_level_probes_find_the_nearest_fine_cell_without_scanning_every_cell():
    vectors = _clustered_vectors(12_000, 300)
    reduced = ann.reduce(vectors, dims=32)
    tree = ann.TwoLevelCells(reduced, n_cells=500)
    assert 10 <= tree.n_coarse <= 40 and tree.n_cells >= 300
    probes = tree.probes(reduced, 6)
    assert probes.shape == (12_000, 6) and probes.min() >= 0 and probes.max() < tree.n_cells
    # Against an exhaustive search over every fine centre: the home cell is the true nearest
    # for nearly every row (the coarse level only prunes far cells).
    fine = np.vstack(tree.fine)
    exact = np.argmax(reduced @ fine.T, axis=1)
    assert (probes[:, 0] == exact).mean() >= 0.9
    # Per row, only the coarse centres and the fine centres of COARSE_PROBE coarse cells are scored.
    per_coarse = max(len(f) for f in tree.fine)
    assert tree.n_coarse + ann.COARSE_PROBE * per_coarse < tree.n_cells / 2


def test_cell_index_candidates_come_from_the_probed_cells():
    vectors = _clustered_vectors(4000, 100)
    index = ann.CellIndex(vectors, nprobe=4)
    index.register(0, 7)
    near = [i for i in range(4000) if index.probes[0, 0] in index.probes[i]]
    far = [i for i in range(4000) if index.probes[0, 0] not in index.probes[i]]
    assert all(7 in index.candidates(i) for i in near) and not any(7 in index.candidates(i) for i in far[:200])


def test_vectorised_band_pairs_match_a_plain_reference():
    rng = np.random.default_rng(5)
    sigs = rng.integers(0, 2**32, size=(400, BANDS * ROWS), dtype=np.uint64).astype(np.uint32)
    for a, b in [(1, 2), (10, 11), (10, 12), (300, 5)]:  # planted copies, one with a few changes
        sigs[b] = sigs[a]
    sigs[12, :5] = 0
    found = {(a, b) for a, b, _ in _candidate_pairs(sigs)}
    reference = {
        (a, b) for a, b in combinations(range(400), 2)
        if (sigs[a] == sigs[b]).mean() >= THRESHOLD
        and any((sigs[a, k * ROWS:(k + 1) * ROWS] == sigs[b, k * ROWS:(k + 1) * ROWS]).all() for k in range(BANDS))
    }
    assert found == reference == {(1, 2), (10, 11), (10, 12), (11, 12), (5, 300)}


def test_title_similarity_is_zero_for_different_version_numbers():
    same = title_similarity(title_shape("Introducing GPT-5.5"), title_shape("Introducing GPT-5.5"))
    zh = title_similarity(title_shape("证监会同意宇树科技科创板IPO注册"), title_shape("宇树科技科创板 IPO 注册获证监会同意"))
    other = title_similarity(title_shape("Introducing Claude Opus 4.6"), title_shape("Introducing Claude Opus 4.7"))
    assert same == 1.0 and zh > 0.75 and other == 0.0


def test_identifiers_in_lower_case_do_not_make_a_name_a_plain_word():
    assert _LOWER_WORD.findall("trae-agent v2.0.0 by bytedance/trae and several agents") == ["and", "several", "agents"]


def _item(url, title, text="", hour=10, lang="en"):
    return Item(url=url, title=title, content=text, lang=lang, source=url.split("/")[2],
                published=datetime(2026, 5, 6, hour, tzinfo=timezone.utc))


def test_a_repost_under_the_same_headline_joins_its_story_but_a_new_version_does_not():
    launch = _item("https://openai.com/index/gpt-5-5", "Introducing GPT-5.5",
                   "GPT-5.5 brings a one million token context window and 81.3% on SWE-bench Verified; "
                   "API pricing is 2.5 dollars per million input tokens.")
    repost = _item("https://community.example/t/gpt-5-5", "Introducing GPT-5.5", "Link.", hour=11)
    later = _item("https://openai.com/index/gpt-5-6", "Introducing GPT-5.6",
                  "GPT-5.6 adds image output and a faster mini model for developers.", hour=12)
    result = cluster_items([launch, repost, later])
    grouped = sorted(sorted(it.url for it in s.items) for s in result.stories)
    assert grouped == [sorted([launch.url, repost.url]), [later.url]]
    assert [m.item_url for m in result.merges] == [repost.url] and "headline 1.00" in result.merges[0].reason


def _story(sid, title, text, importance, n=1):
    items = [_item(f"https://site{k}.example/{sid}", title, text, hour=10 + k) for k in range(n)]
    return Story(id=sid, title=title, items=items, importance=importance)


QWEN = _story("s-qwen", "Qwen3.6-35B-A3B: an open-weight MoE model for agentic coding",
              "Alibaba released the open weights of Qwen3.6 on Hugging Face under Apache 2.0; "
              "the open-source model targets agentic coding.", 6.3, n=5)
AGENTS = [
    _story(f"s-ag{k}", f"Agent framework {k} ships a new SDK for coding agents",
           "The agents SDK adds tool use, a sandbox and MCP support for developer agents.", 8 - k)
    for k in range(4)
]


def test_keyword_evidence_is_a_share_of_the_items_not_a_count_of_words():
    terms = Terms(["agent", "agents", "SDK"])
    one_of_four = Story(id="s", title="t", items=[AGENTS[0].items[0]] + QWEN.items[:3])
    full, found = keyword_evidence(AGENTS[0], terms)
    part, _ = keyword_evidence(one_of_four, terms)
    assert full == 1.0 and found == ["agent", "sdk"] and part == pytest.approx(0.25)


def test_open_weights_release_goes_to_open_source_and_a_folded_section_lands_in_other(tmp_path):
    settings = load_settings(tmp_path)  # the default taxonomy
    settings.report.max_sections = 3
    politics = _story("s-eval", "Benchmark finds political bias in model answers",
                      "An evaluation leaderboard measured the political leaning and bias of chat models.", 5.0)
    chips = _story("s-chip", "New GPU chip for data center compute", "The chip targets AI data center compute.", 4.0)
    sections, placed = assign_sections_explained([QWEN, *AGENTS, politics, chips], settings, "en")
    where = {a.story: a for a in placed}
    assert where["s-qwen"].section == "opensource"
    ids = [s.id for s in sections]
    assert len(ids) <= 3 and ids[-1] == OTHER
    folded = [a for a in placed if "folded" in a.reason]
    assert folded and all(a.section in ids for a in folded)
    assert {a.story for a in placed} == {"s-qwen", *(s.id for s in AGENTS), "s-eval", "s-chip"}
    written = {st.id for s in sections for st in s.stories[:4]}
    assert "s-qwen" in written and "s-eval" in written  # important stories are not lost
    assert all(a.as_stat()["reason"] for a in placed)


def test_a_story_whose_best_section_is_full_takes_a_close_second_best(tmp_path):
    settings = load_settings(tmp_path)
    tool = _story("s-tool", "An open-source coding agent SDK release on GitHub",
                  "The open source agents SDK release on GitHub adds MCP tool use for developers.", 1.0)
    sections, placed = assign_sections_explained([*AGENTS, tool], settings, "en")
    where = {a.story: a for a in placed}
    assert (where["s-tool"].best, where["s-tool"].runner_up) == ("agents", "opensource")
    assert where["s-tool"].section == "opensource" and "agents full" in where["s-tool"].reason
    # With room in its best section it stays there.
    _, alone = assign_sections_explained([*AGENTS[:3], tool], settings, "en")
    assert {a.story: a.section for a in alone}["s-tool"] == "agents"
