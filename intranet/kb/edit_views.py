"""Routes for writers: a new article, editing a draft, attaching images, publishing and unpublishing."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from intranet.access.permissions import requires
from intranet.branches.service import active_branches
from intranet.errors import Invalid
from intranet.forms import form_status, uploaded
from intranet.kb import blueprint, publishing, service
from intranet.kb.forms import ArticleForm, UnpublishForm
from intranet.rendering import render
from intranet.unit_of_work import attempt


def _data_from(form: ArticleForm) -> publishing.ArticleData:
    return publishing.ArticleData(
        title=form.title.data or "",
        body=form.body.data or "",
        chapter=form.chapter.data or "",
        chapter_number=form.chapter_number.data or 0,
        category=form.category.data or "",
        position=form.position.data or 0,
        required_read=form.required_read.data,
        pinned=form.pinned.data,
        roles=form.roles.data or [],
        branch_ids=form.branches.data or [],
    )


def _save(form: ArticleForm, article):
    """Save the form into `article` (a new one when None); publish when asked. Returns the article."""
    if article is None:
        article = publishing.create_article(current_user, _data_from(form))
    else:
        publishing.save_draft(current_user, article, _data_from(form))
    image = uploaded(form.image.data)
    if image is not None:
        markdown = publishing.attach_image(current_user, article, image.data, image.filename)
        article.draft_body = f"{article.draft_body.rstrip()}\n\n{markdown}\n"
    if request.form.get("action") == "publish":
        revision = publishing.publish(
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
        article = attempt(form, lambda: _save(form, None))
        if article is not None:
            return redirect(url_for("kb.edit", article_id=article.id), code=303)
    return _edit_page(form, None, form_status(form))


@blueprint.route("/kb/<int:article_id>/edit", methods=["GET", "POST"])
@requires("kb.edit")
def edit(article_id: int):
    article = service.get_article(current_user, article_id, "kb.edit")
    form = ArticleForm(branches=active_branches(), obj=None if request.method == "POST" else article)
    if request.method == "GET":
        form.body.data = article.draft_body
        form.roles.data = article.roles
        form.branches.data = [branch.id for branch in article.branches]
    if form.validate_on_submit() and attempt(form, lambda: _save(form, article)) is not None:
        return redirect(url_for("kb.edit", article_id=article.id), code=303)
    return _edit_page(form, article, form_status(form))


@blueprint.route("/kb/<int:article_id>/unpublish", methods=["POST"])
@requires("kb.edit")
def unpublish(article_id: int):
    article = service.get_article(current_user, article_id, "kb.edit")
    form = UnpublishForm()
    if not form.validate_on_submit():
        raise Invalid(next(iter(form.reason.errors), _("This form has expired. Reload the page and try again.")))
    publishing.unpublish(current_user, article, form.reason.data or "")
    flash(_("“%(title)s” is no longer published: readers no longer find it.", title=article.title), "success")
    return redirect(url_for("kb.edit", article_id=article.id), code=303)
