import pytest

from dailybrief.process.normalise import canonical_url, clean_text, detect_lang


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("HTTPS://Example.COM/News/Item/", "https://example.com/News/Item"),
        ("https://example.com/a?utm_source=x&utm_medium=y&id=5#top", "https://example.com/a?id=5"),
        ("https://example.com/a?fbclid=1&gclid=2&spm=a.b&ref=hn", "https://example.com/a"),
        ("https://news.ycombinator.com/item?id=123", "https://news.ycombinator.com/item?id=123"),
        ("http://example.com:80/", "http://example.com"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        ("https://example.com/p?b=2&a=1", "https://example.com/p?b=2&a=1"),
    ],
)
def test_canonical_url(raw, expected):
    assert canonical_url(raw) == expected


@pytest.mark.parametrize("bad", ["ftp://example.com/x", "javascript:alert(1)", "not a url", "https://"])
def test_canonical_url_rejects_non_http(bad):
    with pytest.raises(ValueError):
        canonical_url(bad)


def test_clean_text_strips_markup_and_scripts():
    text = clean_text('<p>One &amp; two</p><script>alert(1)</script><p onclick="x()">Three</p>')
    assert text == "One & two\n\nThree"
    assert "alert" not in text


def test_detect_lang():
    assert detect_lang("英伟达发布开源量子计算模型 Ising，面向纠错") == "zh"
    assert detect_lang("NVIDIA releases Ising open models for quantum error correction") == "en"
    assert detect_lang("🚀🚀") == ""
