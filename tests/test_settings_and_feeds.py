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
    dup.write_text('[[feed]]\nid="a"\nurl="x"\n[[feed]]\nid="a"\nurl="y"\n')
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
