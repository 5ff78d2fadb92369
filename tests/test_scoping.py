"""Generated from the app's routes and the scoping registry: nobody reaches another branch's rows.

The world is the demo data (several branches of every kind of record). For each role, as a person of
one branch and as one without a branch: no list shows a link to a row of another branch, and every
route that names such a row by id answers 403 or 404 and changes nothing. A new route or a newly
registered model is covered without touching this file; a model that belongs to a branch but is not
registered fails here, and so does a registered one the demo data does not place in two branches.
"""

import re
import uuid
from collections import defaultdict
from hashlib import sha256

import pytest
from sqlalchemy import ForeignKey, select, text
from werkzeug.routing import IntegerConverter

from intranet import create_app
from intranet.access import scoping
from intranet.access.roles import Role
from intranet.access.scoping import Reach
from intranet.auth.models import User
from intranet.branches.models import Branch
from intranet.extensions import db
from tests.conftest import Client
from tests.demo_world import demo_world

HOME_BRANCH = "BJ-FT"  # the demo branch whose people are the actors
ACTOR_LOGINS = {
    Role.MANAGER: "manager",
    Role.RECEPTIONIST: "reception",
    Role.TECHNICIAN: "tech",
    Role.STOREKEEPER: "store",
}
NOT_LISTS = {"static", "offline.service_worker", "auth.csrf_token", "main.healthz", "auth.login"}
SAMPLES_PER_MODEL = 2


# The registry against the models and the routes


def _models():
    return [mapper.class_ for mapper in db.Model.registry.mappers]


def _belongs_to_a_branch(model) -> bool:
    return any(
        isinstance(fk, ForeignKey) and fk.column.table.name == "branch"
        for column in model.__table__.columns
        for fk in column.foreign_keys
    )


def _id_params() -> dict[str, type]:
    params = {}
    for entry in [*scoping.scopes(), *scoping.unscoped_models()]:
        if entry.id_param:
            assert entry.id_param not in params, f"two models claim the URL parameter {entry.id_param}"
            params[entry.id_param] = entry.model
    return params


def test_every_model_of_a_branch_is_registered_and_every_id_in_a_url_is_known():
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        registered = {scope.model for scope in scoping.scopes()}
        unscoped = {entry.model for entry in scoping.unscoped_models()}
        of_a_branch = {model.__name__ for model in _models() if _belongs_to_a_branch(model)}
        assert {model.__name__ for model in unscoped} & of_a_branch == set(), "a branch's rows cannot be unscoped"
        assert of_a_branch - {model.__name__ for model in registered} == set(), "register these with scoping"
        params = _id_params()
        unknown = {
            f"{rule.rule} <{name}>"
            for rule in app.url_map.iter_rules()
            for name, converter in rule._converters.items()
            if isinstance(converter, IntegerConverter) and name not in params
        }
        assert unknown == set(), "every id in a URL names a model registered (or declared unscoped) with scoping"


# The demo world, on both databases


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory):
    yield from demo_world(request.param, tmp_path_factory, "scoping", PAGE_SIZE=1000)  # every row on one page


def _rows_by_branch(model) -> dict[int, list]:
    rows = defaultdict(list)
    for row in db.session.scalars(select(model).order_by(model.id)):
        branch_id = scoping.branch_of(row)
        if branch_id is not None:
            rows[branch_id].append(row)
    return rows


def _forbidden(actor) -> dict[type, list]:
    """The rows, per model, that lie outside `actor`'s reach by branch (none of a model they see whole)."""
    forbidden = {}
    for scope in scoping.scopes():
        if scope.id_param is None or (scope.branch is None and scope.branch_of is None):
            continue
        if scope.rows is None and scope.allows is None and scope.reach(Role(actor.role), None) == Reach.ALL:
            continue  # company-wide by design for this role (the front desk's customers)
        by_branch = _rows_by_branch(scope.model)
        forbidden[scope.model] = [
            row for branch_id, rows in by_branch.items() if branch_id != actor.branch_id for row in rows
        ]
    return forbidden


def test_the_demo_places_every_scoped_model_in_two_branches(world):
    with world.app_context():
        thin = [
            scope.model.__name__
            for scope in scoping.scopes()
            if scope.id_param and (scope.branch or scope.branch_of) and len(_rows_by_branch(scope.model)) < 2
        ]
    assert thin == [], "give these demo rows in a second branch, so the scoping test can see them"


def _actors() -> list[User]:
    home = [db.session.scalar(select(User).where(User.login == login)) for login in ACTOR_LOGINS.values()]
    branchless = list(db.session.scalars(select(User).where(User.login.like("nobranch.%"))))
    return [*home, *branchless]


def _client_for(app, user) -> Client:
    client = app.test_client()
    client.login(user)
    return client


def _detail_urls(app, model, row_id: int) -> set[str]:
    """Every GET address of the app that names this one row."""
    param = scoping.scope_of(model).id_param
    return {
        rule.build({param: row_id}, append_unknown=False)[1]
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and set(rule.arguments) == {param}
    }


PATHS = re.compile(r"/[A-Za-z0-9_\-/.]*\d")


@pytest.mark.parametrize("login", [*ACTOR_LOGINS.values(), *(f"nobranch.{role}" for role in ACTOR_LOGINS)])
def test_no_list_shows_another_branchs_rows(world, login):
    with world.app_context():
        actor = db.session.scalar(select(User).where(User.login == login))
        assert actor is not None and (actor.branch is None or actor.branch.code == HOME_BRANCH)
        forbidden_urls = {
            url: f"{model.__name__} {row.id}"
            for model, rows in _forbidden(actor).items()
            for row in rows
            for url in _detail_urls(world, model, row.id)
        }
        other_branches = [b for b in db.session.scalars(select(Branch.id)) if b != actor.branch_id]
        client = _client_for(world, actor)
        shown = []
        for rule in world.url_map.iter_rules():
            if rule.arguments or "GET" not in rule.methods or rule.endpoint in NOT_LISTS:
                continue
            queries = ["", *(f"?branch={b}" for b in other_branches)]
            for query in queries:
                response = client.get(rule.rule + query)
                if response.status_code != 200:
                    continue
                leaked = set(PATHS.findall(response.get_data(as_text=True))) & forbidden_urls.keys()
                shown += [f"{rule.rule}{query} shows {forbidden_urls[url]} ({url})" for url in sorted(leaked)]
    assert shown == []


def _snapshot() -> str:
    digest = sha256()
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(text(f"SELECT * FROM {table.name} ORDER BY 1")):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def _routes_naming(app, param: str):
    for rule in app.url_map.iter_rules():
        if param in rule.arguments:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


@pytest.mark.parametrize("login", [*ACTOR_LOGINS.values(), *(f"nobranch.{role}" for role in ACTOR_LOGINS)])
def test_no_route_shows_or_changes_another_branchs_row(world, login):
    with world.app_context():
        actor = db.session.scalar(select(User).where(User.login == login))
        client = _client_for(world, actor)
        params = _id_params()
        any_row = {param: db.session.scalar(select(model.id).order_by(model.id)) for param, model in params.items()}
        before = _snapshot()
        reached = []
        for model, rows in _forbidden(actor).items():
            param = scoping.scope_of(model).id_param
            for row in rows[:SAMPLES_PER_MODEL]:
                for rule, method in _routes_naming(world, param):
                    values = {name: any_row[name] for name in rule.arguments} | {param: row.id}
                    url = rule.build(values, append_unknown=False)[1]
                    if method == "GET":
                        response = client.get(url)
                    else:
                        response = client.post_form(url, {"client_id": str(uuid.uuid4()), "confirm": "yes"})
                    if response.status_code not in (403, 404):
                        reached.append(f"{method} {url} ({model.__name__} of another branch): {response.status_code}")
        db.session.commit()
        assert reached == []
        assert _snapshot() == before, "a refused request changed data"
