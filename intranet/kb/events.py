"""What happens to the manual that other modules may react to (see intranet/events.py)."""

from dataclasses import dataclass

from intranet.kb.models import Article, ArticleRevision


@dataclass(frozen=True)
class RevisionPublished:
    """A revision of an article was published (revision.required: its audience must read it)."""

    actor: object
    article: Article
    revision: ArticleRevision
