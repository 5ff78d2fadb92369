"""Customers: live search, pagination, detail with sites and equipment, create and edit."""

from datetime import date

import pytest

from intranet.access.roles import Role
from intranet.customers.models import Customer, Equipment, Site
from tests.conftest import page_text


@pytest.fixture
def reception(client, make_user):
    client.login(make_user(Role.RECEPTIONIST))
    return client


def test_live_search_finds_by_name_phone_and_site_address(reception, make_customer, make_site):
    gas = make_customer(name="华远燃气丰台营业厅", phone="010-6372 9900")
    make_site(customer=make_customer(name="顺达汽车维修"), address="花乡四合庄 88 号")
    make_customer(name="无关客户")
    by_name = reception.htmx_get("/customers?q=燃气", target="customer-results")
    assert "<html" not in by_name.get_data(as_text=True)
    assert gas.name in page_text(by_name) and "无关客户" not in page_text(by_name)
    assert "华远燃气" in page_text(reception.htmx_get("/customers?q=6372", target="customer-results"))
    assert "顺达汽车维修" in page_text(reception.htmx_get("/customers?q=四合庄", target="customer-results"))


def test_results_are_paginated(app, reception, make_customer):
    for n in range(app.config["PAGE_SIZE"] + 3):
        make_customer(name=f"分页客户 {n:02d}")
    first = reception.get("/customers?q=分页客户", headers={"Accept-Language": "en"})
    assert "Page 1 of 2" in page_text(first)
    second = reception.htmx_get(
        "/customers?q=分页客户&page=2", target="customer-results", headers={"Accept-Language": "en"}
    )
    assert page_text(second).count("分页客户") == 3


def test_nonsense_page_numbers_show_the_first_or_last_page(reception, make_customer):
    make_customer(name="唯一客户")
    for page in ("abc", "-4", "99999"):
        response = reception.get(f"/customers?page={page}")
        assert response.status_code == 200 and "唯一客户" in page_text(response)


def test_detail_shows_sites_equipment_and_warranty(reception, make_equipment):
    equipment = make_equipment(model="威能 turboTEC 燃气壁挂炉", warranty_end=date(2020, 1, 1))
    response = reception.get(f"/customers/{equipment.site.customer_id}", headers={"Accept-Language": "en"})
    text = page_text(response)
    assert equipment.site.name in text and "威能 turboTEC 燃气壁挂炉" in text and "expired" in text


def test_create_customer_then_add_site_and_equipment(reception, db_session):
    created = reception.post_form(
        "/customers/new", {"name": "北京永和物业", "kind": "company", "phone": "010-8761 0032"}
    )
    assert created.status_code == 303
    customer = db_session.query(Customer).filter_by(name="北京永和物业").one()
    site = reception.post_form(f"/customers/{customer.id}/sites/new", {"name": "3 号楼", "address": "永和路 9 号"})
    assert site.status_code == 303
    site_id = db_session.query(Site).filter_by(customer_id=customer.id).one().id
    equipment = reception.post_form(
        f"/sites/{site_id}/equipment/new",
        {
            "model": "海尔 KFR-72LW 空调",
            "serial": "haier-72lw-1",
            "installed_on": "2025-05-20",
            "warranty_end": "2028-05-19",
        },
    )
    assert equipment.status_code == 303
    assert db_session.query(Equipment).filter_by(serial="HAIER-72LW-1").one().warranty_end == date(2028, 5, 19)


def test_warranty_before_installation_is_refused(reception, make_site, db_session):
    site = make_site()
    response = reception.post_form(
        f"/sites/{site.id}/equipment/new",
        {
            "model": "X",
            "serial": "SN-1",
            "installed_on": "2025-05-20",
            "warranty_end": "2024-01-01",
        },
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert "The warranty cannot end before the installation date." in page_text(response)
    assert db_session.query(Equipment).count() == 0


def test_duplicate_serial_number_is_refused(reception, make_equipment, make_site):
    existing = make_equipment(serial="GRG-1")
    response = reception.post_form(
        f"/sites/{make_site().id}/equipment/new", {"model": "ATM", "serial": "grg-1"}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 409  # a conflict with what is stored: the form again, with the reason
    assert f"Serial number {existing.serial} is already registered." in page_text(response)


def test_edit_customer_keeps_its_branch(reception, make_customer, db_session, branch):
    customer = make_customer(name="旧名")
    response = reception.post_form(f"/customers/{customer.id}/edit", {"name": "新名", "kind": "person"})
    assert response.status_code == 303
    stored = db_session.get(Customer, customer.id)
    assert (stored.name, stored.kind, stored.branch_id) == ("新名", "person", branch.id)


def test_technicians_see_only_their_branch_customers(client, make_user, make_customer, make_branch):
    other_branch = make_branch()
    mine = make_customer(name="本网点客户")
    theirs = make_customer(name="别的网点客户", branch=other_branch)
    client.login(make_user(Role.TECHNICIAN))
    listing = page_text(client.get("/customers"))
    assert mine.name in listing and theirs.name not in listing
    assert client.get(f"/customers/{theirs.id}").status_code == 403
    assert client.get(f"/customers/{mine.id}").status_code == 200


def test_receptionists_edit_only_their_own_branch_customers(reception, make_customer, make_branch):
    theirs = make_customer(branch=make_branch())
    assert reception.get(f"/customers/{theirs.id}").status_code == 200  # the front desk may look anyone up
    assert reception.get(f"/customers/{theirs.id}/edit").status_code == 403
    assert reception.post_form(f"/customers/{theirs.id}/edit", {"name": "改", "kind": "company"}).status_code == 403


def test_admins_file_customers_under_any_branch(client, make_user, make_branch, db_session):
    other = make_branch(name="海淀维修中心")
    client.login(make_user(Role.ADMIN))
    response = client.post_form("/customers/new", {"name": "海淀客户", "kind": "company", "branch_id": str(other.id)})
    assert response.status_code == 303
    assert db_session.query(Customer).filter_by(name="海淀客户").one().branch_id == other.id
