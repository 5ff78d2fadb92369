"""Routes: the manual's contents and live search, an article, its history and diffs, writing and
publishing, acknowledging, votes, and the reading report."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import OperationalError
from werkzeug.datastructures import FileStorage

from intranet.auth.permissions import can, requires
from intranet.branches.service import active_branches
from intranet.errors import DomainError, Invalid
from intranet.extensions import db, htmx
from intranet.kb import blueprint, service
from intranet.kb.forms import AcknowledgeForm, ArticleForm, VoteForm
from intranet.kb.markdown import render_markdown
from intranet.kb.models import ArticleStatus
from intranet.listing import search_text
from intranet.offline.pages import offline_pages
from intranet.rendering import render, render_fragment, wants_fragment


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
        to_read=service.to_read(current_user),
    )


@blueprint.route("/kb/to-read")
@requires("kb.read")
def to_read():
    return render("kb/to_read.html", articles=service.to_read(current_user))


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
        "needs_acknowledgement": service.needs_acknowledgement(current_user, article),
        "my_vote": service.vote_of(current_user, article),
        "acknowledge_form": AcknowledgeForm(),
        "vote_form": VoteForm(),
    }


@blueprint.route("/kb/<int:article_id>")
@requires("kb.read")
def show(article_id: int):
    article = service.get_article(current_user, article_id)
    response = render("kb/show.html", **_article_context(article))
    if article.is_published:
        # End the read first: on SQLite a transaction that read and then writes cannot wait for the
        # write lock, while one that starts by writing waits its turn (busy_timeout).
        db.session.commit()
        try:
            service.count_view(article.id)
            db.session.commit()
        except OperationalError:
            db.session.rollback()  # a view count is not worth failing the page for
    return response


@blueprint.route("/kb/<int:article_id>/acknowledge", methods=["POST"])
@requires("kb.read")
def acknowledge(article_id: int):
    article = service.get_article(current_user, article_id)
    if not AcknowledgeForm().validate_on_submit():
        raise Invalid(_("This form has expired. Reload the page and try again."))
    service.acknowledge(current_user, article)
    db.session.commit()
    if wants_fragment():
        return render_fragment("kb/_acknowledge.html", **_article_context(article))
    flash(_("Thank you: your reading of “%(title)s” is recorded.", title=article.title), "success")
    return redirect(url_for("kb.show", article_id=article.id), code=303)


@blueprint.route("/kb/<int:article_id>/vote", methods=["POST"])
@requires("kb.read")
def vote(article_id: int):
    article = service.get_article(current_user, article_id)
    form = VoteForm()
    if not form.validate_on_submit():
        raise Invalid(_("Answer yes or no."))
    service.vote(current_user, article, form.helpful.data == "yes")
    db.session.commit()
    if wants_fragment():
        return render_fragment("kb/_vote.html", **_article_context(article))
    flash(_("Thank you for your answer."), "success")
    return redirect(url_for("kb.show", article_id=article.id), code=303)


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
    context = {"article": article, "old": old, "new": new, "lines": service.diff(old, new)}
    if wants_fragment():
        return render_fragment("kb/_diff.html", **context)
    return render("kb/diff.html", **context)


# Writing


def _data_from(form: ArticleForm) -> service.ArticleData:
    return service.ArticleData(
        title=form.title.data or "",
        body=form.body.data or "",
        chapter=form.chapter.data or "",
        category=form.category.data or "",
        position=form.position.data or 0,
        required_read=form.required_read.data,
        pinned=form.pinned.data,
        roles=form.roles.data or [],
        branch_ids=form.branches.data or [],
    )


def _upload(form: ArticleForm):
    image = form.image.data
    if isinstance(image, FileStorage) and image.filename:
        return image.read(), image.filename
    return None


def _save(form: ArticleForm, article):
    """Save the form into `article` (a new one when None); publish when asked. Returns the article."""
    if article is None:
        article = service.create_article(current_user, _data_from(form))
    else:
        service.save_draft(current_user, article, _data_from(form))
    upload = _upload(form)
    if upload is not None:
        markdown = service.attach_image(current_user, article, *upload)
        article.draft_body = f"{article.draft_body.rstrip()}\n\n{markdown}\n"
    if request.form.get("action") == "publish":
        revision = service.publish(
            current_user, article, form.change_summary.data or "", form.ask_again.data or form.required_read.data
        )
        flash(_("Revision %(n)d of “%(title)s” is published.", n=revision.number, title=article.title), "success")
    else:
        flash(_("Draft saved."), "success")
    return article


def _edit_page(form, article, status=200):
    return render("kb/edit.html", status=status, form=form, article=article)


@blueprint.route("/kb/new", methods=["GET", "POST"])
@requires("kb.edit")
def new():
    form = ArticleForm(branches=active_branches())
    if form.validate_on_submit():
        try:
            article = _save(form, None)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            return _edit_page(form, None, error.status_code)
        db.session.commit()
        return redirect(url_for("kb.edit", article_id=article.id), code=303)
    return _edit_page(form, None, 422 if form.is_submitted() else 200)


@blueprint.route("/kb/<int:article_id>/edit", methods=["GET", "POST"])
@requires("kb.edit")
def edit(article_id: int):
    article = service.get_article(current_user, article_id, "kb.edit")
    form = ArticleForm(branches=active_branches(), obj=None if request.method == "POST" else article)
    if request.method == "GET":
        form.body.data = article.draft_body
        form.roles.data = article.roles
        form.branches.data = [branch.id for branch in article.branches]
    if form.validate_on_submit():
        try:
            _save(form, article)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            return _edit_page(form, article, error.status_code)
        db.session.commit()
        return redirect(url_for("kb.edit", article_id=article.id), code=303)
    return _edit_page(form, article, 422 if form.is_submitted() else 200)


@blueprint.route("/kb/<int:article_id>/report")
@requires("kb.report")
def report(article_id: int):
    article = service.get_article(current_user, article_id)
    required_number, branches = service.reading_report(current_user, article)
    return render("kb/report.html", article=article, required_number=required_number, branches=branches)
