"""Search on SQLite FTS5 and PostgreSQL alike: Chinese words, English words, syntax that must not bite."""

import pytest

from intranet.access.roles import Role
from intranet.kb import publishing, service
from intranet.kb.search import segment

ARTICLES = {
    "complaints": (
        "客户投诉的处理",
        "接到客户投诉后,先倾听并记录,再在一个工作日内给出处理意见。Complaint handling in four steps.",
    ),
    "callbacks": ("维修后的回访", "每次维修完成后三天内电话回访,询问设备运行情况和满意度。"),
    "first_contact": ("首问负责制", "第一个接待客户的员工就是首问责任人,负责跟踪问题直到解决,不得推诿。"),
    "etiquette": ("服务礼仪", "接待时起身微笑,使用礼貌用语;电话铃响三声内接听。"),
    "spares": ("备件管理", "备件出库要登记,旧件按时交回仓库。"),
}


@pytest.fixture
def articles(make_article):
    return {key: make_article(title=title, body=body) for key, (title, body) in ARTICLES.items()}


@pytest.fixture
def reader(make_user):
    return make_user(Role.TECHNICIAN)


def titles(reader, query):
    return [hit.title.striptags() for hit in service.search_articles(reader, query)[1]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("投诉", "complaints"),
        ("客户投诉", "complaints"),
        ("回访", "callbacks"),
        ("首问负责制", "first_contact"),
        ("complaint", "complaints"),
        ("Complaint HANDLING", "complaints"),
        ("礼仪", "etiquette"),
    ],
)
def test_queries_find_the_expected_article_first(articles, reader, query, expected):
    found = titles(reader, query)
    assert found, query
    assert found[0] == ARTICLES[expected][0]


def test_a_word_only_in_the_body_still_matches_and_titles_rank_first(articles, make_article, reader):
    make_article(title="设备维护保养", body="保养记录中如有客户投诉,一并附上。")
    found = titles(reader, "投诉")
    assert found[0] == "客户投诉的处理"
    assert "设备维护保养" in found


def test_snippets_mark_the_words_searched_for(articles, reader):
    _terms, hits = service.search_articles(reader, "回访")
    assert "<mark>回访</mark>" in str(hits[0].snippet)
    assert "<mark>回访</mark>" in str(hits[0].title)


NASTY = [
    '"投诉',
    "投诉*",
    "NEAR(投诉 回访)",
    "-投诉",
    "投诉 AND OR NOT",
    "((((",
    ")",
    "title:投诉",
    "'; DROP TABLE article; --",
    "投诉 & | ! <-> :*",
    "^",
    "*",
    '""',
    "{投诉}",
    "AND",
    "\\",
    "投诉 -回访 +首问",
]


@pytest.mark.parametrize("query", NASTY)
def test_queries_full_of_search_syntax_never_fail(articles, reader, query):
    terms, _hits = service.search_articles(reader, query)
    assert all(term.isalnum() for term in terms)


def test_syntax_words_are_searched_as_plain_words(make_article, reader):
    make_article(title="Near-miss reports", body="Report every near miss AND every accident.")
    assert titles(reader, "NEAR") == ["Near-miss reports"]
    assert titles(reader, "and") == ["Near-miss reports"]


def test_drafts_and_articles_for_others_are_not_found(make_article, make_user, make_branch, reader):
    make_article(title="投诉草稿", body="投诉", publish=False)
    other = make_branch()
    make_article(title="投诉 其他网点", body="投诉", branch_ids=[other.id])
    make_article(title="投诉 经理", body="投诉", roles=["manager"])
    assert titles(reader, "投诉") == []
    manager = make_user(Role.MANAGER)
    assert len(titles(manager, "投诉")) == 2  # editors see every published article


def test_a_new_revision_replaces_the_words_indexed(make_article, reader, db_session):
    article = make_article(title="值班管理", body="值班人员提前十分钟到岗。")
    publishing.save_draft(None, article, publishing.ArticleData(title="值班管理", body="交接班时核对钥匙和门禁。"))
    publishing.publish(None, article, "改写", required=False)
    db_session.commit()
    assert titles(reader, "到岗") == []
    assert titles(reader, "钥匙") == ["值班管理"]


def test_unpublishing_removes_from_search(make_article, reader, db_session):
    article = make_article(title="服务推广", body="推广活动每季度一次。")
    publishing.unpublish(None, article)
    db_session.commit()
    assert titles(reader, "推广") == []


def test_query_terms_keep_only_letters_and_digits():
    assert segment.query_terms('"客户投诉" OR -complaint*') == ["客户", "投诉", "客户投诉", "or", "complaint"]
    assert segment.query_terms("维修后的回访") == ["维修", "回访"]
    assert segment.query_terms("((( ***") == []


def test_the_search_page_answers_with_a_fragment_for_live_search(client, articles, make_user):
    client.login(make_user(Role.TECHNICIAN))
    response = client.htmx_get("/kb?q=回访", target="kb-results")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "<mark>回访</mark>" in text and "<html" not in text
    assert "<html" in client.get("/kb?q=回访").get_data(as_text=True)
    for query in NASTY:
        assert client.get("/kb", query_string={"q": query}).status_code == 200
