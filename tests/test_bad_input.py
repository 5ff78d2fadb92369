"""Hostile input, generated from the app's routes and the fields of its forms: never a 500, and a refused
request changes nothing.

The world is the demo data on both databases. People of every role browse it as they would (every list
without arguments, then the links those pages show), and the test keeps every form they are shown: its
address, its fields and the values the page gives them. STATES first sends a few forms so that every
workflow has a record waiting at each step (a report to correct, an inspection to sign, ...).

Each form is then sent by a person whose role holds the route's permission, starting from the page's
own values plus VALID_INPUT, with one field at a time replaced by a hostile value (huge and negative
ids, 1e30, 1e-30, NaN, 10 kB strings, control characters, hostile files), and every page is asked for
with odd query arguments and every URL with ids no row can have. A route of a new module is covered as
soon as a page shows its form or links to it; a POST route no page shows fails the coverage test.
"""

import fnmatch
import io
import re
import sqlite3
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from hashlib import sha256
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text
from werkzeug.exceptions import HTTPException
from werkzeug.routing import AnyConverter, IntegerConverter, RequestRedirect

from intranet.access.roles import PERMISSIONS, Role
from intranet.auth.models import LoginAttempt, User
from intranet.db_types import utcnow
from intranet.extensions import db
from tests.conftest import TEST_PASSWORD, image_bytes
from tests.demo_world import demo_world
from tests.hostile_files import HOSTILE_FILES
from tests.notifications.test_views import subscription_json
from tests.page_forms import Form, read_page
from tests.test_authorization_matrix import branch_row_params, own_row_params

# The people who browse, one of every role (demo logins, branch BJ-FT except the admin).
BROWSERS = {
    Role.TECHNICIAN: "tech",
    Role.RECEPTIONIST: "reception",
    Role.STOREKEEPER: "store",
    Role.MANAGER: "manager",
    Role.ADMIN: "admin",
}
# The same roles in other branches (the demo's), and tech2, a colleague of tech in BJ-FT.
ELSEWHERE_PEOPLE = {
    Role.TECHNICIAN: "tech.hd",
    Role.RECEPTIONIST: "reception.pd",
    Role.STOREKEEPER: "store.hd",
    Role.MANAGER: "manager.hd",
}
# Fields that name a row of a branch or of a person; the options a page offers are rows its reader may name.
ROW_FIELDS = {
    "job_id", "technician_id", "assigned_to_id", "borrower_id", "owner_id", "inspector_id", "to_store_id",
    "site_id", "equipment_id",
}  # fmt: skip
# Who sends a form when several may: the narrowest role first (a technician's forms by a technician).
SENDER_ORDER = [Role.TECHNICIAN, Role.RECEPTIONIST, Role.STOREKEEPER, Role.MANAGER, Role.ADMIN]
NOT_BROWSED = {"static", "offline.service_worker", "auth.csrf_token", "main.healthz", "offline.pages"}
# Sent separately: signing in is anonymous, signing out ends the session the test goes on with.
NOT_SENT = {"auth.login", "auth.logout"}
# Not forms: JSON that push-settings.js and sw-push.js send; tests/notifications/test_views.py sends them
# bodies no browser would (test_a_subscription_no_browser_would_send_is_refused).
SCRIPT_ENDPOINTS = {"notifications.subscribe", "notifications.unsubscribe", "notifications.renew"}
PAGES_PER_ROUTE = 4  # distinct addresses of one route visited per person

_now = utcnow().astimezone(ZoneInfo("Asia/Shanghai")).replace(second=0, microsecond=0)  # the demo's zone
_visit_start = (_now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
_visit_end = _now.strftime("%Y-%m-%dT%H:%M")
_next_week = (_now + timedelta(days=7)).strftime("%Y-%m-%d")


def a_part_in_stock(app, field) -> str:
    """The code of a catalogue part the demo warehouse of BJ-FT holds."""
    from intranet.parts.models import Part, StockBalance, Store

    with app.app_context():
        return db.session.scalar(
            select(Part.code)
            .join(StockBalance, StockBalance.part_id == Part.id)
            .join(Store, Store.id == StockBalance.store_id)
            .where(Store.kind == "warehouse", StockBalance.quantity > 5)
            .order_by(Part.id)
        )


def in_range(app, field) -> str:
    """A number the field's own min and max allow."""
    low, high = Decimal(field.minimum or "0"), Decimal(field.maximum or field.minimum or "0")
    return f"{(low + high) / 2:f}" if field.maximum else f"{low:f}"


# Values that make each form valid where the page leaves a required field empty: the baseline that one
# hostile value at a time is put into, so it reaches the service's own checks. Field names may be
# patterns (item-*-result); a value may be a pattern that picks an option, or a function of the app.
# A new module adds its forms' entries here.
VALID_INPUT = {
    "jobs.report": {
        "fault_found": "点火针积碳",
        "action_taken": "清洁并试机",
        "result": "fixed",
        "warranty_status": "in_warranty",
        "satisfaction": "5",
        "arrived_at": _visit_start,
        "left_at": _visit_end,
    },
    "jobs.correct": {"reason": "客户补充说明"},
    "jobs.new": {"fault_description": "叫号机不出票", "source": "walk_in"},
    "jobs.record_callback": {"note": "满意", "staff_named": "张伟"},
    "jobs.resolve": {"note": "已电话致歉"},
    "inspections.fill": {"item-*-result": "pass", "item-*-number": in_range, "item-*-count": "0", "intent": "submit"},
    "inspections.assign": {"due_on": _next_week, "frequency": "once"},
    "inspections.sign": {"confirm": "yes"},
    "inspections.return_": {"comment": "请补拍照片"},
    "inspections.complete_action": {"note": "已整改"},
    "inspections.reassign_action": {"due_on": _next_week},
    "inspections.add_section": {"title": "环境", "max_points": "10"},
    "inspections.add_item": {"text": "地面整洁", "kind": "deduction", "points": "1"},
    "inspections.templates": {"code": "HOSTILE-T", "title": "测试检查表"},
    "parts.new_request": {"lines-0-code": a_part_in_stock, "lines-0-quantity": "1"},
    "parts.receive": {"code": a_part_in_stock, "quantity": "2", "note": "到货"},
    "parts.move": {"kind": "scrap", "code": a_part_in_stock, "quantity": "1"},
    "parts.lend": {"item": "万用表", "quantity": "1", "due_on": _next_week},
    "parts.new_return": {"code": a_part_in_stock, "quantity": "1", "condition": "faulty"},
    "parts.new": {"code": "HOSTILE-1", "name": "测试配件", "price": "8", "min_stock": "1"},
    "parts.edit": {"price": "8", "min_stock": "1"},
    "parts.reject": {"reason": "库存不足"},
    "parts.count": {"count-*": "1"},
    "customers.new": {"name": "测试客户", "phone": "010-12345678"},
    "customers.new_site": {"name": "营业厅", "address": "北京市丰台区 1 号"},
    "customers.new_equipment": {"model": "QM-300", "serial": "SN-HOSTILE"},
    "admin.new_user": {"login": "hostile.user", "name": "测试", "password": "long-enough-1", "branch_id": "[0-9]*"},
    "admin.new_branch": {"code": "BJ-HOSTILE", "name": "测试分站"},
    "kb.new": {"title": "测试文章", "body": "正文", "change_summary": "新建"},
    "kb.unpublish": {"reason": "规定已作废"},
    "kb.vote": {"helpful": "1"},
    "frontdesk.log_call": {
        "caller_name": "孙立新",
        "number": "010-8389 2210",
        "topic": "*",
        "summary": "不出票",
        "action": "answered",
    },
    "frontdesk.call_job": {"fault_description": "叫号机不出票", "source": "walk_in"},
}
# Files a form needs to be valid (a report is signed).
VALID_FILES = {
    "jobs.report": {"signature": ("signature.png", "png")},
    "inspections.fill": {"item-*-photo": ("photo.jpg", "jpeg")},  # a failed item may need one
}

# The forms sent, in order, before anything is tried: each leaves a record waiting at the next step of
# its workflow, so the forms of that step appear on some page. (login, endpoint, extra values); each
# sends a form (a record) that no earlier line sent.
STATES = [
    ("tech", "jobs.report", {}),  # a done job: callback, correction
    ("tech", "jobs.report", {}),
    ("reception", "jobs.record_callback", {"reached": "yes", "problem_solved": "no", "back": ""}),  # to a manager
    ("reception", "frontdesk.log_call", {"action": "job"}),  # a call handed on: the job form it leads to
    ("tech", "inspections.fill", {"item-*-result": "fail"}),  # to sign or return; corrective actions
    ("tech", "parts.new_request", {"draft": "y"}),  # a draft to send
    ("tech", "parts.new_request", {}),
    ("manager", "parts.approve", {}),  # approved: to issue
    ("tech", "parts.new_request", {}),  # submitted: to approve or reject
    ("store", "parts.start_stock_take", {}),  # a count sheet...
    ("store", "parts.count", {"count-*": "1", "action": "submit"}),  # ...counted: to approve
    ("store", "parts.start_stock_take", {}),  # and another to count
    ("manager", "inspections.complete_action", {}),  # to verify
    ("admin", "admin.new_user", {"login": "hostile.target"}),  # someone to edit who is not a test person
    ("admin", "inspections.templates", {"code": "HOSTILE-DRAFT"}),  # a draft checklist to publish
    ("admin", "inspections.add_section", {}),
]

# Hostile values. A field where the page expects a number (an id, a quantity, a mark) must refuse the
# first group; the second only must not break anything (-1 °C is a fair measurement).
HUGE = "99999999999999999999999"
MUST_REFUSE_IN_NUMBERS = [HUGE, "1e30", "1e-30", "NaN"]


def too_precise(field) -> str:
    """A number the field would otherwise take, with more decimals than any column keeps (stored rounded)."""
    return f"{Decimal(field.minimum or '1') + Decimal('0.0000001'):f}"


ODD_NUMBERS = ["-1", "-9223372036854775809", "１２"]
TEN_KB = "长" * 10_000
MARKUP = "<img src=x onerror=alert(1)>"  # must come back escaped, whatever answers it
ODD_TEXT = ["", TEN_KB, f"\x00\x1b[31m{MARKUP}\u202e%s{{0}}{{{{7*7}}}}", MARKUP, "a\r\nb" * 2000]
ODD_QUERY = [HUGE, "-1", "1e30", "NaN", TEN_KB, "\x00", ["1", "2"]]
# Arguments url_for takes for itself (a page that passes its query on to it must not), and addresses.
HTMX = "\x00htmx"  # in an attempt's changes: send it as an htmx request
RESERVED_QUERY = [
    {"_method": "DELETE", "_scheme": "javascript", "_external": "1", "_anchor": "x", "page": HUGE},
    {"_external": "1", "_scheme": "javascript", "page": "2"},
    {"next": "//evil.example", "page": "-1"},
]
SCRIPT_ADDRESS = re.compile(r'(?:href|src|action|hx-get|hx-post)="\s*javascript:', re.I)
HUGE_IDS = [2**63, 2**64, 10**22, 0]


# The world and the crawl


@dataclass
class Site:
    app: object
    clients: dict = field(default_factory=dict)  # login -> signed-in client
    forms: dict = field(default_factory=dict)  # (endpoint, method) -> [(login, Form)]
    records: list = field(default_factory=list)  # pages of the records STATES made: every crawl starts there too
    pages: dict = field(default_factory=dict)  # endpoint -> [(login, url, query names it uses)]
    people: set = field(default_factory=set)  # ids of the test's own people: forms about them are not sent

    def endpoint_of(self, url: str, method: str = "GET") -> str | None:
        path = url.split("#")[0].split("?")[0]
        try:
            return self.app.url_map.bind("localhost").match(path, method=method)[0]
        except (HTTPException, RequestRedirect):
            return None

    def role_of(self, login: str) -> Role:
        return next(role for role, name in BROWSERS.items() if name == login)


def _sign_in(app, login: str):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.login == login))
    client = app.test_client()
    client.login(user, password=TEST_PASSWORD)
    return client


def _crawl(site: Site, only: list[str] | None = None, people: list[str] | None = None) -> None:
    """Browse as every person (or the `people` named): from every list and the links pages show, or only
    the pages `only` names."""
    if only is None:
        site.forms.clear()
        site.pages.clear()
    for login in people or [*BROWSERS.values(), *ELSEWHERE_PEOPLE.values()]:
        client = site.clients[login]
        start = only or site.records + [
            rule.rule
            for rule in site.app.url_map.iter_rules()
            if not rule.arguments and "GET" in rule.methods and rule.endpoint not in NOT_BROWSED
        ]
        queue, visited, per_route = list(start), set(), {}
        while queue:
            url = queue.pop(0)
            endpoint = site.endpoint_of(url)
            if url in visited or endpoint is None or endpoint in NOT_BROWSED:
                continue
            if per_route.get(endpoint, 0) >= PAGES_PER_ROUTE:
                continue
            visited.add(url)
            per_route[endpoint] = per_route.get(endpoint, 0) + 1
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.content_type:
                continue
            links, forms = read_page(url, response.get_data(as_text=True))
            if only is None:
                queue += [link for link in links if link not in visited]
            own_queries = {
                name
                for link in links
                if "?" in link and site.endpoint_of(link) == endpoint
                for name, _, _ in (part.partition("=") for part in link.split("?", 1)[1].split("&"))
            }
            for form in forms:
                target = site.endpoint_of(form.action, form.method)
                if target is None or not form.submittable:
                    continue
                if form.method == "GET" and target == endpoint:
                    own_queries |= set(form.fields)
                else:
                    site.forms.setdefault((target, form.method), []).append((login, form))
            site.pages.setdefault(endpoint, []).append((login, url, sorted(own_queries)))


def _has_field(form: Form, pattern: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for name in form.fields)


def _matching(app, values: dict, form: Form) -> dict:
    """VALID_INPUT entries for this form's fields (patterns expanded); a value pattern picks an option."""
    chosen = {}
    for pattern, given in values.items():
        for name, spec in form.fields.items():
            if fnmatch.fnmatchcase(name, pattern):
                value = given(app, spec) if callable(given) else given
                options = [o for o in spec.options if fnmatch.fnmatchcase(o, value)] if "*" in value else []
                chosen[name] = options[0] if options else value
    return chosen


def _valid_values(site: Site, endpoint: str, form: Form, extra: dict | None = None) -> dict:
    values = form.values()
    for name, spec in form.fields.items():
        if spec.type == "radio" and not values.get(name) and spec.options:
            values[name] = spec.options[0]
        if spec.type == "checkbox" and not spec.value:
            values.pop(name, None)
    values.update(_matching(site.app, {**VALID_INPUT.get(endpoint, {}), **(extra or {})}, form))
    if "client_id" in form.fields:
        values["client_id"] = str(uuid.uuid4())  # every sending is a new submission
    values.pop("csrf_token", None)
    return values


def _files_for(endpoint: str, form: Form) -> dict:
    files = {}
    for pattern, (filename, kind) in VALID_FILES.get(endpoint, {}).items():
        for name in fnmatch.filter(form.fields, pattern):
            files[name] = (io.BytesIO(image_bytes(image_format="PNG" if kind == "png" else "JPEG")), filename)
    return files


def _send(site: Site, login: str, endpoint: str, form: Form, values: dict, files: dict | None = None, **headers):
    data = dict(values)
    for name, (stream, filename) in (files or {}).items():
        data[name] = (stream, filename)
    client = site.clients[login]
    return client.post_form(form.action, data, headers={"Accept-Language": "en", **headers})


def _sender(site: Site, endpoint: str, method: str = "POST"):
    """A (login, form) pair whose person may use the route, the narrowest role first."""
    permission = site.app.view_functions[endpoint].required_permission
    seen = site.forms.get((endpoint, method), [])
    for role in SENDER_ORDER:
        if permission != "public" and role not in PERMISSIONS[permission]:
            continue
        for login, form in seen:
            about = site.app.url_map.bind("localhost").match(form.action.split("?")[0], method=method)[1]
            if login == BROWSERS[role] and about.get("user_id") not in site.people:
                return login, form  # not a form that deactivates, or changes the password of, a test person
    return None


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(request, tmp_path_factory):
    for app in demo_world(request.param, tmp_path_factory, "hostile", PAGE_SIZE=2, CALLBACK_DELAY_DAYS=0):
        people = [*BROWSERS.values(), *ELSEWHERE_PEOPLE.values(), "tech2"]
        site = Site(app=app, clients={login: _sign_in(app, login) for login in people})
        with app.app_context():
            site.people = set(db.session.scalars(select(User.id).where(User.login.in_(people))))
        for number, login in enumerate(BROWSERS.values()):  # a device each, so the settings page lists one
            client = site.clients[login]
            subscribed = client.post(
                "/notifications/devices", json=subscription_json(number), headers={"X-CSRFToken": client.csrf_token()}
            )
            assert subscribed.status_code in (200, 201), subscribed.status_code
        # Until the last crawl, forms are looked for only for STATES, whose senders are these people.
        senders = sorted({login for login, _, _ in STATES})
        _crawl(site, people=senders)
        sent = set()
        for login, endpoint, extra in STATES:
            seen = site.forms.get((endpoint, "POST"), [])
            # A form about one record is sent once; a form that makes a new record (no id in its address) again.
            form = next(
                (
                    form
                    for who, form in seen
                    if who == login and form.action not in sent and all(_has_field(form, name) for name in extra)
                ),
                None,
            )
            assert form is not None, f"no page shows {login} a form of {endpoint} not sent yet: STATES cannot be set up"
            if re.search(r"/\d+(/|$)", form.action):
                sent.add(form.action)
            response = _send(
                site, login, endpoint, form, _valid_values(site, endpoint, form, extra), _files_for(endpoint, form)
            )
            assert response.status_code in (200, 302, 303), (
                f"{endpoint} as {login}: {response.status_code} {_messages(response)}"
            )
            if response.location:
                site.records.append(response.location)
                _crawl(site, only=[response.location], people=senders)
        _crawl(site)
        yield site
        _forget(app)


def _snapshot(app) -> str:
    """A digest of every row but the sign-in log and the devices' sign-ins (signing in is not a change).

    Digesting every row after each of a few thousand requests cost half of this file's time, and most
    requests (refused ones) commit nothing. So the digest is kept with a mark the database moves on every
    commit (SQLite's data_version; on PostgreSQL, a count of the statements that wrote to the digested
    tables and the transactions still running in this database); while the mark stands still, no row can
    have changed and the kept digest is the digest. Any commit, even one that changes nothing we digest,
    only makes the next call digest again.
    """
    mark = _commit_mark(app)  # read before digesting: a commit during the digest moves it for next time
    kept = _digests.get(app)
    if kept is None or kept[0] != mark:
        kept = _digests[app] = (mark, _digest(app))
    return kept[1]


_digests: dict = {}  # app -> (commit mark, digest)
_marks: dict = {}  # app -> a connection of the test's own that never writes (SQLite)
_counted: set = set()  # apps whose PostgreSQL database counts its writes

# A sequence moves at once, whatever becomes of the transaction; a transaction that wrote has an id, listed
# while it runs. The cluster-wide snapshot of transaction ids would do too, but it moves with every other
# database's writes (the other test worker's): the digest was then made again after almost every request.
WRITES = "bad_input_writes"
POSTGRES_MARK = f"""
SELECT concat((SELECT last_value || ':' || is_called FROM {WRITES}), ':',
              (SELECT string_agg(backend_xid::text, ',' ORDER BY backend_xid::text) FROM pg_stat_activity
                WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()))
"""


def _count_writes(connection, tables: list[str]) -> None:
    """Make every statement that writes to one of `tables` move the WRITES sequence (in the world's own database)."""
    connection.execute(text(f"CREATE SEQUENCE {WRITES}"))
    connection.execute(
        text(
            f"CREATE FUNCTION {WRITES}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN PERFORM nextval('{WRITES}'); RETURN NULL; END $$"
        )
    )
    for name in tables:
        connection.execute(
            text(
                f"CREATE TRIGGER {WRITES} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {name} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {WRITES}()"
            )
        )


def _commit_mark(app) -> str:
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                if app not in _counted:
                    _count_writes(connection, _digested_tables())
                    _counted.add(app)
                return connection.execute(text(POSTGRES_MARK)).scalar()
        if app not in _marks:
            _marks[app] = sqlite3.connect(db.engine.url.database, isolation_level=None, check_same_thread=False)
        # Changes whenever another connection (the app's) commits to the file.
        return str(_marks[app].execute("PRAGMA data_version").fetchone()[0])


def _forget(app) -> None:
    _digests.pop(app, None)
    _counted.discard(app)
    if app in _marks:
        _marks.pop(app).close()


def _digested_tables() -> list[str]:
    skip = {LoginAttempt.__tablename__, "sign_in"}
    return [table.name for table in db.metadata.sorted_tables if table.name not in skip]


def _digest(app) -> str:
    tables = _digested_tables()
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            # One round trip: the server digests each table's rows.
            union = " UNION ALL ".join(
                f"SELECT '{name}', md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {name} t"
                for name in tables
            )
            return repr(db.session.execute(text(union)).all())
        digest = sha256()
        cursor = db.session.connection().connection.cursor()  # the driver's own rows: no per-row ORM cost
        for name in tables:
            digest.update(repr(cursor.execute(f"SELECT * FROM {name} ORDER BY 1").fetchall()).encode())
        cursor.close()
        return digest.hexdigest()


MESSAGE = re.compile(r'class="(form-errors|error)"')


def _explains(response) -> bool:
    """A refusal says why: a form's errors, a field's error, or an error page with its own message."""
    if response.headers.get("X-Message"):
        return True
    body = response.get_data(as_text=True)
    if MESSAGE.search(body):
        return True
    match = re.search(r'<section class="card narrow error-page">.*?</h1>\s*<p>(.*?)</p>', body, re.S)
    return bool(match and match.group(1).strip())


def _messages(response) -> list[str]:
    body = response.get_data(as_text=True)
    found = re.findall(r'class="error">(.*?)<|class="form-errors"[^>]*>\s*<p>(.*?)</p>', body)
    return [a or b for a, b in found] or [response.headers.get("X-Message", "")]


def _judge(problems, label, response, before, after, must_refuse=False) -> None:
    status = response.status_code
    if MARKUP.lower() in response.get_data(as_text=True).lower():  # a code field may upper-case it
        problems.append(f"{label}: the input comes back as markup ({status})")
    if status >= 500:
        problems.append(f"{label}: {status}")
    elif status >= 400 and before != after:
        problems.append(f"{label}: refused with {status} but data changed")
    elif must_refuse and status < 400:
        problems.append(f"{label}: accepted ({status})")
    elif status == 422 and not _explains(response):
        problems.append(f"{label}: 422 without a message")


def _shape(name: str) -> str:
    return re.sub(r"\d+", "N", name)


# The tests


def test_every_form_is_shown_to_someone_who_may_send_it(site):
    missing = [
        f"{rule.endpoint} ({rule.rule})"
        for rule in site.app.url_map.iter_rules()
        if "POST" in rule.methods
        and rule.endpoint not in NOT_SENT | SCRIPT_ENDPOINTS
        and _sender(site, rule.endpoint) is None
    ]
    assert not missing, (
        "no page shows these forms to a person allowed to send them: give the demo data a record in that "
        "state, or add a form to STATES:\n" + "\n".join(missing)
    )


def _test_fields(form: Form) -> list:
    """The fields to try one by one: one of each shape (item-38-result stands for every item-N-result; a
    number field with a range and one without are two shapes)."""
    shapes, fields = set(), []
    for name, spec in form.fields.items():
        shape = _shape_of(spec)
        if name != "csrf_token" and shape not in shapes:
            shapes.add(shape)
            fields.append(spec)
    return fields


def _shape_of(spec) -> tuple:
    return _shape(spec.name), bool(spec.minimum), bool(spec.maximum)


def _takes_a_number_or_choice(spec) -> bool:
    """Fields where a person cannot type free text: numbers, ids, dates, choices, hidden values."""
    return spec.numeric or spec.type in ("hidden", "select", "radio", "checkbox", "button", "date", "datetime-local")


def test_every_form_field_refuses_hostile_values_without_an_error(site):
    problems = []
    before = _snapshot(site.app)
    for (endpoint, method), _seen in sorted(site.forms.items()):
        if method != "POST" or endpoint in NOT_SENT or _sender(site, endpoint) is None:
            continue  # a form nobody may send is reported by the coverage test
        login, _first = _sender(site, endpoint)
        tried = set()
        for form in (form for who, form in _seen if who == login):
            fields = [spec for spec in _test_fields(form) if _shape_of(spec) not in tried]
            if fields:  # a form of the same route with fields of other shapes (another checklist's items)
                tried |= {_shape_of(spec) for spec in fields}
                before = _try_fields(site, problems, endpoint, login, form, fields, before)
    assert not problems, "\n".join(problems)


def _try_fields(site, problems, endpoint, login, form, fields, before):
    """Send `form` once per hostile value of each of `fields`; judge every answer."""
    attempts = []  # (label, values, files, must_refuse)
    # Number fields first, then the other fields that take no free text: an odd value there may be read
    # as a default (an unknown "intent" as "submit") and use the form up for the attempts after it.
    for group, must_refuse in ((MUST_REFUSE_IN_NUMBERS, True), (ODD_NUMBERS, False)):
        for spec in sorted(fields, key=lambda spec: not spec.numeric):
            if spec.is_file or not _takes_a_number_or_choice(spec):
                continue
            for value in group + ([too_precise(spec)] if must_refuse else []):
                attempts.append((f"{spec.name}={value[:12]!r}", {spec.name: value}, {}, must_refuse and spec.numeric))
    texts = [spec.name for spec in fields if not spec.is_file and not _takes_a_number_or_choice(spec)]
    for value in [*ODD_TEXT, HUGE, "1e-30"]:
        attempts.append((f"every text field={value[:12]!r}", dict.fromkeys(texts, value), {}, False))
    # The same as an htmx request, whose error answers are fragments htmx may swap in as HTML.
    attempts.append(("every text field=markup (htmx)", {**dict.fromkeys(texts, MARKUP), HTMX: "1"}, {}, False))
    for spec in fields:
        if spec.is_file:
            for filename, content in HOSTILE_FILES.items():
                attempts.append((f"{spec.name}={filename}", {}, {spec.name: (content, filename)}, False))
    for label, changes, hostile_files, must_refuse in attempts:
        values = {**_valid_values(site, endpoint, form), **changes}
        headers = {"HX-Request": "true"} if values.pop(HTMX, None) else {}
        files = _files_for(endpoint, form)
        files.update({name: (io.BytesIO(content), filename) for name, (content, filename) in hostile_files.items()})
        response = _send(site, login, endpoint, form, values, files, **headers)
        after = _snapshot(site.app)
        _judge(problems, f"{endpoint} {label} as {login}", response, before, after, must_refuse=must_refuse)
        before = after
    # The same form sent untouched by its person is not refused for who they are.
    response = _send(site, login, endpoint, form, _valid_values(site, endpoint, form), _files_for(endpoint, form))
    if response.status_code in (401, 403):
        problems.append(f"{endpoint} untouched as {login}: {response.status_code} (the test never reaches it)")
    return _snapshot(site.app)


def test_every_page_takes_odd_query_arguments_without_an_error(site):
    problems = []
    for _endpoint, seen in sorted(site.pages.items()):
        login, url, names = seen[0]
        client = site.clients[login]
        queries = [{name: value} for name in names for value in ODD_QUERY] + RESERVED_QUERY
        before, refused = _snapshot(site.app), []
        for query in queries:
            response = client.get(url.split("?")[0], query_string=query, headers={"Accept-Language": "en"})
            label = f"GET {url} {str(query)[:60]} as {login}"
            if response.status_code >= 500:
                problems.append(f"{label}: {response.status_code}")
            elif SCRIPT_ADDRESS.search(response.get_data(as_text=True)):
                problems.append(f"{label}: a javascript: address is on the page")
            if response.status_code >= 400:
                refused.append((label, query))
        if refused and _snapshot(site.app) != before:
            # Something changed (a page may record a reading): was it a refused request? Ask them again one by one.
            for label, query in refused:
                before = _snapshot(site.app)
                client.get(url.split("?")[0], query_string=query)
                if _snapshot(site.app) != before:
                    problems.append(f"{label}: refused, but data changed")
    assert not problems, "\n".join(problems)


def _a_value_for(converter) -> object:
    """A value the converter accepts, for the arguments of an address that are not ids (a file format)."""
    return sorted(converter.items)[0] if isinstance(converter, AnyConverter) else "x"


def test_every_address_with_an_id_no_row_can_have_is_not_found(site):
    problems = []
    for rule in site.app.url_map.iter_rules():
        int_args = [name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]
        if not int_args or rule.endpoint in NOT_BROWSED:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            permission = site.app.view_functions[rule.endpoint].required_permission
            role = next(r for r in SENDER_ORDER if permission == "public" or r in PERMISSIONS[permission])
            client = site.clients[BROWSERS[role]]
            before = _snapshot(site.app)
            for huge in HUGE_IDS:
                values = {name: _a_value_for(conv) for name, conv in rule._converters.items()}
                url = rule.build(values | dict.fromkeys(int_args, huge), append_unknown=False)[1]
                if method == "GET":
                    response = client.get(url)
                else:
                    response = client.post_form(url, {"client_id": str(uuid.uuid4()), "name": "x"})
                if response.status_code != 404:
                    problems.append(f"{method} {url} as {BROWSERS[role]}: {response.status_code}")
            if _snapshot(site.app) != before:
                problems.append(f"{method} {rule.rule}: data changed")
    assert not problems, "\n".join(problems)


def test_every_form_about_a_row_of_another_branch_is_refused_with_valid_values(site):
    """Someone of the same role in another branch sends, with valid values, a form shown to a BJ-FT person:
    about a BJ-FT row (in its address, or named in a field from the options BJ-FT's page offered). It is
    refused and changes nothing. So is a technician's form sent by a colleague of the same branch."""
    problems = []
    for (endpoint, method), _seen in sorted(site.forms.items()):
        if method != "POST" or endpoint in NOT_SENT or _sender(site, endpoint) is None:
            continue
        login, form = _sender(site, endpoint)
        role = site.role_of(login)
        rule_args = set(site.app.url_map.bind("localhost").match(form.action.split("?")[0], method="POST")[1])
        row_fields = {
            name: next(o for o in spec.options if o.isdigit())
            for name, spec in form.fields.items()
            if name in ROW_FIELDS and any(o.isdigit() for o in spec.options)
        }
        names_a_row = bool(rule_args & branch_row_params() or row_fields)
        outsiders = [ELSEWHERE_PEOPLE[role]] if role in ELSEWHERE_PEOPLE and names_a_row else []
        if role == Role.TECHNICIAN and rule_args & own_row_params():
            outsiders.append("tech2")
        for outsider in outsiders:
            values = {**_valid_values(site, endpoint, form), **row_fields}
            before = _snapshot(site.app)
            response = site.clients[outsider].post_form(
                form.action, {**values, **_files_for(endpoint, form)}, headers={"Accept-Language": "en"}
            )
            if not 400 <= response.status_code < 500:
                problems.append(f"{endpoint} {form.action} {row_fields} as {outsider}: {response.status_code}")
            elif _snapshot(site.app) != before:
                problems.append(f"{endpoint} {form.action} as {outsider}: refused, but data changed")
    assert not problems, "\n".join(problems)


def test_every_field_naming_a_row_refuses_one_of_another_branch(site):
    """A BJ-FT person sends their form with valid values but names, in one field, a row only another
    branch's page offers (its technician, its store, its job): refused, nothing changes."""
    problems = []
    for (endpoint, method), seen in sorted(site.forms.items()):
        if method != "POST" or endpoint in NOT_SENT or _sender(site, endpoint) is None:
            continue
        login, form = _sender(site, endpoint)
        theirs = [other for who, other in seen if who in ELSEWHERE_PEOPLE.values()]
        for name, spec in form.fields.items():
            offered = {o for other in theirs if name in other.fields for o in other.fields[name].options}
            foreign = sorted(o for o in offered if o.isdigit() and o not in spec.options)
            if name not in ROW_FIELDS or not foreign:
                continue
            values = {**_valid_values(site, endpoint, form), name: foreign[0]}
            before = _snapshot(site.app)
            response = _send(site, login, endpoint, form, values, _files_for(endpoint, form))
            if not 400 <= response.status_code < 500:
                problems.append(f"{endpoint} {name}={foreign[0]} (another branch's) as {login}: {response.status_code}")
            elif _snapshot(site.app) != before:
                problems.append(f"{endpoint} {name}={foreign[0]} as {login}: refused, but data changed")
    assert not problems, "\n".join(problems)


def test_signing_in_takes_hostile_input_without_an_error(site):
    client = site.app.test_client()
    for value in [*MUST_REFUSE_IN_NUMBERS, *ODD_TEXT]:
        for name in ("login", "password", "remember"):
            data = {"login": "tech", "password": "wrong", name: value}
            response = client.post_form("/login", data, query_string={"next": value})
            assert 400 <= response.status_code < 500, (name, value[:12])
