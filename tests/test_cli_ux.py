"""The command line as an editor meets it: 80-column tables, times in the report's time zone,
plain help texts, `run` that writes no empty issue, reference titles with their own stop, an
English edition without Chinese labels, QR codes from supplied images."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys

import qrcode
from PIL import Image
from rich.cells import cell_len

from clirun import run_cli
from dailybrief.config import load_settings
from dailybrief.models import Contact, Organisation, Reference, Report
from dailybrief.render import render_report
from itemfiles import item, write_jsonl

LONG = "A very long headline about a model release " * 4


def run(home, *args, rc=0):
    return run_cli(home, *args, rc=rc, COLUMNS="80")


def test_items_fit_80_columns_one_line_each_in_the_report_time_zone(tmp_path):
    rows = [
        item(
            f"https://example.com/{n}",
            f"{LONG} {n}",
            published="2026-04-16T03:00:00Z",
            source="A source with a long outlet name",
        )
        for n in range(3)
    ]
    run(tmp_path, "import", str(write_jsonl(tmp_path / "in.jsonl", rows)))
    out = run(tmp_path, "items", "--date", "2026-04-17").stdout
    lines = out.rstrip("\n").split("\n")
    assert len(lines) == 1 + 3 + 1  # header, one line per item, the count
    assert all(cell_len(line) <= 80 for line in lines)
    assert all("2026-04-16 11:00" in line for line in lines[1:4])  # 03:00 UTC in Asia/Shanghai
    assert lines[-1] == "3 items; times in Asia/Shanghai"


def test_help_is_plain_text():
    out = subprocess.run(
        [sys.executable, "-m", "dailybrief", "build", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, COLUMNS="200"),
    ).stdout
    assert "<bool>" not in out and "╭" not in out
    assert "Output folder [default: HOME/reports]." in out


def every_help_text() -> dict[str, str]:
    """The --help text of every command and subcommand, as click formats it at 100 columns."""
    from typer.main import get_command

    from dailybrief.cli import app

    texts: dict[str, str] = {}

    def walk(command, path: str, parent=None) -> None:
        ctx = command.context_class(command, info_name=path.split()[-1], parent=parent, terminal_width=100)
        texts[path] = command.get_help(ctx)
        for name in getattr(command, "list_commands", lambda _: [])(ctx):
            walk(command.get_command(ctx, name), f"{path} {name}", ctx)

    walk(get_command(app), "dailybrief")
    return texts


def test_no_help_text_has_stray_spaces_type_names_or_empty_defaults():
    texts = every_help_text()
    assert len(texts) > 40 and "dailybrief sources list" in texts
    flaws = re.compile(
        r"[\w)] [.,;:](?:\s|$)|<bool>|\b(?:TEXT|INTEGER|FLOAT|BOOLEAN)\b|\[default: \]|(?<!\.)\.\s*\.(?!\.)"
    )
    found = {path: flaws.findall(text) for path, text in texts.items()}
    assert not {path: hits for path, hits in found.items() if hits}


def test_run_writes_no_empty_issue_unless_asked(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "dailybrief.toml").write_text("sources = []\n", "utf-8")
    out = tmp_path / "out"
    skipped = run(home, "run", "--date", "2026-04-17").stdout
    assert "0 new, 0 updated items (nothing new)" in skipped  # the collect summary says so
    assert "no items for 2026-04-17: no report written" in skipped
    assert not (home / "reports" / "2026-04-17").exists()
    run(home, "run", "--date", "2026-04-17", "--allow-empty")
    assert json.loads((home / "reports" / "2026-04-17" / "report.json").read_text("utf-8"))["sections"] == []
    assert not out.exists()


def test_a_reference_title_with_its_own_stop_gets_no_period(tmp_path):
    report = Report(
        date="2026-04-17",
        title="AI 技术每日分析",
        summary="是真的吗[1]，还是假的[2]。",
        sections=[],
        references=[
            Reference(n=1, title="Is it real?", url="https://example.com/a"),
            Reference(n=2, title="真的吗？", url="https://example.com/b"),
        ],
    )
    result = render_report(report, tmp_path, formats=["md", "html", "wechat", "pdf"])
    assert not result.errors, result.errors
    md = (tmp_path / "report.md").read_text("utf-8")
    assert "*Is it real?* <" in md and "*真的吗？* <" in md
    for name, tag in (("report.html", "</cite>"), ("report.wechat.html", "</em>")):
        page = (tmp_path / name).read_text("utf-8")
        assert f"Is it real?{tag} " in page and f"真的吗？{tag} " in page, name
    pdf = subprocess.run(["pdftotext", str(tmp_path / "report.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Is it real? " in pdf and "真的吗？." not in pdf and "Is it real?." not in pdf


def test_a_weight_given_with_sources_add_is_the_weight_ranking_uses(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "dailybrief.toml").write_text("sources = []\n", "utf-8")
    run(home, "sources", "add", "Heavy", "https://example.com/feed.xml", "--kind", "rss", "--weight", "3.0")
    text = "Acme released Roadrunner 2, an open model that runs on one GPU, with weights and a technical report."
    rows = [
        item(
            "https://example.com/roadrunner",
            "Acme releases Roadrunner 2 open model",
            source="Heavy",
            source_kind="news",
            content=text,
        )
    ]
    run(home, "import", str(write_jsonl(tmp_path / "in.jsonl", rows)))
    run(home, "build", "--date", "2026-04-17", "--out", str(tmp_path / "out"))
    report = json.loads((tmp_path / "out" / "2026-04-17" / "report.json").read_text("utf-8"))
    (story,) = [s for section in report["sections"] for s in section["stories"]]
    assert story["importance"] >= 3.0  # one outlet of weight 3.0 (the kind alone would give 1.0)


# Chinese characters, CJK punctuation and fullwidth forms
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u3012\u3014-\u303f\uff00-\uffef]")
ITEM_TEXTS = {"机器之心", "英伟达发布新的开源模型：推理更快"}  # an outlet and an item title (quoted, not labels)


def qr_png(path, payload: str = "https://example.org/our-account") -> bytes:
    """A real QR code as a PNG file, like the one a WeChat back office hands out."""
    qrcode.make(payload).save(path)
    return path.read_bytes()


def test_the_english_edition_prints_no_chinese_label_and_a_supplied_qr_image(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    png = qr_png(home / "account.png")
    config = (
        "sources = []\n"
        "[organisation]\n"
        'name = "某某人工智能研究院"\nname_en = "Some AI Institute"\n'
        "[[organisation.contacts]]\n"
        'name = "公众号"\nname_en = "Our WeChat account"\ndescription = "每日推送。"\n'
        'description_en = "A daily post."\nqr_label = "公众号"\nqr_label_en = "WeChat"\nqr_image = "account.png"\n'
        "[[organisation.contacts]]\n"
        'name = "网站"\nname_en = "Website"\nqr_label = "example.org"\nqr_url = "https://example.org"\n'
    )
    (home / "dailybrief.toml").write_text(config, "utf-8")
    rows = [
        item(
            f"https://example.com/{n}",
            title,
            source=source,
            content="Acme released Roadrunner 2, an open model that runs on one GPU, with weights and a report.",
        )
        for n, (title, source) in enumerate(
            [("Acme releases Roadrunner 2 open model", "TechCrunch"), ("英伟达发布新的开源模型：推理更快", "机器之心")]
        )
    ]
    run(home, "import", str(write_jsonl(tmp_path / "in.jsonl", rows)))
    proc = run(home, "build", "--date", "2026-04-17", "--lang", "en", "--out", str(tmp_path / "out"))
    assert "warning" not in proc.stderr, proc.stderr
    out = tmp_path / "out" / "2026-04-17"
    pdf_text = subprocess.run(["pdftotext", str(out / "report.pdf"), "-"], capture_output=True, text=True).stdout
    for name, text in [(n, (out / n).read_text("utf-8")) for n in ("report.html", "report.md", "report.txt")] + [
        ("report.pdf", pdf_text)
    ]:
        for quoted in ITEM_TEXTS:
            text = text.replace(quoted, "")
        assert not CJK.findall(text), (name, [text[max(0, m.start() - 30) : m.end() + 30] for m in CJK.finditer(text)])
        assert "Some AI Institute" in text, name
    html = (out / "report.html").read_text("utf-8")
    assert base64.b64encode(png).decode("ascii") in html  # the supplied image, as supplied
    assert "Our WeChat account" in pdf_text and "Contact us" in pdf_text
    images = subprocess.run(["pdfimages", "-list", str(out / "report.pdf")], capture_output=True, text=True).stdout
    width, height = Image.open(home / "account.png").size
    assert re.search(rf"^\s*\d+\s+\d+\s+image\s+{width}\s+{height}\s", images, re.M), images  # the made one is vector
    report = json.loads((out / "report.json").read_text("utf-8"))
    assert report["organisation"]["contacts"][0]["qr_image"].startswith("data:image/png;base64,")


def test_missing_english_keys_and_bad_qr_images_are_one_line_each(tmp_path):
    (tmp_path / "notes.txt").write_text("not an image", "utf-8")
    (tmp_path / "cut.png").write_bytes(qr_png(tmp_path / "whole.png")[:60])  # a PNG cut short
    contacts = "".join(
        f'[[organisation.contacts]]\nname = "联系人{n}"\nqr_url = "https://example.org/{n}"\nqr_image = "{path}"\n'
        for n, path in enumerate(["missing.png", "notes.txt", "cut.png", "whole.png"])
    )
    (tmp_path / "dailybrief.toml").write_text(f'[organisation]\nname = "某某研究院"\n{contacts}', "utf-8")
    settings = load_settings(tmp_path)
    english = settings.organisation.edition("en")
    missing, unsupported, damaged, keys = english.warnings
    assert missing == (
        f"organisation.contacts[0].qr_image: {tmp_path / 'missing.png'}: cannot read: No such file or directory; "
        "the QR code is left out"
    )
    assert unsupported == (
        f"organisation.contacts[1].qr_image: {tmp_path / 'notes.txt'}: not a PNG or JPEG image; the QR code is left out"
    )
    assert damaged.startswith(f"organisation.contacts[2].qr_image: {tmp_path / 'cut.png'}: damaged PNG image: ")
    assert "\n" not in damaged and damaged.endswith("; the QR code is left out")
    assert keys == "en edition prints Chinese where these keys are not set: organisation.name_en, " + ", ".join(
        f"organisation.contacts[{n}].name_en" for n in range(4)
    )
    org = english.organisation
    assert org.name == "某某研究院"  # as configured: the example's English name would name another body
    assert org.partner == "dailybrief editors & Open-Source Intelligence Group"  # default and its English both kept
    assert [bool(c.qr_image) for c in org.contacts] == [False, False, False, True]
    assert settings.organisation.edition("zh").warnings == english.warnings[:3]  # the keys are only for English


def test_a_broken_qr_image_in_a_report_falls_back_to_its_url(tmp_path):
    report = Report(
        date="2026-04-17",
        title="AI Daily",
        language="en",
        summary="",
        sections=[],
        references=[],
        organisation=Organisation(
            contacts=[Contact(name="Desk", qr_url="https://example.org/desk", qr_image="data:image/png;base64,AAAA")]
        ),
    )
    result = render_report(report, tmp_path, formats=["html", "pdf"])
    assert result.errors == [
        "organisation.contacts[0].qr_image: the data is not a PNG image; QR code from qr_url instead"
    ]
    assert "data:image/svg+xml;base64," in (tmp_path / "report.html").read_text("utf-8")
    assert (tmp_path / "report.pdf").stat().st_size > 0


FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Loopback AI</title><link>http://127.0.0.1/</link><description>d</description>
<item><title>Acme releases Roadrunner 2 open model</title><link>{base}/a1</link>
<pubDate>Thu, 16 Apr 2026 10:00:00 +0000</pubDate>
<description>Acme released Roadrunner 2, an open model that runs on one GPU, with weights and a report.</description></item>
</channel></rss>"""


def test_collect_without_network_names_each_cause_once_and_sums_up(tmp_path, httpserver):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/feed.xml").respond_with_data(FEED.format(base=base), content_type="application/rss+xml")
    httpserver.expect_request("/gone.xml").respond_with_data("gone", status=404)
    httpserver.expect_request("/a1").respond_with_data("<html><body><p>teaser</p></body></html>")
    home = tmp_path / "home"
    home.mkdir()
    (home / "dailybrief.toml").write_text("sources = []\n[collect]\nallow_private = true\nretries = 0\n", "utf-8")
    # .invalid never resolves (RFC 2606): the DNS failure of a machine without network
    sources = [
        ("Offline", "https://x.invalid/rss"),
        ("Gone", base + "/gone.xml"),
        ("Fine", base + "/feed.xml"),
    ]
    for name, url in sources:
        run(home, "sources", "add", name, url, "--kind", "rss")
    proc = run(home, "collect")  # one source worked: not a failed run
    lines = proc.stdout.rstrip("\n").split("\n")
    assert all(cell_len(line) <= 80 for line in lines[:-1]), proc.stdout  # the table; then the summary sentence
    rows = {name: [line for line in lines if line.startswith(name + " ")] for name, _ in sources}
    assert all(len(found) == 1 for found in rows.values()), rows  # one line per source
    assert "cannot resolve x.invalid" in rows["Offline"][0]
    assert "HTTP 404" in rows["Gone"][0]
    assert "allow-private" not in proc.stdout + proc.stderr  # the old advice for every failure
    assert (
        lines[-1]
        == "1 of 3 sources fetched; 2 failed (1 refused by the server (HTTP 4xx); 1 cannot resolve the host: no network "
        "or DNS?); 1 new, 0 updated items"
    )

    listed = run(home, "sources", "list").stdout.rstrip("\n").split("\n")
    assert listed[0] == "3 sources; times in Asia/Shanghai"
    assert all(cell_len(line) <= 80 for line in listed), listed
    (fine,) = [line for line in listed if line.startswith("Fine +")]
    assert re.search(r" \d\d-\d\d \d\d:\d\d ", fine)  # a success this year: month-day and time
    (offline,) = [line for line in listed if line.startswith("Offline +")]
    assert "cannot resolve" in offline and "https://" not in offline  # the cause, not the source's URL
    verbose = run(home, "sources", "list", "--verbose").stdout
    assert "Offline (rss): https://x.invalid/rss: cannot resolve x.invalid" in verbose
