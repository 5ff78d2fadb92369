"""Scoring without a database: hand-computed cases from the credit-union manual's rules, and properties."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from intranet.inspections.scoring import (
    DEDUCTION,
    FAIL,
    NOT_APPLICABLE,
    PASS,
    PASS_FAIL,
    Answer,
    ItemRule,
    SectionRule,
    score,
)

D = Decimal

# Two sections of the manual, 10 points each: language (0.5 a person-time), quality (2 a person-time).
LANGUAGE = SectionRule(1, D(10), (ItemRule(11, DEDUCTION, D("0.5")), ItemRule(12, PASS_FAIL, D(1))))
QUALITY = SectionRule(2, D(10), (ItemRule(21, DEDUCTION, D(2)),))


def test_three_language_violations_and_one_quality_violation():
    result = score([LANGUAGE, QUALITY], {11: Answer(count=3), 12: Answer(PASS), 21: Answer(count=1)})
    language, quality = result.sections
    assert (language.deducted, language.score) == (D("1.5"), D("8.5"))
    assert (quality.deducted, quality.score) == (D(2), D(8))
    assert result.total == D("16.5")
    assert result.max_total == D(20)


def test_a_failed_check_deducts_its_points_and_not_applicable_none():
    assert score([LANGUAGE], {12: Answer(FAIL)}).total == D(9)
    assert score([LANGUAGE], {12: Answer(NOT_APPLICABLE)}).total == D(10)


def test_deductions_are_capped_at_the_sections_maximum():
    # Six quality errors would be 12 points: the section bottoms out at 0, the other is untouched.
    result = score([LANGUAGE, QUALITY], {21: Answer(count=6), 11: Answer(count=1)})
    assert [s.score for s in result.sections] == [D("9.5"), D(0)]
    assert result.total == D("9.5")


def test_no_answers_is_full_marks():
    assert score([LANGUAGE, QUALITY], {}).total == D(20)


item_rules = st.builds(
    ItemRule,
    key=st.integers(1, 10_000),
    kind=st.sampled_from([PASS_FAIL, DEDUCTION, "number", "text", "photo"]),
    points=st.sampled_from([D("0.2"), D("0.3"), D("0.5"), D(1), D(2), D(0)]),
)
sections = st.lists(
    st.builds(
        SectionRule,
        key=st.integers(1, 1000),
        max_points=st.sampled_from([D(0), D(4), D(10), D("12.5")]),
        items=st.lists(item_rules, max_size=8, unique_by=lambda i: i.key).map(tuple),
    ),
    min_size=1,
    max_size=5,
)
answer = st.builds(Answer, result=st.sampled_from([PASS, FAIL, NOT_APPLICABLE, None]), count=st.integers(0, 999))


@settings(deadline=None)  # a shared two-core machine: timing is not what this test is about
@given(sections=sections, data=st.data())
def test_score_stays_between_zero_and_the_maximum_whatever_the_answers_and_their_order(sections, data):
    keys = sorted({item.key for section in sections for item in section.items})
    answers = {key: data.draw(answer) for key in keys}
    result = score(sections, answers)
    assert D(0) <= result.total <= result.max_total
    for section in result.sections:
        assert D(0) <= section.score <= section.max_points
    shuffled = data.draw(st.permutations(list(answers.items())))
    assert score(sections, dict(shuffled)) == result
