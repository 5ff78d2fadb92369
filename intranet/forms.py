"""Form pieces shared by every module."""

import re

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
        if self.data is None and not self.flags.required:
            return
        if self.data not in {choice.value for choice in self.choices}:
            raise ValidationError(_l("Not a valid choice."))
