"""Settings (defaults < TOML < env) and the feeds file."""

from __future__ import annotations

from pathlib import Path

import pytest

from workers.poll.feeds import FeedsFileError, load_feeds
from workers.poll.identity import canonical_url, item_id_for
from workers.settings import REPO_ROOT, load_settings
from workers.topics import topics_for


def test_env_overrides_toml_overrides_defaults(tmp_path: Path) -> None:
    cfg = tmp_path / "marsad.toml"
    cfg.write_text('[marsad]\npartitions = 8\ntopic_prefix = "prod"\npoll_interval_s = 60\n')
    s = load_settings(str(cfg), env={"MARSAD_PARTITIONS": "12"})
    assert (s.partitions, s.topic_prefix, s.poll_interval_s) == (12, "prod", 60.0)
    assert s.embedded
    assert topics_for(s).events.name == "prod.events" and topics_for(s).events.compacted
    assert not load_settings(env={"MARSAD_KAFKA_BOOTSTRAP": "kafka:9092"}).embedded


def test_unknown_setting_is_an_error(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text("partitons = 3\n")
    with pytest.raises(ValueError, match="partitons"):
        load_settings(str(cfg), env={})


def test_starter_feeds_file_lists_real_arabic_outlets() -> None:
    feeds = load_feeds(REPO_ROOT / "deploy" / "feeds.toml")
    assert len(feeds) >= 10
    assert all(f.url.startswith("https://") and f.language == "ar" for f in feeds)


def test_yaml_feeds_and_errors(tmp_path: Path) -> None:
    good = tmp_path / "feeds.yaml"
    good.write_text(
        "feeds:\n  - {id: a, name: A, url: 'file:///tmp/a.xml'}\n  - {url: 'http://127.0.0.1:1/b'}\n"
    )
    feeds = load_feeds(good)
    assert [f.id for f in feeds] == ["a", "http-127-0-0-1-1-b"]
    dup = tmp_path / "dup.toml"
    dup.write_text('[[feed]]\nid="a"\nurl="http://x"\n[[feed]]\nid="a"\nurl="http://y"\n')
    with pytest.raises(FeedsFileError, match="duplicate"):
        load_feeds(dup)
    broken = tmp_path / "broken.toml"
    broken.write_text("[[feed]\n")
    with pytest.raises(FeedsFileError, match="cannot parse"):
        load_feeds(broken)


def test_item_identity_ignores_tracking_and_host_case() -> None:
    a = "https://WWW.Example.com/news/1/?utm_source=rss&b=2&a=1#top"
    b = "http://example.com/news/1?a=1&b=2"
    assert canonical_url(a) == canonical_url(b) == "https://example.com/news/1?a=1&b=2"
    assert item_id_for(a, None, "") == item_id_for(b, "other-guid", "")
    assert item_id_for(None, "guid-1", "") != item_id_for(None, "guid-2", "")


GOOD_FEED = '[[feed]]\nid = "a"\nurl = "https://a.example/rss"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no feeds"),
        ("# only a comment\n", "no feeds"),
        ('[[feeeds]]\nid = "a"\nurl = "https://a.example/rss"\n', r"feeds.toml:1: unknown table 'feeeds'"),
        (GOOD_FEED + "intervall_s = 60\n", r"feeds.toml:4: feed #1: unknown key 'intervall_s'"),
        (GOOD_FEED + "interval_s = -5\n", r"feeds.toml:4: .*interval_s must be a positive number.*-5"),
        (GOOD_FEED + "interval_s = 0\n", r"feeds.toml:4: .*positive"),
        (GOOD_FEED + 'interval_s = "soon"\n', r"feeds.toml:4: .*interval_s must be a positive number.*'soon'"),
        (GOOD_FEED + "interval_s = true\n", r"feeds.toml:4: .*positive"),
        (GOOD_FEED + 'home_country = "Saudi"\n', r"feeds.toml:4: .*home_country must be an ISO 3166-1.*'Saudi'"),
        (GOOD_FEED + "home_country = 966\n", r"feeds.toml:4: feed #1: home_country must be a string"),
        (GOOD_FEED + 'home_country = "XX"\n', r"feeds.toml:4: .*home_country must be an ISO 3166-1.*'XX'"),
        (GOOD_FEED + '\n[[feed]]\nid = "b"\nurl = 5\n', r"feeds.toml:7: feed #2: url must be a string"),
        (GOOD_FEED + '\n[[feed]]\nid = "b"\nurl = "javascript:alert(1)"\n', r"feeds.toml:7: .*http"),
        (GOOD_FEED + '\n[[feed]]\nid = "b"\nname = "B"\n', r"feeds.toml:5: feed #2 needs a url"),
        ('[feed]\nid = "a"\nurl = "https://a.example/rss"\n', "list of tables"),
    ],
)
def test_feeds_file_mistakes_are_errors_with_the_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text(text)
    with pytest.raises(FeedsFileError, match=message):
        load_feeds(path)


def test_feeds_file_mistake_exits_non_zero_with_one_clear_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "feeds.toml"
    path.write_text(GOOD_FEED + "intervall_s = 60\n")
    proc = subprocess.run(
        [sys.executable, "-m", "workers.cli", "poll", "--once", "--feeds", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO_ROOT), "MARSAD_STATE_DIR": str(tmp_path)},
    )
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert "intervall_s" in proc.stderr and f"{path}:4" in proc.stderr


def test_yaml_feeds_file_unknown_key(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text("feeds:\n  - {id: a, url: 'https://a.example/rss', intervall_s: 5}\n")
    with pytest.raises(FeedsFileError, match="unknown key 'intervall_s'"):
        load_feeds(path)
