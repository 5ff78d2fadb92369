"""Form pieces shared by every module."""

import dataclasses
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

# NUL and other control characters: PostgreSQL refuses NUL outright, and none belongs in a form.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Form(FlaskForm):
    """Base of every form: refuses control characters with a message instead of failing at the database."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field.data, str) and _CONTROL_CHARACTERS.search(field.data):
                field.errors = [*field.errors, _l("This contains characters that cannot be stored.")]
                valid = False
        return valid


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the option objects WTForms 3.3+ expects."""
    return [SelectChoice(value, label) for value, label in pairs]


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value


class OptionalIntSelectField(SelectField):
    """A <select> of ids where the empty choice means None; anything not an id is a clear error."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce", self._coerce)
        kwargs.setdefault("validate_choice", True)
        super().__init__(*args, **kwargs)

    @staticmethod
    def _coerce(value):
        if value in (None, "", "None"):
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            return -1  # not among the choices: pre_validate reports it

    def pre_validate(self, form):
        if self.data is None:
            if self.flags.required:  # the empty "— choose —" option is offered, never accepted
                raise ValidationError(_l("Choose one of the options."))
            return
        if self.data not in {choice.value for choice in self.choices}:
            raise ValidationError(_l("Not a valid choice."))


def form_data(form, data_class, **given):
    """The service's data class filled from the form's fields of the same names.

    A field left empty (None or "") gives the class's default, so an optional text arrives as ""
    and an optional password as None; so does a name the form lacks (a field removed for this
    user). `given` values win: a number parsed from its text, a local time turned into UTC.
    """
    values = {}
    for spec in dataclasses.fields(data_class):
        if spec.name in given or spec.name not in form:
            continue
        value = form[spec.name].data
        if value in (None, "") and spec.default is not dataclasses.MISSING:
            continue
        values[spec.name] = value
    return data_class(**values, **given)


def form_status(form) -> int:
    """The status of a page showing `form`: 200 when first opened, else the error's (422 by default)."""
    if not form.is_submitted():
        return 200
    return getattr(form, "error_status", 422)


@dataclass(frozen=True)
class Upload:
    """A file sent with a form, read into memory (each file is capped by MAX_UPLOAD_BYTES)."""

    data: bytes
    filename: str = ""


def uploaded(storage) -> Upload | None:
    """The file of a file field, or None when the field was left empty."""
    if storage is None or not storage.filename:
        return None
    return Upload(storage.read(), storage.filename)
