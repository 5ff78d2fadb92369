"""Scores from answers: pure functions over plain values, so they are tested without a database.

An item deducts its points times its measure: 1 for a failed check, the count for a violation counted
per occurrence, the points entered for a deduction the inspector weighs (never less than its
`at_least`, the manual's "at least 1 point"). A capped section's deductions stop at its maximum, so it
never goes below zero; an uncapped one deducts for every occurrence (the credit-union manual's rule)
and may. The total is the sum of the sections, then each share item that applies takes its percent of
what is left (the manual's "an error hidden costs 50-100 % of the score").
The browser's running score evaluates the same rules, handed to it as data by `preview_rules`.
"""

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal

PASS_FAIL = "pass_fail"
DEDUCTION = "deduction"
ENTERED = "entered"
SHARE = "share"
NUMBER = "number"
TEXT = "text"
PHOTO = "photo"
KINDS = (PASS_FAIL, DEDUCTION, ENTERED, SHARE, NUMBER, TEXT, PHOTO)
CHARGEABLE = (DEDUCTION, ENTERED)  # kinds whose deduction may be charged to a person

PASS, FAIL, NOT_APPLICABLE = "pass", "fail", "na"
CENT = Decimal("0.01")
PERCENT = Decimal("0.01")  # a share item's measure is a percent of the total


@dataclass(frozen=True)
class ItemRule:
    key: int
    kind: str
    points: Decimal = Decimal(0)  # per unit of the item's measure
    at_least: Decimal | None = None  # a deduction that applies is never less than this


@dataclass(frozen=True)
class SectionRule:
    key: int
    max_points: Decimal
    items: tuple[ItemRule, ...]
    capped: bool = True  # deductions stop at max_points


@dataclass(frozen=True)
class Answer:
    result: str | None = None  # pass / fail / na, for pass_fail items
    count: int = 0  # violations found, for deduction items
    points: Decimal | None = None  # the deduction entered, for entered items
    number: Decimal | None = None  # the percent of the total, for share items (and a number item's reading)


@dataclass(frozen=True)
class SectionScore:
    key: int
    max_points: Decimal
    deducted: Decimal  # after the cap, if any
    score: Decimal


@dataclass(frozen=True)
class ShareScore:
    key: int  # the share item
    percent: Decimal
    deducted: Decimal  # points of the total it took


@dataclass(frozen=True)
class Score:
    sections: tuple[SectionScore, ...]
    shares: tuple[ShareScore, ...]
    total: Decimal  # the sections' sum after the shares, in hundredths

    @property
    def max_total(self) -> Decimal:
        return sum((s.max_points for s in self.sections), Decimal(0))


@dataclass(frozen=True)
class Measure:
    """How much of an answer an item's points are deducted for: 1 when `field` holds `equals`, else its number.

    `field` names an Answer attribute, which is also the fill form's field (item-<id>-<field>).
    """

    field: str
    equals: str | None = None

    def of(self, answer: Answer):
        value = getattr(answer, self.field)
        if self.equals is not None:
            return int(value == self.equals)
        return max(value, 0) if value is not None else 0


# Per kind of item, what its points are multiplied by; the other kinds deduct nothing from a section.
MEASURES = {PASS_FAIL: Measure("result", equals=FAIL), DEDUCTION: Measure("count"), ENTERED: Measure("points")}
# Per kind, the measure whose every unit takes PERCENT of the total.
SHARES = {SHARE: Measure("number")}


def item_rule(key: int, kind: str, points: Decimal, at_least: Decimal | None = None) -> ItemRule:
    """A template item's rule: an entered deduction is its own points (1 per point entered)."""
    return ItemRule(key, kind, Decimal(1) if kind == ENTERED else Decimal(points), at_least)


def _times(measures: dict, item: ItemRule, answer: Answer | None):
    measure = measures.get(item.kind)
    return measure.of(answer) if measure is not None and answer is not None else 0


def item_deduction(item: ItemRule, answer: Answer | None) -> Decimal:
    times = _times(MEASURES, item, answer)
    if not times:
        return Decimal(0)
    return max(item.points * times, item.at_least or Decimal(0))


def share_percent(item: ItemRule, answer: Answer | None) -> Decimal:
    """The percent of the total a share item takes (0 when it does not apply or is not a share)."""
    return Decimal(_times(SHARES, item, answer))


def is_failed(item: ItemRule, answer: Answer | None) -> bool:
    """A failure opens a corrective action: a failed check (even one worth no points), a deduction, a share."""
    measure = MEASURES.get(item.kind)
    failed_check = measure is not None and measure.equals is not None and answer is not None and measure.of(answer) > 0
    return failed_check or item_deduction(item, answer) > 0 or share_percent(item, answer) > 0


def score_section(section: SectionRule, answers: Mapping[int, Answer]) -> SectionScore:
    raw = sum((item_deduction(item, answers.get(item.key)) for item in section.items), Decimal(0))
    deducted = min(raw, section.max_points) if section.capped else raw
    return SectionScore(section.key, section.max_points, deducted, section.max_points - deducted)


def score(sections: Iterable[SectionRule], answers: Mapping[int, Answer]) -> Score:
    sections = list(sections)
    scored = tuple(score_section(section, answers) for section in sections)
    total = sum((s.score for s in scored), Decimal(0))
    shares = []
    for item in (item for section in sections for item in section.items):
        percent = share_percent(item, answers.get(item.key))
        if percent:
            taken = total * percent * PERCENT
            total -= taken
            shares.append(ShareScore(item.key, percent, taken.quantize(CENT, ROUND_HALF_UP)))
    return Score(scored, tuple(shares), total.quantize(CENT, ROUND_HALF_UP))


def preview_rules(sections: Iterable[SectionRule]) -> dict:
    """The rules as plain data for the browser's running score (static/js/inspection.js evaluates them).

    A section has its maximum and its cap: deductions stop at the cap (null: they do not stop). An item
    deducts `points` times its measure (`per`, null for kinds that deduct nothing from a section), and at
    least `at_least` when that measure is above zero; `shares` ({item, per, share}) each take `share`
    times the measure of the total, in order, after the sections are summed.
    """
    sections = list(sections)
    return {
        "sections": [
            {
                "key": section.key,
                "max": str(section.max_points),
                "cap": str(section.max_points) if section.capped else None,
                "items": [
                    {
                        "key": item.key,
                        "kind": item.kind,
                        "points": str(item.points),
                        "per": asdict(MEASURES[item.kind]) if item.kind in MEASURES else None,
                        "at_least": str(item.at_least) if item.at_least else None,
                    }
                    for item in section.items
                ],
            }
            for section in sections
        ],
        "shares": [
            {"item": item.key, "per": asdict(SHARES[item.kind]), "share": str(PERCENT)}
            for section in sections
            for item in section.items
            if item.kind in SHARES
        ],
    }
