"""form_data: a form's fields become a service's data class, empty optional fields its defaults."""

from dataclasses import dataclass

from wtforms import IntegerField, StringField

from intranet.forms import Form, form_data


@dataclass
class Visit:
    name: str
    floor: int | None = None
    note: str = ""
    password: str | None = None


class VisitForm(Form):
    class Meta:
        csrf = False

    name = StringField()
    floor = IntegerField()
    note = StringField()


def test_empty_optional_fields_and_fields_the_form_lacks_take_the_defaults(app):
    with app.test_request_context(method="POST", data={"name": "一层大厅", "floor": "", "note": ""}):
        data = form_data(VisitForm(), Visit)
    assert data == Visit(name="一层大厅", floor=None, note="", password=None)


def test_values_given_win_over_the_form(app):
    with app.test_request_context(method="POST", data={"name": "大厅", "floor": "3", "note": "带钥匙"}):
        data = form_data(VisitForm(), Visit, floor=4)
    assert data == Visit(name="大厅", floor=4, note="带钥匙")
