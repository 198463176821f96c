"""News to evidence: reading articles into candidate events (pure, no network).

:func:`read_article` turns article text into :class:`Candidate` events;
fetching pages and feeds lives in ``services.news_fetch`` and storing and
reviewing suggestions in ``services.suggestions``.
"""

from exposure_app.risk.news.reader import Candidate, NewsError, check_text, read_article

__all__ = ["Candidate", "NewsError", "check_text", "read_article"]
