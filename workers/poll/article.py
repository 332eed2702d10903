"""Article pages -> main text, title, date and author (trafilatura), and when a feed's text is a teaser.

Real Arabic outlets' feeds carry a title and a one-line teaser (median 143 characters when 1,000
corpus articles are cut to title + first sentence, against ~2,000 for the article); extraction on
teasers found 302 events where the full texts give 1,782. So an item whose feed text is short and
whose feed has no `content` element is completed from its page.

trafilatura (Apache-2.0) finds the main text among navigation, related links, ads, comments and
cookie banners. On 1,000 corpus articles wrapped in such pages (workers/poll/demo_site.py, with an
in-text ad and "read also" link) its text has a character F1 of 1.000 on average, 0.998 at worst,
against the original (bench/fulltext_benchmark.py; tests/test_article_fetch.py checks 50), with
`favor_precision` (without it the in-text "read also" line stayed in one page of 50, F1 0.96) and
the headline line dropped. About 11-12 ms of CPU per page. It is CPU work on untrusted markup, so
the fetcher runs it in worker processes with a time cap, like feed parsing.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import asdict, dataclass
from difflib import SequenceMatcher
from typing import Any

# A feed text shorter than this (characters, after HTML stripping) is a teaser when the feed
# carries no `content`: a corpus article's first sentence has a median of ~140 characters, its
# whole text ~1,250-2,100; 600 leaves room for two-sentence summaries.
TEASER_MAX_CHARS = 600
# An extracted page text shorter than this is not an article (an error page, a paywall, a gallery).
MIN_ARTICLE_CHARS = 200




@dataclass(frozen=True)
class TeaserPolicy:
    max_chars: int = TEASER_MAX_CHARS

    def is_teaser(self, text: str, title: str, feed_has_content: bool) -> bool:
        """A feed that publishes `content` (content:encoded, Atom content) gives the article itself;
        otherwise a short summary, or one that only repeats the title, is a teaser."""
        if feed_has_content and len(text) > self.max_chars:
            return False
        if feed_has_content:
            return len(text) < MIN_ARTICLE_CHARS
        return len(text) <= self.max_chars or text.strip() == title.strip()


@dataclass(frozen=True)
class ArticleText:
    text: str
    title: str | None = None
    published_at: str | None = None  # ISO 8601 date or date-time, as the page states it
    author: str | None = None

    @property
    def digest(self) -> str:
        """Identity of the text for revision checks: whitespace differences are no revision."""
        return hashlib.sha1(normalise(self.text).encode("utf-8")).hexdigest()[:20]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ArticleText:
        return cls(**{k: data.get(k) for k in ("text", "title", "published_at", "author")})  # type: ignore[arg-type]


def normalise(text: str) -> str:
    # str.split() and re's \s know the same whitespace; split/join runs in C (a regex pass over each
    # article was the largest Python cost left in the poller process).
    return " ".join(text.split())


def extract_article(html: bytes | str, url: str = "") -> ArticleText | None:
    """Main text and metadata of an article page; None when the page holds no article text.

    Pure and picklable (runs in a worker process). Comments, tables of links and images are left out.
    """
    import trafilatura  # imported here: worker processes pay for it once, the poller only if used

    # trafilatura logs every page it cannot parse at ERROR; the fetcher counts those as no_text itself.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)

    doc = trafilatura.bare_extraction(
        html,
        url=url or None,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        favor_precision=True,
        deduplicate=False,
        with_metadata=True,
    )
    if doc is None:
        return None
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    title = data.get("title") or None
    text = _drop_headline((data.get("text") or "").strip(), title)
    if len(text) < MIN_ARTICLE_CHARS:
        return None
    return ArticleText(
        text=text,
        title=title,
        published_at=(data.get("date") or None),
        author=(data.get("author") or None),
    )


def _drop_headline(text: str, title: str | None) -> str:
    """The page's <h1> comes out as the text's first line; the item carries the title on its own,
    and extraction would otherwise read the headline twice."""
    first, _, rest = text.partition("\n")
    if title and rest and normalise(first) == normalise(title):
        return rest.strip()
    return text


def char_f1(extracted: str, original: str) -> float:
    """Character F1 of an extracted text against the original, on aligned characters.

    Whitespace is normalised; a character counts as matched only where the two texts align
    (difflib matching blocks), so boilerplate added around the text lowers precision and text
    left out lowers recall.
    """
    a, b = normalise(extracted), normalise(original)
    if not a or not b:
        return 0.0
    matched = sum(block.size for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    precision, recall = matched / len(a), matched / len(b)
    return 0.0 if matched == 0 else 2 * precision * recall / (precision + recall)


__all__ = ["ArticleText", "TeaserPolicy", "extract_article", "char_f1", "normalise", "TEASER_MAX_CHARS"]
