"""Filing a visit report over HTTP: photos, signature, idempotency, and bad input that saves nothing."""

import io
import re
import threading
import uuid
from datetime import date, timedelta

import pytest
from PIL import Image

from intranet.access.roles import Role
from intranet.attachments.models import Attachment
from intranet.db_types import utcnow
from intranet.jobs.models import Job, JobEvent, VisitReport
from intranet.timezones import LOCAL_INPUT_FORMAT
from tests.conftest import image_bytes, page_text


def local(moment) -> str:
    # The test app shows times in Asia/Shanghai, as the form's datetime-local inputs expect.
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Asia/Shanghai")).strftime(LOCAL_INPUT_FORMAT)


# One moment for every form built here: two copies of a submission must be byte-identical, even when
# the clock passes a minute between building them.
VISIT_ENDED = utcnow().replace(second=0, microsecond=0) - timedelta(minutes=5)


def report_form(client_id=None, photos=2, signature=True, **overrides):
    now = VISIT_ENDED
    data = {
        "client_id": client_id or str(uuid.uuid4()),
        "arrived_at": local(now - timedelta(hours=1)),
        "left_at": local(now),
        "fault_found": "点火针积碳,无法点火",
        "cause": "燃气中杂质多",
        "action_taken": "清洁点火针,更换密封圈,试机正常",
        "result": "fixed",
        "warranty_status": "in_warranty",
        "parts-0-part_code": "SEAL-22",
        "parts-0-description": "密封圈",
        "parts-0-quantity": "2",
        "satisfaction": "5",
        "customer_comment": "师傅很细心",
        "photos": [(io.BytesIO(image_bytes((2000, 1500))), f"IMG_{n}.jpg") for n in range(photos)],
    }
    if signature:
        data["signature"] = (io.BytesIO(image_bytes((600, 200), "PNG", (255, 255, 255))), "signature.png")
    data.update(overrides)
    return data


@pytest.fixture
def technician(make_user):
    return make_user(Role.TECHNICIAN, login="zhang.wei", name="张伟")


@pytest.fixture(autouse=True)
def van_with_seals(technician, make_part, make_store, stock):
    """Report parts come from the catalogue and leave the technician's van: put SEAL-22 in it."""
    seal = make_part(code="SEAL-22", name="密封圈")
    van = make_store("van", technician=technician, name="张伟的车")
    stock(van, seal, 10)
    return van


@pytest.fixture
def tech_client(client, technician):
    client.login(technician)
    return client


@pytest.fixture
def job(make_job, technician):
    return make_job(technician=technician)


def post_report(client, job, data, **headers):
    return client.post_form(
        f"/jobs/{job.id}/report", data, content_type="multipart/form-data", headers={"Accept-Language": "en", **headers}
    )


def nothing_saved(db_session, job):
    db_session.commit()  # a fresh snapshot: the requests committed in other sessions
    return (
        db_session.query(VisitReport).count() == 0
        and db_session.query(Attachment).count() == 0
        and db_session.get(Job, job.id).status == "assigned"
    )


def test_report_with_photos_and_signature_marks_the_job_done(tech_client, job, db_session, app):
    response = post_report(tech_client, job, report_form())
    assert response.status_code == 303
    report = db_session.query(VisitReport).one()
    stored = db_session.get(Job, job.id)
    assert stored.status == "done" and stored.callback_due_at is not None
    assert [p.part_code for p in report.parts] == ["SEAL-22"] and report.parts[0].quantity == 2
    photos = db_session.query(Attachment).filter_by(kind="photo").all()
    assert len(photos) == 2 and all(p.content_type == "image/jpeg" for p in photos)
    signature = db_session.get(Attachment, report.signature_id)
    assert signature.content_type == "image/png"
    assert "reported" in [event.kind for event in db_session.query(JobEvent).filter_by(job_id=job.id)]
    page = tech_client.get(f"/jobs/{job.id}", headers={"Accept-Language": "en"})
    assert "Visit report" in page_text(page) and f"/attachments/{photos[0].id}/thumbnail" in page.get_data(True)


def test_the_same_client_id_twice_makes_one_report(tech_client, job, db_session):
    data = report_form()
    first = post_report(tech_client, job, data)
    again = post_report(tech_client, job, report_form(client_id=data["client_id"]))
    assert first.status_code == again.status_code == 303
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    assert db_session.query(VisitReport).count() == 1
    assert db_session.query(Attachment).count() == 3


def test_concurrent_copies_of_one_submission_make_one_report(app, technician, job, db_session):
    """Four copies of the same submission at once (a tablet retrying while the first is still running)."""
    clients = [app.test_client() for _ in range(4)]
    for client in clients:
        client.login(technician)
    client_id = str(uuid.uuid4())
    bodies = [report_form(client_id=client_id) for _ in clients]
    tokens = [client.csrf_token() for client in clients]
    job_id = job.id
    start = threading.Barrier(len(clients))
    answers = [None] * len(clients)

    def send(n):
        start.wait()
        answers[n] = clients[n].post(
            f"/jobs/{job_id}/report",
            data=bodies[n],
            content_type="multipart/form-data",
            headers={"X-CSRFToken": tokens[n]},
        )

    threads = [threading.Thread(target=send, args=(n,)) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [answer.status_code for answer in answers] == [303] * len(clients)
    assert sum(answer.headers.get("Idempotent-Replayed") == "true" for answer in answers) == len(clients) - 1
    db_session.commit()  # a fresh snapshot: the requests committed in other sessions
    assert db_session.query(VisitReport).count() == 1
    assert db_session.query(Attachment).count() == 3  # two photos and a signature, once


def test_a_second_report_for_a_done_job_is_a_conflict(tech_client, job, db_session):
    post_report(tech_client, job, report_form())
    second = post_report(tech_client, job, report_form())
    assert second.status_code == 409
    assert db_session.query(VisitReport).count() == 1


def test_after_filing_the_form_is_read_only_for_the_technician(tech_client, job):
    post_report(tech_client, job, report_form())
    response = tech_client.get(f"/jobs/{job.id}/report")
    assert response.status_code == 302 and response.headers["Location"] == f"/jobs/{job.id}"


def test_oversized_photo_is_refused_and_nothing_saved(app, tech_client, job, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", 1024 * 1024)
    photo = io.BytesIO()
    Image.effect_noise((1000, 1000), 100).convert("RGB").save(photo, "PNG")  # noise does not compress
    assert len(photo.getvalue()) > 1024 * 1024
    photo.seek(0)
    response = post_report(tech_client, job, report_form(photos=0) | {"photos": [(photo, "huge.png")]})
    assert response.status_code == 422
    assert "huge.png is larger than 1 MB." in page_text(response)
    assert nothing_saved(db_session, job)


def test_a_file_that_is_not_an_image_is_refused_whatever_its_name(tech_client, job, db_session):
    fake = (io.BytesIO(b"%PDF-1.4 this is not a photo"), "IMG_0001.jpg")
    response = post_report(tech_client, job, report_form(photos=0) | {"photos": [fake]})
    assert response.status_code == 422
    assert "This file is not an image we can read." in page_text(response)
    assert nothing_saved(db_session, job)


def test_a_decompression_bomb_is_refused(tech_client, job, db_session):
    bomb = io.BytesIO()
    Image.new("L", (10_000, 10_000)).save(bomb, "PNG")  # ~100 KB on disk, 100 megapixels decoded
    bomb.seek(0)
    response = post_report(tech_client, job, report_form(photos=0) | {"photos": [(bomb, "bomb.png")]})
    assert response.status_code == 422
    assert "This image has too many pixels to be stored." in page_text(response)
    assert nothing_saved(db_session, job)


def test_leaving_before_arriving_is_refused(tech_client, job, db_session):
    now = utcnow()
    response = post_report(
        tech_client, job, report_form(arrived_at=local(now), left_at=local(now - timedelta(hours=2)))
    )
    assert response.status_code == 422
    assert "The time you left cannot be before the time you arrived." in page_text(response)
    assert nothing_saved(db_session, job)


def test_satisfaction_must_be_one_to_five(tech_client, job, db_session):
    response = post_report(tech_client, job, report_form(satisfaction="7"))
    assert response.status_code == 422
    assert "Not a valid choice" in page_text(response)
    assert nothing_saved(db_session, job)


def test_fractional_and_negative_quantities_are_refused(tech_client, job, db_session):
    for quantity in ("2.5", "-1", "0"):
        response = post_report(tech_client, job, report_form(**{"parts-0-quantity": quantity}))
        assert response.status_code == 422, quantity
    assert nothing_saved(db_session, job)


def test_missing_signature_is_asked_for(tech_client, job, db_session):
    response = post_report(tech_client, job, report_form(signature=False))
    assert response.status_code == 422
    assert "Ask the customer to sign" in page_text(response)
    assert nothing_saved(db_session, job)


def test_a_technician_cannot_report_on_someone_elses_job(client, make_user, job, db_session):
    client.login(make_user(Role.TECHNICIAN, login="li.ming"))
    response = post_report(client, job, report_form())
    assert response.status_code == 403
    assert nothing_saved(db_session, job)


def test_the_same_client_id_on_another_job_is_a_conflict(tech_client, job, make_job, technician, db_session):
    data = report_form()
    post_report(tech_client, job, data)
    other = make_job(technician=technician)
    response = post_report(tech_client, other, report_form(client_id=data["client_id"]))
    assert response.status_code == 409
    assert db_session.get(Job, other.id).status == "assigned"


def test_follow_up_needed_opens_the_next_job(tech_client, job, db_session):
    post_report(tech_client, job, report_form(follow_up_needed="y", result="needs_parts"))
    follow_up = db_session.query(Job).filter_by(follow_up_of_id=job.id).one()
    assert follow_up.status == "assigned" and follow_up.source == "follow_up"
    assert follow_up.assigned_to_id == job.assigned_to_id


def test_photos_and_thumbnails_only_for_those_who_may_see_the_job(app, tech_client, job, db_session, make_user):
    post_report(tech_client, job, report_form(photos=1))
    photo = db_session.query(Attachment).filter_by(kind="photo").one()
    full = tech_client.get(f"/attachments/{photo.id}")
    assert full.status_code == 200 and full.mimetype == "image/jpeg"
    thumb = tech_client.get(f"/attachments/{photo.id}/thumbnail")
    assert thumb.status_code == 200 and "immutable" in thumb.headers["Cache-Control"]
    assert max(Image.open(io.BytesIO(thumb.data)).size) <= 320
    assert (
        tech_client.get(
            f"/attachments/{photo.id}/thumbnail", headers={"If-None-Match": thumb.headers["ETag"]}
        ).status_code
        == 304
    )
    other = app.test_client()
    other.login(make_user(Role.TECHNICIAN, login="someone.else"))
    assert other.get(f"/attachments/{photo.id}").status_code == 403
    manager = app.test_client()
    manager.login(make_user(Role.MANAGER))
    assert manager.get(f"/attachments/{photo.id}/thumbnail").status_code == 200


# The warranty status at the visit: one declared field, on the form, the report, the print and the correction.


def test_the_form_asks_the_warranty_status_preselected_from_the_equipment(
    tech_client, technician, make_job, make_equipment
):
    covered = make_job(technician=technician, equipment_id=make_equipment(warranty_end=date(2099, 1, 1)).id)
    expired = make_job(technician=technician, equipment_id=make_equipment(warranty_end=date(2020, 1, 1)).id)
    unknown = make_job(technician=technician)

    def checked(job) -> list[str]:
        page = tech_client.get(f"/jobs/{job.id}/report", headers={"Accept-Language": "en"}).get_data(True)
        assert "Warranty status at the visit" in page and "Paid service" in page
        radios = re.findall(r'<input[^>]*name="warranty_status"[^>]*>', page)
        return [re.search(r'value="(\w+)"', radio).group(1) for radio in radios if " checked" in radio]

    assert checked(covered) == ["in_warranty"]
    assert checked(expired) == ["out_of_warranty"]
    assert checked(unknown) == []


def test_a_report_without_the_warranty_status_is_refused_and_saves_nothing(tech_client, job, db_session):
    data = report_form()
    del data["warranty_status"]
    response = post_report(tech_client, job, data)
    assert response.status_code == 422
    assert "Warranty status at the visit" in page_text(response)
    assert nothing_saved(db_session, job)


def test_the_warranty_status_is_shown_on_the_report_and_its_print(tech_client, job, db_session, make_user, client):
    assert post_report(tech_client, job, report_form(warranty_status="paid_service")).status_code == 303
    assert db_session.query(VisitReport).one().warranty_status == "paid_service"
    for url in (f"/jobs/{job.id}", f"/jobs/{job.id}/report/print"):
        text = page_text(tech_client.get(url, headers={"Accept-Language": "en"}))
        assert "Warranty status at the visit Paid service (upgrade, training, software)" in text
    chinese = page_text(tech_client.get(f"/jobs/{job.id}", headers={"Accept-Language": "zh-CN"}))
    assert "上门时的保修状态 有偿服务" in chinese


def test_a_manager_corrects_the_warranty_status(app, tech_client, job, db_session, make_user):
    assert post_report(tech_client, job, report_form(warranty_status="in_warranty")).status_code == 303
    report = db_session.query(VisitReport).one()
    manager = app.test_client()
    manager.login(make_user(Role.MANAGER))
    form = manager.get(f"/jobs/{job.id}/report/correct", headers={"Accept-Language": "en"}).get_data(True)
    assert "<select" in form and 'name="warranty_status"' in form
    body = {name: getattr(report, name) for name in ("fault_found", "cause", "action_taken", "result")}
    response = manager.post_form(
        f"/jobs/{job.id}/report/correct",
        body | {"warranty_status": "out_of_warranty", "reason": "保修已过期", "version": str(report.version)},
    )
    assert response.status_code == 303
    db_session.refresh(report)
    assert report.warranty_status == "out_of_warranty"
    assert "warranty_status" in db_session.query(JobEvent).filter_by(kind="corrected").one().detail
def test_a_filed_report_reaches_the_callback_list_after_the_configured_delay(
    app, tech_client, job, make_user, db_session, monkeypatch
):
    """The front desk calls the customer back CALLBACK_DELAY_DAYS after the visit (回访), not before."""
    monkeypatch.setitem(app.config, "CALLBACK_DELAY_DAYS", 3)
    assert post_report(tech_client, job, report_form(photos=0)).status_code == 303
    stored = db_session.get(Job, job.id)
    assert stored.callback_due_at - stored.done_at == timedelta(days=3)
    desk = app.test_client()
    desk.login(make_user(Role.RECEPTIONIST))
    assert stored.reference not in page_text(desk.get("/callbacks"))  # the visit was minutes ago
    stored.callback_due_at = utcnow() - timedelta(minutes=1)  # three days later
    db_session.commit()
    assert stored.reference in page_text(desk.get("/callbacks"))
