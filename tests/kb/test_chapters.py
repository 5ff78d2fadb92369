"""The manual's contents list chapters by their number, not by the code points of their titles."""

from intranet.kb import publishing, service
from intranet.kb.chapters import number_of


def test_a_chapters_number_is_read_from_its_title():
    assert [
        number_of(title) for title in ("第一章 公司简介", "第七章 财务", "第十章 安全", "第十二章", "第二十一章")
    ] == [
        1,
        7,
        10,
        12,
        21,
    ]
    assert number_of("第3章 业务") == 3
    assert number_of("Chapter 10: Safety") == 10
    assert number_of("2. Service") == 2
    assert number_of("附录") == 0 and number_of("") == 0
    assert number_of("999999999999") == 0 and number_of("第1000章") == 0
    assert number_of("第1十章") == 10 and number_of("第１２章") == 12  # odd mixtures are still numbers


def test_contents_follow_the_chapter_numbers_and_an_explicit_number_wins(app, db_session, make_user):
    from intranet.access.roles import Role

    manager = make_user(Role.MANAGER)
    for chapter in ("第九章 服务推广", "第七章 财务", "第十章 安全", "第三章 业务运作", "附录", "第一章 公司简介"):
        publishing.create_article(manager, publishing.ArticleData(title=f"篇 {chapter}", body="正文", chapter=chapter))
    publishing.create_article(
        manager, publishing.ArticleData(title="术语", body="正文", chapter="术语表", chapter_number=2)
    )
    db_session.flush()
    order = list(dict.fromkeys(article.chapter for article in service.list_articles(manager)))
    assert order[:7] == [
        "第一章 公司简介",
        "术语表",
        "第三章 业务运作",
        "第七章 财务",
        "第九章 服务推广",
        "第十章 安全",
        "附录",
    ]
