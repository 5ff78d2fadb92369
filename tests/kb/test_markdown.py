"""Article bodies render inert: no script, no event handlers, no javascript: or data: links."""

from html.parser import HTMLParser

from intranet.access.roles import Role
from intranet.kb.markdown import plain_text, render_markdown

HOSTILE = """# 标题

<script>alert('x')</script>
<img src="x" onerror="alert(1)">
<a href="javascript:alert(1)" onclick="alert(2)">点我</a>
[链接](javascript:alert(3)) [大小写](JaVaScRiPt:alert(4)) [编码](java&#x73;cript:alert(5))
[数据](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
![外部图片](https://evil.example/track.png) ![附件](/attachments/7)
<iframe src="https://evil.example"></iframe><style>body{display:none}</style>
<div style="background:url(javascript:alert(6))">x</div>
[正常](https://example.com/help) **粗体**
"""


class _Elements(HTMLParser):
    """Every element and attribute a browser would build from the HTML (escaped text is not one)."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def assert_inert(html: str):
    elements = _Elements(html).elements
    assert {tag for tag, _ in elements} <= {"h1", "p", "a", "img", "strong"}
    for tag, attributes in elements:
        assert not [name for name in attributes if name.startswith("on") or name == "style"], (tag, attributes)
        for name in ("href", "src"):
            value = (attributes.get(name) or "").strip().lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), (tag, attributes)
        if tag == "img":
            assert attributes.get("src") in (None, "/attachments/7")
    return elements


def test_hostile_markdown_renders_inert():
    html = str(render_markdown(HOSTILE))
    elements = assert_inert(html)
    assert ("a", {"href": "https://example.com/help", "rel": "noopener noreferrer"}) in elements
    assert ("img", {"src": "/attachments/7", "alt": "附件"}) in elements
    assert "<strong>粗体</strong>" in html


def test_plain_text_drops_the_marks():
    assert plain_text("# 标题\n\n- 一\n- **二**") == "标题 一 二"


def test_the_article_page_serves_a_hostile_body_inert(client, make_article, make_user):
    article = make_article(title="测试", body=HOSTILE)
    client.login(make_user(Role.TECHNICIAN))
    html = client.get(f"/kb/{article.id}").get_data(as_text=True)
    assert_inert(html.split('class="card markdown">', 1)[1].split("</article>", 1)[0])
