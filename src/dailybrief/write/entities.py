"""Named entities in a sentence, and whether a source text mentions them — across languages.

A sentence's entities are its Latin-script names (capitalised or mixed-case words, words with
digits, with a trailing version number kept: "Claude Opus 4.7", "GPT-5.3", "vLLM") and the
Chinese names of a small table of well-known organisations, places and people ("英伟达",
"美联社"), plus Chinese institution names by their suffix (…大学, …研究院, …实验室; checked
when the cited items are Chinese). A name counts as found in a source when the source carries it (case-insensitively,
on word boundaries) or one of its equivalents from `ALIASES` ("NVIDIA" = "英伟达").

Generic abbreviations (AI, API, GPU, ...) and common sentence-initial words are not entities.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..process.normalise import detect_lang

# Each row: names of one entity in any language. Extend freely; order does not matter.
ALIASES: list[tuple[str, ...]] = [
    ("NVIDIA", "Nvidia", "英伟达"), ("Google", "谷歌"), ("Google Research", "谷歌研究院"),
    ("Google DeepMind", "DeepMind", "谷歌 DeepMind"), ("Microsoft", "微软"), ("Amazon", "亚马逊"),
    ("AWS", "亚马逊云", "Amazon Web Services"), ("Apple", "苹果"), ("Meta", "Meta Platforms"),
    ("Alibaba", "阿里巴巴", "阿里"), ("Tencent", "腾讯"), ("Baidu", "百度"), ("ByteDance", "字节跳动"),
    ("Huawei", "华为"), ("Moonshot", "Moonshot AI", "月之暗面"), ("Zhipu", "智谱"),
    ("DeepSeek", "深度求索"), ("Qwen", "通义千问", "千问"), ("Samsung", "三星"), ("Intel", "英特尔"),
    ("AMD", "超威"), ("TSMC", "台积电"), ("Reuters", "路透社", "路透"),
    ("AP", "Associated Press", "美联社"), ("Bloomberg", "彭博", "彭博社"), ("Guardian", "卫报"),
    ("New York Times", "纽约时报"), ("Wall Street Journal", "华尔街日报"), ("CBS", "哥伦比亚广播公司"),
    ("UCSD", "UC San Diego", "加州大学圣地亚哥分校"), ("Stanford", "斯坦福", "斯坦福大学"),
    ("MIT", "麻省理工", "麻省理工学院"), ("Berkeley", "伯克利", "加州大学伯克利分校"),
    ("Nanyang Technological University", "NTU", "南洋理工大学", "南洋理工"),
    ("Tsinghua", "清华", "清华大学"), ("Peking University", "北京大学", "北大"),
    ("European Union", "EU", "欧盟"), ("European Parliament", "欧洲议会"),
    ("European Commission", "欧盟委员会"), ("Council", "理事会", "欧盟理事会"),
    ("United States", "US", "U.S.", "美国"), ("China", "中国"), ("Europe", "欧洲"),
    ("San Francisco", "旧金山"), ("Sam Altman", "Altman", "奥特曼", "阿尔特曼"),
    ("Dario Amodei", "Amodei", "阿莫迪"), ("Gary Marcus", "Marcus", "马库斯"),
    ("Jensen Huang", "黄仁勋"), ("Elon Musk", "Musk", "马斯克"), ("Hacker News", "HN"),
    ("Reddit", "红迪"), ("YouTube", "油管"), ("Hugging Face", "HuggingFace", "抱抱脸"),
    ("Pentagon", "五角大楼", "国防部"), ("White House", "白宫"),
    ("AI Act", "人工智能法案", "《人工智能法案》"), ("Sora",), ("Gemini",), ("Claude",),
]

# Not names: generic abbreviations and words that start sentences.
GENERIC = {
    "ai", "api", "apis", "gpu", "gpus", "cpu", "cpus", "tpu", "llm", "llms", "sdk", "ceo", "cto", "cfo",
    "ipo", "moe", "kv", "rl", "ml", "nlp", "qa", "ui", "ux", "it", "id", "pc", "os", "app", "apps",
    "saas", "b2b", "b2c", "r&d", "faq", "pdf", "url", "usd", "rmb", "agi", "asi", "gpt", "vs", "ok",
    "token", "tokens", "agent", "agents", "agentic", "benchmark", "workflow", "prompt", "open-source",
    "open-weight", "open-weights", "transformer", "transformers", "chatbot", "q1", "q2", "q3", "q4",
    "kb", "mb", "gb", "tb", "pb", "kw", "mw", "gw", "ghz", "nm",  # units
}
STOP = {
    "a", "an", "the", "this", "that", "these", "those", "it", "its", "in", "on", "at", "by", "of",
    "for", "from", "to", "with", "and", "or", "but", "yet", "so", "as", "if", "when", "while",
    "where", "which", "who", "whose", "what", "why", "how", "after", "before", "since", "until",
    "meanwhile", "however", "moreover", "furthermore", "also", "still", "even", "both", "each",
    "all", "some", "many", "most", "more", "several", "other", "another", "such", "their", "there",
    "they", "he", "she", "we", "you", "i", "his", "her", "our", "one", "two", "three", "first",
    "second", "third", "new", "last", "next", "today", "yesterday", "tomorrow", "earlier", "later",
    "according", "together", "taken", "overall", "instead", "beyond", "despite", "although",
    "though", "because", "unlike", "like", "not", "no", "only", "just", "then", "thus", "here",
    "critics", "supporters", "researchers", "analysts", "developers", "users", "investors",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "mr", "ms", "dr", "prof", "said", "says", "report", "reports",
    "section", "summary", "note", "update", "is", "are", "was", "were", "be", "has",
    "have", "had", "will", "would", "can", "could", "should", "might", "must", "do", "does", "did",
}

_LATIN = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?:[-.&'’][A-Za-z0-9]+)*"
    # a version or size that belongs to the name: "Opus 4.7", "Qwen3 30B-A3B" (whole, so that
    # "Qwen3 30B-A3B" is not read as the name "Qwen3 30")
    r"(?:\s?\d+(?:\.\d+)*[A-Za-z]*\d*(?:-[A-Za-z0-9]+)+"
    r"|\s?\d+(?:\.\d+)*(?![\d.A-Za-z]|\s*(?:%|％|倍|x\b|亿|万|千|billion|million|美元|年|月|日)))?"
)


@lru_cache(maxsize=1)
def _alias_index() -> dict[str, tuple[str, ...]]:
    index: dict[str, tuple[str, ...]] = {}
    for row in ALIASES:
        for name in row:
            index[name.lower()] = tuple(dict.fromkeys(index.get(name.lower(), ()) + row))
    return index


@lru_cache(maxsize=1)
def _chinese_names() -> list[str]:
    names = {n for row in ALIASES for n in row if re.search(r"[\u4e00-\u9fff]", n)}
    return sorted(names, key=len, reverse=True)


def _is_name(token: str, at_start: bool) -> bool:
    head = token.split()[0]
    low = head.lower()
    if low in GENERIC or low in STOP:
        return False
    if at_start and head.istitle() and head.isalpha() and low.endswith("ly"):
        return False  # "Notably", "Separately"
    return any(c.isupper() for c in head) or (any(c.isdigit() for c in head) and any(c.isalpha() for c in head))


# Chinese institution names beyond the alias table: two or more characters before a suffix
# that is part of the name (南洋理工大学, 谷歌研究院, 智源研究院, 上海人工智能实验室).
_ZH_INSTITUTION = re.compile(r"[\u4e00-\u9fff]{2,10}?(?:大学|学院|研究院|研究所|实验室)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SUFFIXES = ("大学", "学院", "研究院", "研究所", "实验室")


def entity_spans(sentence: str) -> list[tuple[int, str]]:
    """(position, name) of the names in a sentence, in order of appearance, without repeats."""
    found: list[tuple[int, str]] = []
    for match in _LATIN.finditer(sentence):
        token = re.sub(r"['’]s$", "", match.group(0).rstrip(".-"))
        at_start = not sentence[: match.start()].strip(" \"“‘(（")
        if _is_name(token, at_start):
            found.append((match.start(), token))
    rest = sentence
    for name in _chinese_names():
        at = rest.find(name)
        while at >= 0:
            found.append((at, name))
            rest = rest[:at] + " " * len(name) + rest[at + len(name):]
            at = rest.find(name)
    seen: set[str] = set()
    out = []
    for at, name in sorted(found):
        if name not in seen:
            seen.add(name)
            out.append((at, name))
    return out


def entities(sentence: str) -> list[str]:
    """The names in a sentence, in order of appearance, without repeats."""
    return [name for _, name in entity_spans(sentence)]


def institutions(sentence: str) -> list[str]:
    """Chinese institution names outside the alias table ("复旦大学", "智源研究院"): each match
    of two to ten characters and a name suffix, the part covered by the alias table left out."""
    rest = sentence
    for name in _chinese_names():
        rest = rest.replace(name, " " * len(name))
    return list(dict.fromkeys(m.group(0) for m in _ZH_INSTITUTION.finditer(rest)))


def mentions_institution(source_text: str, name: str) -> bool:
    """Whether a source names a Chinese institution: by one of the name's tails that the alias
    table knows, or by the two characters before its suffix ("理工" of "…南洋理工大学") — the
    name's start is not reliably marked in Chinese text, its stem is."""
    suffix = next(x for x in ("大学", "学院", "研究院", "研究所", "实验室") if name.endswith(x))
    stem = name[: -len(suffix)]
    for i in range(len(stem) - 1):
        if name[i:].lower() in _alias_index() and mentions(source_text, name[i:]):
            return True
    return stem[-2:] in source_text


def is_chinese_text(text: str) -> bool:
    return detect_lang(text) == "zh"


def _pattern(name: str) -> re.Pattern[str]:
    parts = [re.escape(p) for p in re.split(r"[\s\-‑]+", name.lower()) if p]
    body = r"[\s\-‑]*".join(parts)
    if re.search(r"[a-z0-9]", name.lower()[:1]):
        body = r"(?<![a-z0-9])" + body
    if re.search(r"[a-z0-9]", name.lower()[-1:]):
        body += r"(?![a-z0-9]|\.\d)"
    return re.compile(body)


def mentions(source_text: str, name: str) -> bool:
    """Whether `source_text` names `name` or one of its equivalents."""
    low = source_text.lower()
    candidates = _alias_index().get(name.lower(), (name,))
    if name not in candidates:
        candidates = (name, *candidates)
    for candidate in candidates:
        if _pattern(candidate).search(low):
            return True
    return False


@lru_cache(maxsize=1)
def _posseg():  # jieba's part-of-speech tagger; loading its dictionary takes a second
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.ERROR)
    return jieba.posseg


def chinese_person_and_org_names(sentence: str) -> list[str]:
    """Chinese-script names of people and organisations beyond the alias table, by jieba's
    part-of-speech tags (nr* person, nt organisation); adjacent name tokens are one name
    ("哈萨" + "比斯")."""
    if not _CJK.search(sentence):
        return []
    # Tagging takes ~15 ms a sentence and the writer and the verifier ask about the same
    # sentences: tagged once.
    return list(_tagged_names(sentence))


@lru_cache(maxsize=4096)
def _tagged_names(sentence: str) -> tuple[str, ...]:
    rest = sentence
    for name in _chinese_names():
        rest = rest.replace(name, " " * len(name))
    names, current = [], ""
    for word, flag in _posseg().cut(rest):
        if (flag.startswith("nr") or flag == "nt") and _CJK.search(word):
            current += word
            continue
        if len(current) >= 2:
            names.append(current)
        current = ""
    if len(current) >= 2:
        names.append(current)
    # institutions (…大学, …研究院) are checked by their stem (`institutions`)
    return tuple(n for n in dict.fromkeys(names) if not n.endswith(_SUFFIXES))


def check_chinese_names(sentence: str, sources: list[str]) -> tuple[list[str], list[str]]:
    """(missing, unchecked) Chinese person and organisation names of `sentence`: missing when
    every cited item is Chinese and none carries the name; unchecked when it is not found and
    some cited item is in another script (a transliteration cannot be checked there)."""
    missing, unchecked = [], []
    for name in chinese_person_and_org_names(sentence):
        if any(name in s for s in sources):
            continue
        if sources and all(is_chinese_text(s) for s in sources):
            missing.append(name)
        else:
            unchecked.append(name)
    return missing, unchecked


def unsupported_names(sentence: str, source_text: str, sources: list[str] | None = None) -> list[str]:
    """The names of `sentence` that `source_text` does not mention. With `sources` (the cited
    items' texts) all in Chinese, Chinese institution, person and organisation names are checked
    too; a name translated from an English source cannot be checked this way, so then they are
    not (`check_chinese_names` reports them as unchecked)."""
    missing = [name for name in entities(sentence) if not mentions(source_text, name)]
    if sources and all(is_chinese_text(s) for s in sources):
        missing += [n for n in institutions(sentence) if not any(mentions_institution(s, n) for s in sources)]
        found = set(missing)
        missing += [n for n in check_chinese_names(sentence, sources)[0]
                    if n not in found and not any(n in m or m in n for m in found)]
    return missing
