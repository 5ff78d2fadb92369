"""The stock ledger: balances always equal the sum of moves, never go negative, and the last unit goes once."""

import threading
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from intranet.access.roles import Role
from intranet.errors import Invalid
from intranet.extensions import db
from intranet.parts import ledger
from intranet.parts.models import LowStock, StockBalance, StockMove


@pytest.fixture
def keeper(make_user):
    return make_user(Role.STOREKEEPER, login="keeper")


@pytest.fixture
def stores(make_store, make_user):
    warehouse = make_store(name="丰台仓库")
    vans = [make_store("van", technician=make_user(Role.TECHNICIAN), name=f"车 {n}") for n in range(2)]
    return [warehouse, *vans]


def test_receipt_issue_and_the_sum_of_moves(db_session, keeper, stores, make_part):
    warehouse, van, _ = stores
    part = make_part()
    ledger.post_move(keeper, "receipt", part, 5, to_store=warehouse)
    ledger.post_move(keeper, "issue", part, 3, from_store=warehouse, to_store=van)
    ledger.post_move(keeper, "issue", part, 1, from_store=van)  # used on a job
    db_session.commit()
    assert ledger.balance(warehouse.id, part.id) == 2 == ledger.ledger_sum(warehouse.id, part.id)
    assert ledger.balance(van.id, part.id) == 2 == ledger.ledger_sum(van.id, part.id)


def test_taking_more_than_is_there_is_refused_and_changes_nothing(db_session, keeper, stores, make_part):
    warehouse, van, _ = stores
    part = make_part(code="IGN-07")
    ledger.post_move(keeper, "receipt", part, 2, to_store=warehouse)
    with pytest.raises(Invalid, match="Not enough IGN-07"):
        ledger.post_move(keeper, "issue", part, 3, from_store=warehouse, to_store=van)
    db_session.commit()
    assert ledger.balance(warehouse.id, part.id) == 2
    assert ledger.balance(van.id, part.id) == 0
    assert db_session.query(StockMove).count() == 1


@pytest.mark.parametrize("quantity", [0, -1, Decimal("1.5")])
def test_zero_negative_and_fractional_whole_units_are_refused(db_session, keeper, stores, make_part, quantity):
    part = make_part(whole_units=True)
    with pytest.raises(Invalid):
        ledger.post_move(keeper, "receipt", part, quantity, to_store=stores[0])


def test_a_divisible_part_takes_fractions(db_session, keeper, stores, make_part):
    oil = make_part(whole_units=False, unit="升")
    ledger.post_move(keeper, "receipt", oil, Decimal("2.5"), to_store=stores[0])
    ledger.post_move(keeper, "scrap", oil, Decimal("0.75"), from_store=stores[0])
    assert ledger.balance(stores[0].id, oil.id) == Decimal("1.75")


def test_a_move_needs_the_right_ends(db_session, keeper, stores, make_part):
    part = make_part()
    with pytest.raises(Invalid):
        ledger.post_move(keeper, "receipt", part, 1, from_store=stores[0])
    with pytest.raises(Invalid):
        ledger.post_move(keeper, "transfer", part, 1, from_store=stores[0], to_store=stores[0])


def test_falling_under_the_minimum_raises_one_low_stock_event_until_refilled(db_session, keeper, stores, make_part):
    warehouse, van, _ = stores
    part = make_part(min_stock=Decimal(5))
    ledger.post_move(keeper, "receipt", part, 6, to_store=warehouse)
    assert db_session.query(LowStock).count() == 0
    ledger.post_move(keeper, "issue", part, 2, from_store=warehouse, to_store=van)
    ledger.post_move(keeper, "issue", part, 1, from_store=warehouse, to_store=van)
    events = db_session.query(LowStock).all()
    assert len(events) == 1 and events[0].quantity == 4 and events[0].resolved_at is None
    ledger.post_move(keeper, "receipt", part, 10, to_store=warehouse)
    assert events[0].resolved_at is not None


# Property: any sequence of moves keeps every balance equal to the ledger and never negative.

QUANTITIES = st.sampled_from(
    [Decimal(n) for n in (1, 2, 3, 5)] + [Decimal("0.5"), Decimal("1.25"), Decimal(0), Decimal(-1)]
)
MOVES = st.lists(
    st.tuples(
        st.sampled_from(["receipt", "issue", "transfer", "return", "adjustment+", "adjustment-", "scrap", "use"]),
        st.integers(0, 2),  # from
        st.integers(0, 2),  # to
        st.integers(0, 1),  # which part: whole units or divisible
        QUANTITIES,
    ),
    max_size=25,
)


def _ends(kind, a, b, stores):
    if kind == "receipt":
        return None, stores[a]
    if kind in ("issue", "transfer", "return"):
        return stores[a], stores[b]
    if kind == "adjustment+":
        return None, stores[a]
    return stores[a], None  # adjustment-, scrap, use (an issue onto a job)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=MOVES)
def test_any_sequence_of_moves_keeps_stock_equal_to_the_ledger_and_never_negative(
    db_session, keeper, stores, make_part, moves
):
    parts = [make_part(whole_units=True), make_part(whole_units=False)]
    expected = {(s.id, p.id): Decimal(0) for s in stores for p in parts}
    for kind, a, b, which, quantity in moves:
        part = parts[which]
        source, target = _ends(kind, a, b, stores)
        ledger_kind = {"adjustment+": "adjustment", "adjustment-": "adjustment", "use": "issue"}.get(kind, kind)
        fractional = quantity != quantity.to_integral_value()
        should_fail = (
            quantity <= 0
            or (part.whole_units and fractional)
            or (source is not None and target is not None and source.id == target.id)
            or (source is not None and expected[(source.id, part.id)] < quantity)
        )
        moves_before = db.session.query(StockMove).count()
        try:
            ledger.post_move(keeper, ledger_kind, part, quantity, from_store=source, to_store=target)
        except Invalid:
            assert should_fail, (kind, quantity)
            assert db.session.query(StockMove).count() == moves_before  # a refused move changes nothing
        else:
            assert not should_fail, (kind, quantity)
            if source is not None:
                expected[(source.id, part.id)] -= quantity
            if target is not None:
                expected[(target.id, part.id)] += quantity
        for (store_id, part_id), quantity_expected in expected.items():
            on_hand = ledger.balance(store_id, part_id)
            assert on_hand == quantity_expected == ledger.ledger_sum(store_id, part_id)
            assert on_hand >= 0
    db.session.commit()


def test_two_concurrent_issues_of_the_last_unit_exactly_one_succeeds(app, db_session, keeper, stores, make_part):
    """Against PostgreSQL: the second issue waits on the first one's row lock, then finds nothing left."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the race is a PostgreSQL matter: SQLite lets one writer in at a time")
    warehouse, van_a, van_b = stores
    part = make_part(code="LAST-1")
    ledger.post_move(keeper, "receipt", part, 1, to_store=warehouse)
    db_session.commit()
    ids = {"part": part.id, "warehouse": warehouse.id, "keeper": keeper.id}
    first_holds_the_lock = threading.Event()
    second_started = threading.Event()
    outcomes = {}

    def issue(name, van_id):
        from intranet.auth.models import User
        from intranet.parts.models import Part, Store

        with app.app_context():
            try:
                session = db.session
                actor = session.get(User, ids["keeper"])
                source, target = session.get(Store, ids["warehouse"]), session.get(Store, van_id)
                the_part = session.get(Part, ids["part"])
                if name == "second":
                    first_holds_the_lock.wait(5)
                    second_started.set()
                ledger.post_move(actor, "issue", the_part, 1, from_store=source, to_store=target)
                if name == "first":
                    first_holds_the_lock.set()
                    second_started.wait(5)
                    # Give the second issue time to reach the row and block on it before we commit.
                    threading.Event().wait(0.5)
                session.commit()
                outcomes[name] = "issued"
            except Invalid as error:
                session.rollback()
                outcomes[name] = error.message
            finally:
                first_holds_the_lock.set()

    threads = [
        threading.Thread(target=issue, args=("first", van_a.id)),
        threading.Thread(target=issue, args=("second", van_b.id)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(outcomes) == ["first", "second"]
    assert list(outcomes.values()).count("issued") == 1, outcomes
    assert "Not enough LAST-1" in outcomes["second"]
    db_session.commit()
    assert ledger.balance(warehouse.id, part.id) == 0 == ledger.ledger_sum(warehouse.id, part.id)
    balances = db_session.scalars(select(StockBalance).where(StockBalance.part_id == part.id)).all()
    assert sum(b.quantity for b in balances) == 1


def test_two_issues_racing_from_a_barrier_never_oversell(app, db_session, keeper, stores, make_part):
    """Both start together, in whichever order the database lets them: one unit, one issue."""
    warehouse, van_a, van_b = stores
    part = make_part(code="LAST-2")
    ledger.post_move(keeper, "receipt", part, 1, to_store=warehouse)
    db_session.commit()
    barrier = threading.Barrier(2)
    outcomes = []

    def issue(van_id):
        from intranet.auth.models import User
        from intranet.parts.models import Part, Store

        # As in a request that posts a form: on SQLite that transaction takes the write lock up front
        # (BEGIN IMMEDIATE), so the second one waits for the first instead of failing as "locked".
        with app.test_request_context(method="POST", headers={"Accept-Language": "en"}):
            barrier.wait(5)
            session = db.session
            actor, source = session.get(User, keeper.id), session.get(Store, warehouse.id)
            target, the_part = session.get(Store, van_id), session.get(Part, part.id)
            try:
                ledger.post_move(actor, "issue", the_part, 1, from_store=source, to_store=target)
                session.commit()
                outcomes.append("issued")
            except Invalid as refusal:  # the one refusal a person should see: nothing left
                session.rollback()
                outcomes.append(refusal.message)
            except Exception as error:  # anything else ("database is locked") is a failure, not a refusal
                session.rollback()
                outcomes.append(repr(error))

    threads = [threading.Thread(target=issue, args=(van.id,)) for van in (van_a, van_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcomes.count("issued") == 1, outcomes
    refusals = [outcome for outcome in outcomes if outcome != "issued"]
    assert len(refusals) == 1 and "Not enough LAST-2" in refusals[0], outcomes
    db_session.commit()
    assert ledger.balance(warehouse.id, part.id) == 0 == ledger.ledger_sum(warehouse.id, part.id)
