"""The flask commands: seed-demo (idempotent) and create-user."""

from sqlalchemy import func, select

from intranet.auth.models import User
from intranet.customers.models import Customer, Equipment
from intranet.demo import DEMO_PASSWORD


def test_seed_demo_loads_everything_once(app, db_session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "demo1234" in first.output and "reception" in first.output
    counts = [db_session.scalar(select(func.count()).select_from(t)) for t in (User, Customer, Equipment)]
    assert all(count > 0 for count in counts)
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert "0 branches, 0 users, 0 customers, 0 sites, 0 equipment, 0 jobs" in second.output
    assert [db_session.scalar(select(func.count()).select_from(t)) for t in (User, Customer, Equipment)] == counts


def test_seed_demo_if_empty_leaves_a_used_database_alone(app, db_session, make_user):
    make_user()
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert "not loaded" in result.output
    assert db_session.scalar(select(func.count()).select_from(Customer)) == 0


def test_demo_users_can_sign_in(app, db_session):
    app.test_cli_runner().invoke(args=["seed-demo"])
    client = app.test_client()
    client.login(User(login="tech"), password=DEMO_PASSWORD)
    assert "张伟" in client.get("/").get_data(as_text=True)
    assert "壁挂炉打不着火" in client.get("/today").get_data(as_text=True)  # the demo has work waiting


def test_create_user_command(app, db_session, branch):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-user",
            "wang.fang",
            "--name",
            "王芳",
            "--role",
            "receptionist",
            "--branch",
            branch.code.lower(),
            "--password",
            "front-desk-1",
        ]
    )
    assert result.exit_code == 0, result.output
    assert db_session.scalar(select(User).where(User.login == "wang.fang")).branch_id == branch.id
    again = runner.invoke(
        args=[
            "create-user",
            "wang.fang",
            "--name",
            "王芳",
            "--role",
            "receptionist",
            "--branch",
            branch.code,
            "--password",
            "front-desk-1",
        ]
    )
    assert again.exit_code != 0 and "already taken" in again.output
    bad = runner.invoke(
        args=[
            "create-user",
            "x",
            "--name",
            "x",
            "--role",
            "technician",
            "--branch",
            "NOPE",
            "--password",
            "front-desk-1",
        ]
    )
    assert bad.exit_code != 0 and "no branch" in bad.output
