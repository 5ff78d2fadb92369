"""Generated from the app's routes: every export sends only rows its reader may see.

For each route that serves a file (its URL ends in .csv or .xlsx), for each role as a person of one
branch and as one without a branch, with no filter and with ?branch= set to every other branch: each
row of the CSV is looked up by the key its export declares, and must lie within the reader's reach
(access/scoping.py). A new export is covered without touching this file; the last test shows the
check catches an export that forgets scoping.
"""

import csv
import dataclasses
import io

import pytest
from sqlalchemy import select

from intranet import exporting
from intranet.access import scoping
from intranet.auth.models import User
from intranet.branches.models import Branch
from intranet.extensions import db
from intranet.jobs.models import Job
from tests.test_scoping import ACTOR_LOGINS, _client_for, _id_params, world  # noqa: F401 (world is a fixture)

READERS = [*ACTOR_LOGINS.values(), "manager.hd", *(f"nobranch.{role}" for role in ACTOR_LOGINS)]


def _export_rules(app):
    return [rule for rule in app.url_map.iter_rules() if "file_format" in rule.arguments]


def _urls(app, rule, actor) -> list[str]:
    """The rule's CSV address with every id argument set to a row the reader may see (none: skipped)."""
    params = _id_params()
    values = {"file_format": "csv"}
    for name in rule.arguments - {"file_format"}:
        model = params[name]
        row_id = db.session.scalar(select(model.id).where(scoping.visible(actor, model)).order_by(model.id))
        if row_id is None:
            return []
        values[name] = row_id
    url = rule.build(values, append_unknown=False)[1]
    others = [b for b in db.session.scalars(select(Branch.id)) if b != actor.branch_id]
    return [url, *(f"{url}?branch={b}" for b in others)]


def _export_named_in(response) -> exporting.ListExport:
    disposition = response.headers["Content-Disposition"]
    name = disposition.split('filename="')[1].rsplit("-", 2)[0]
    return exporting.by_name(name)


def leaks(client, actor, url) -> tuple[list[str], int]:
    """(rows of `url`'s export that `actor` may not see, rows checked)."""
    response = client.get(url)
    if response.status_code != 200:
        return [], 0
    export = _export_named_in(response)
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))[1:]
    found = []
    for row in rows:
        key = tuple(int(value) for value in row[: len(export.key)])
        obj = db.session.get(export.model, key if len(key) > 1 else key[0])
        if obj is None or not scoping.allows(actor, obj):
            found.append(f"{url}: {export.model.__name__} {key}")
    return found, len(rows)


def test_every_export_route_declares_a_registered_export(world):  # noqa: F811
    names = {export.name for export in exporting.exports()}
    assert len(_export_rules(world)) >= 8 and len(names) >= 8


@pytest.mark.parametrize("login", READERS)
def test_no_export_sends_a_row_out_of_reach(world, login):  # noqa: F811
    with world.app_context():
        actor = db.session.scalar(select(User).where(User.login == login))
        client = _client_for(world, actor)
        leaked, checked = [], 0
        for rule in _export_rules(world):
            for url in _urls(world, rule, actor):
                found, rows = leaks(client, actor, url)
                leaked += found
                checked += rows
        db.session.commit()
    assert leaked == []
    if login in ("manager", "manager.hd"):
        assert checked > 20, "the demo gives a manager rows in the exports: the check must see some"


def test_the_check_catches_an_export_that_forgets_scoping(world, monkeypatch):  # noqa: F811
    from intranet.jobs import views

    forgetful = dataclasses.replace(views.JOBS, rows=lambda actor, args: select(Job).order_by(Job.id))
    monkeypatch.setattr(views, "JOBS", forgetful)
    with world.app_context():
        actor = db.session.scalar(select(User).where(User.login == "manager"))
        found, _rows = leaks(_client_for(world, actor), actor, "/jobs/export.csv")
        db.session.commit()
    assert found, "an unscoped export must be caught"
