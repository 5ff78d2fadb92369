"""Form pieces shared by every module."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import ValidationError


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
        if self.data not in {value for value, _label in self.choices}:
            raise ValidationError(_l("Not a valid choice."))
