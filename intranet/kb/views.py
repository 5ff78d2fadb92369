"""Routes for readers: the manual's contents and live search, an article, acknowledging, votes, its
history and diffs, and the reading report. Writing and publishing are in edit_views.py."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from intranet import exporting, navigation
from intranet.access.permissions import can, requires
from intranet.errors import Invalid
from intranet.extensions import htmx
from intranet.kb import blueprint, reading, service, votes
from intranet.kb.diff import diff_revisions
from intranet.kb.exports import READING_REPORT
from intranet.kb.forms import AcknowledgeForm, VoteForm
from intranet.kb.markdown import render_markdown
from intranet.kb.models import ArticleStatus
from intranet.listing import search_text
from intranet.offline.idempotency import idempotent
from intranet.offline.pages import offline_pages
from intranet.rendering import render, render_fragment, wants_fragment
from intranet.unit_of_work import after_commit

# The navigation's Manual link shows how many articles are still to read.
navigation.badge("kb.to_read", reading.to_read_count)


def _chapters(articles):
    chapters: dict[str, list] = {}
    for article in articles:
        chapters.setdefault(article.chapter or _("Other"), []).append(article)
    return chapters


@blueprint.route("/kb")
@requires("kb.read")
def index():
    query = search_text(request.args)
    live = wants_fragment() and htmx.target == "kb-results"
    # Live search shows the best ten as the user types; the full page (Enter) the best twenty.
    terms, hits = service.search_articles(current_user, query, 10 if live else 20) if query else ([], [])
    if live:
        # Each keystroke needs only the results, not the contents of the whole manual.
        return render_fragment("kb/_results.html", query=query, terms=terms, hits=hits)
    articles = service.list_articles(current_user)
    return render(
        "kb/index.html",
        fragments={"kb-results": "kb/_results.html"},
        query=query,
        terms=terms,
        hits=hits,
        chapters=_chapters(articles),
        pinned=[article for article in articles if article.pinned and article.status == ArticleStatus.PUBLISHED],
        to_read=reading.to_read(current_user),
    )


@blueprint.route("/kb/to-read")
@requires("kb.read")
def to_read():
    return render("kb/to_read.html", articles=reading.to_read(current_user))


@offline_pages
def _reading_on_the_road(user) -> list[str]:
    """Technicians keep the contents, their reading list, and every pinned or required article."""
    if not (can(user, "kb.read") and can(user, "today.view")):
        return []
    urls = [url_for("kb.index"), url_for("kb.to_read")]
    for article in service.list_articles(user):
        if article.status == ArticleStatus.PUBLISHED and (article.pinned or article.required_read):
            urls.append(url_for("kb.show", article_id=article.id))
    return urls


def _article_context(article):
    revision = article.current_revision
    return {
        "article": article,
        "revision": revision,
        "body_html": render_markdown(revision.body if revision else article.draft_body),
        "needs_acknowledgement": reading.needs_acknowledgement(current_user, article),
        "my_vote": votes.vote_of(current_user, article),
        "acknowledge_form": AcknowledgeForm(),
        "vote_form": VoteForm(),
    }


def _answer(article, fragment: str, message: str):
    """After a click on the article's page: htmx gets its part of the page again, a plain post goes
    back to the article with `message`."""
    if wants_fragment():
        return render_fragment(fragment, **_article_context(article))
    flash(message, "success")
    return redirect(url_for("kb.show", article_id=article.id), code=303)


@blueprint.route("/kb/<int:article_id>")
@requires("kb.read")
def show(article_id: int):
    article = service.get_article(current_user, article_id)
    if article.is_published:
        # Counted after this read commits, in a transaction that starts by writing: on SQLite one that
        # read first could not wait for the write lock. A lost count is not worth failing the page for.
        after_commit(lambda: service.count_view(article.id))
    return render("kb/show.html", **_article_context(article))


@blueprint.route("/kb/<int:article_id>/acknowledge", methods=["POST"])
@requires("kb.read")
@idempotent
def acknowledge(article_id: int):
    article = service.get_article(current_user, article_id)
    if not AcknowledgeForm().validate_on_submit():
        raise Invalid(_("This form has expired. Reload the page and try again."))
    reading.acknowledge(current_user, article)
    return _answer(
        article, "kb/_acknowledge.html", _("Thank you: your reading of “%(title)s” is recorded.", title=article.title)
    )


@blueprint.route("/kb/<int:article_id>/vote", methods=["POST"])
@requires("kb.read")
def vote(article_id: int):
    article = service.get_article(current_user, article_id)
    form = VoteForm()
    if not form.validate_on_submit():
        raise Invalid(_("Answer yes or no."))
    votes.vote(current_user, article, form.helpful.data == "yes")
    return _answer(article, "kb/_vote.html", _("Thank you for your answer."))


@blueprint.route("/kb/<int:article_id>/history")
@requires("kb.read")
def history(article_id: int):
    article = service.get_article(current_user, article_id)
    revisions = article.revisions
    return render(
        "kb/history.html",
        article=article,
        revisions=revisions,
        old=revisions[1].number if len(revisions) > 1 else None,
        new=revisions[0].number if revisions else None,
    )


def _revision_number(name: str) -> int:
    value = request.args.get(name, "")
    if not value.isdigit() or len(value) > 6:
        raise Invalid(_("Choose two revisions to compare."))
    return int(value)


@blueprint.route("/kb/<int:article_id>/diff")
@requires("kb.read")
def diff(article_id: int):
    article = service.get_article(current_user, article_id)
    old = service.get_revision(article, _revision_number("old"))
    new = service.get_revision(article, _revision_number("new"))
    context = {"article": article, "old": old, "new": new, "lines": diff_revisions(old, new)}
    if wants_fragment():
        return render_fragment("kb/_diff.html", **context)
    return render("kb/diff.html", **context)


@blueprint.route("/kb/<int:article_id>/report")
@requires("kb.report")
def report(article_id: int):
    article = service.get_article(current_user, article_id)
    required_number, branches = reading.reading_report(current_user, article)
    return render("kb/report.html", article=article, required_number=required_number, branches=branches)


@blueprint.route("/kb/<int:article_id>/report.<any(csv, xlsx):file_format>")
@requires("kb.report")
def export_report(article_id: int, file_format: str):
    article = service.get_article(current_user, article_id)  # an article nobody can see is not found
    args = {**request.args.to_dict(), "article": str(article.id)}
    return exporting.download(READING_REPORT, current_user, args, file_format)
