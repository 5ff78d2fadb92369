"""Scores from answers: pure functions over plain values, so they are tested without a database.

Per section, the deductions (points for a failed check, points x count for a counted violation) are
capped at the section's maximum: a section never goes below zero. The total is the sum of sections.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

PASS_FAIL = "pass_fail"
DEDUCTION = "deduction"
NUMBER = "number"
TEXT = "text"
PHOTO = "photo"
KINDS = (PASS_FAIL, DEDUCTION, NUMBER, TEXT, PHOTO)

PASS, FAIL, NOT_APPLICABLE = "pass", "fail", "na"


@dataclass(frozen=True)
class ItemRule:
    key: int
    kind: str
    points: Decimal = Decimal(0)


@dataclass(frozen=True)
class SectionRule:
    key: int
    max_points: Decimal
    items: tuple[ItemRule, ...]


@dataclass(frozen=True)
class Answer:
    result: str | None = None  # pass / fail / na, for pass_fail items
    count: int = 0  # violations found, for deduction items


@dataclass(frozen=True)
class SectionScore:
    key: int
    max_points: Decimal
    deducted: Decimal  # after the cap
    score: Decimal


@dataclass(frozen=True)
class Score:
    sections: tuple[SectionScore, ...]

    @property
    def total(self) -> Decimal:
        return sum((s.score for s in self.sections), Decimal(0))

    @property
    def max_total(self) -> Decimal:
        return sum((s.max_points for s in self.sections), Decimal(0))


def item_deduction(item: ItemRule, answer: Answer | None) -> Decimal:
    if answer is None:
        return Decimal(0)
    if item.kind == PASS_FAIL and answer.result == FAIL:
        return item.points
    if item.kind == DEDUCTION and answer.count > 0:
        return item.points * answer.count
    return Decimal(0)


def is_failed(item: ItemRule, answer: Answer | None) -> bool:
    """A failure opens a corrective action: a failed check or at least one violation counted."""
    return item_deduction(item, answer) > 0 or (answer is not None and item.kind == PASS_FAIL and answer.result == FAIL)


def score_section(section: SectionRule, answers: Mapping[int, Answer]) -> SectionScore:
    raw = sum((item_deduction(item, answers.get(item.key)) for item in section.items), Decimal(0))
    deducted = min(raw, section.max_points)
    return SectionScore(section.key, section.max_points, deducted, section.max_points - deducted)


def score(sections: Iterable[SectionRule], answers: Mapping[int, Answer]) -> Score:
    return Score(tuple(score_section(section, answers) for section in sections))
