"""Choices stored as text, each with its translated label, declared side by side.

    class JobStatus(LabelledEnum):
        OPEN = "open", _l("Open")

`JobStatus.OPEN == "open"` and `JobStatus.OPEN.label` is the label in the user's language.
"""

from enum import StrEnum


class LabelledEnum(StrEnum):
    def __new__(cls, value: str, label=None):
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label if label is not None else value
        return member

    @property
    def label(self):
        return self._label

    @classmethod
    def choices(cls, *, leave_out=()) -> list[tuple[str, object]]:
        """(value, label) pairs for a select or radio list."""
        return [(member.value, member.label) for member in cls if member not in leave_out]
