"""Chinese and English: catalogue completeness, locale choice, and pages rendered in each language."""

from babel.messages.pofile import read_po

from intranet.access.roles import Role
from intranet.translations import CATALOGUE_DIR
from tests.conftest import page_text


def test_every_message_has_a_chinese_translation_with_the_same_placeholders():
    import re

    with (CATALOGUE_DIR / "zh_Hans/LC_MESSAGES/messages.po").open("rb") as po:
        catalogue = read_po(po)
    placeholder = re.compile(r"%\(\w+\)[sd]")
    missing, broken = [], []
    for message in catalogue:
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        target = message.string if isinstance(message.string, str) else message.string[0]
        if not target:
            missing.append(source)
        elif set(placeholder.findall(source)) != set(placeholder.findall(target)):
            broken.append(source)
    assert missing == [], "run pybabel update and translate these"
    assert broken == []


def test_the_catalogue_template_is_up_to_date_with_the_code():
    """Every string the code and templates use is in the catalogue (pybabel extract was run)."""
    from babel.messages.extract import extract_from_dir

    from intranet import PROJECT_ROOT

    method_map = [("intranet/**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "_l": None,
        "lazy_gettext": None,
        # a message context (pgettext) tells apart one English word with two meanings
        "pgettext": ((1, "c"), 2),
        "npgettext": ((1, "c"), 2, 3),
        "_lp": ((1, "c"), 2),
        "lazy_pgettext": ((1, "c"), 2),
    }
    used = {
        (context, message if isinstance(message, str) else message[0])
        for _file, _line, message, _comments, context in extract_from_dir(
            PROJECT_ROOT, method_map=method_map, keywords=keywords, options_map={"templates/**.html": {}}
        )
    }
    with (CATALOGUE_DIR / "zh_Hans/LC_MESSAGES/messages.po").open("rb") as po:
        known = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(po) if m.id}
    assert used - known == set(), "run: pybabel extract ... && pybabel update ... (see README)"


def test_accept_language_chooses_chinese_or_english(client):
    assert "登录" in page_text(client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"}))
    assert "Sign in" in page_text(client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"}))
    assert "Sign in" in page_text(client.get("/login", headers={"Accept-Language": "fr;q=0.9,en;q=0.5"}))


def test_no_preference_at_all_means_chinese(client):
    response = client.get("/login", headers={"Accept-Language": ""})
    assert 'lang="zh-Hans"' in response.get_data(as_text=True)


def test_the_users_setting_beats_the_browser(client, make_user):
    user = make_user(Role.RECEPTIONIST, locale="en")
    client.login(user)
    assert "Customers" in page_text(client.get("/", headers={"Accept-Language": "zh-CN"}))


def test_switching_language_is_remembered_on_the_account(client, make_user, db_session):
    user = make_user(Role.MANAGER)
    client.login(user)
    response = client.post_form("/account/locale", {"locale": "en", "next": "/customers"})
    assert response.headers["Location"] == "/customers"
    assert db_session.get(type(user), user.id).locale == "en"
    client.post_form("/account/locale", {"locale": "zh_Hans", "next": "/"})
    text = page_text(client.get("/customers", headers={"Accept-Language": "en"}))
    assert "客户" in text and "新建客户" in text


def test_same_pages_in_both_languages(client, make_user, make_customer):
    customer = make_customer(name="华远燃气")
    client.login(make_user(Role.RECEPTIONIST))
    pairs = {
        "/": ("Good day", "您好"),
        "/customers": ("New customer", "新建客户"),
        f"/customers/{customer.id}": ("Sites and equipment", "服务地点和设备"),
        "/account/password": ("Change password", "修改密码"),
    }
    for url, (english, chinese) in pairs.items():
        client.post_form("/account/locale", {"locale": "en"})
        assert english in page_text(client.get(url)), url
        client.post_form("/account/locale", {"locale": "zh_Hans"})
        assert chinese in page_text(client.get(url)), url


# Labels that several kinds of thing share because the word means the same for each (reviewed):
# anything else shared needs a message context (pgettext), or one translation serves two meanings,
# as "Open" did: a corrective action "Open" read 待派工 (awaiting dispatch), the job status.
SAME_MEANING = {
    "Appointment",  # a job's source, a call's topic: an appointment
    "Approved",  # a part request, a stock-take
    "Charges and billing",  # a complaint's category, a call's topic
    "Closed",  # a job, a part request, a complaint
    "Complaint",  # a job's source, a call's topic
    "Draft",  # a checklist template, an inspection, a part request
    "Handed on",  # a complaint, a call: passed to someone else
    "Other",
}


def _label_tables():
    """(enum, member, context, msgid) for every LabelledEnum of the app."""
    import importlib
    import pkgutil

    import intranet
    from intranet.enums import LabelledEnum

    for module in pkgutil.walk_packages(intranet.__path__, "intranet."):
        importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    for enum in subclasses(LabelledEnum):
        for member in enum:
            args = getattr(member.label, "_args", (str(member.label),))
            context, msgid = (None, args[0]) if len(args) == 1 else args[:2]
            yield enum, member, context, msgid


def test_a_label_shared_by_two_kinds_of_thing_carries_a_context():
    users: dict[tuple, set[str]] = {}
    for enum, _member, context, msgid in _label_tables():
        users.setdefault((context, msgid), set()).add(f"{enum.__module__}.{enum.__name__}")
    ambiguous = {
        msgid: sorted(enums)
        for (context, msgid), enums in users.items()
        if len(enums) > 1 and context is None and msgid not in SAME_MEANING
    }
    assert ambiguous == {}, "give each meaning its own context: lazy_pgettext('job status', 'Open')"
    shared = {msgid for (context, msgid), enums in users.items() if len(enums) > 1 and context is None}
    assert shared >= SAME_MEANING, "SAME_MEANING lists a label that is no longer shared: remove it"


def test_an_open_corrective_action_is_not_awaiting_dispatch(app):
    from flask_babel import force_locale

    from intranet.inspections.models import ActionStatus
    from intranet.jobs.models import JobStatus

    with app.test_request_context(), force_locale("zh_Hans"):
        assert str(JobStatus.OPEN.label) == "待派工"
        assert str(ActionStatus.OPEN.label) == "待整改"
        assert str(ActionStatus.DONE.label) != str(JobStatus.DONE.label)
