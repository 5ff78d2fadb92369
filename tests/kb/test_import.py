"""flask kb-import, the demo manual, and the technician's offline set."""

from sqlalchemy import func, select

from intranet.auth.models import User
from intranet.kb import reading, service
from intranet.kb.importer import parse
from intranet.kb.models import Article, ArticleRevision, in_audience


def test_front_matter_or_first_heading_gives_the_title():
    parsed = parse("---\nchapter: 第二章 服务\nrequired: yes\n---\n# 客户投诉处理\n\n正文")
    assert (parsed.title, parsed.meta["chapter"], parsed.body) == ("客户投诉处理", "第二章 服务", "正文\n")
    assert parse("---\ntitle: 标题\n---\n# 小节\n正文").title == "标题"
    assert parse("没有标题", fallback_title="file").title == "file"


def test_kb_import_creates_then_revises_only_what_changed(app, db_session, tmp_path):
    (tmp_path / "duty.md").write_text("---\nchapter: 第四章 值班管理\nrequired: true\n---\n# 值班\n\n提前到岗。\n")
    (tmp_path / "notes.md").write_text("# 备忘\n\n随手记。\n")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["kb-import", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output
    duty = db_session.scalar(select(Article).where(Article.slug == "duty"))
    assert duty.chapter == "第四章 值班管理" and duty.required_read and duty.is_published
    assert "0 created, 0 revised, 2 unchanged" in runner.invoke(args=["kb-import", str(tmp_path)]).output
    (tmp_path / "duty.md").write_text(
        "---\nchapter: 第四章 值班管理\nrequired: true\n---\n# 值班\n\n提前十五分钟到岗。\n"
    )
    assert "1 revised" in runner.invoke(args=["kb-import", str(tmp_path / "duty.md")]).output
    assert (
        db_session.scalar(
            select(func.count()).select_from(ArticleRevision).where(ArticleRevision.article_id == duty.id)
        )
        == 2
    )


def test_demo_manual_is_searchable_and_technicians_keep_required_articles_offline(app, db_session, client):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    technician = db_session.scalar(select(User).where(User.login == "tech"))
    # The acceptance queries, over the whole demo manual rather than a handful of test articles.
    expected_first = {
        "投诉": "客户投诉处理",
        "客户投诉": "客户投诉处理",
        "回访": "维修后回访",
        "首问负责制": "首问负责制",
        "complaint": "客户投诉处理",
    }
    for query, title in expected_first.items():
        _, hits = service.search_articles(technician, query)
        assert hits and hits[0].title.striptags() == title, (query, [hit.title.striptags() for hit in hits])
    assert reading.to_read_count(technician) >= 4
    client.login(technician, password="demo1234")
    urls = client.get("/offline/pages").get_json()["urls"]
    required = db_session.scalars(select(Article).where(Article.required_read.is_(True) | Article.pinned.is_(True)))
    for article in required:
        if in_audience(article, technician):
            assert f"/kb/{article.id}" in urls
    assert "/kb/to-read" in urls
