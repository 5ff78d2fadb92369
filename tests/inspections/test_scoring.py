"""Scoring without a database: hand-computed cases from the credit-union manual's rules, and properties."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from intranet.inspections.scoring import (
    DEDUCTION,
    ENTERED,
    FAIL,
    NOT_APPLICABLE,
    PASS,
    PASS_FAIL,
    SHARE,
    Answer,
    ItemRule,
    SectionRule,
    is_failed,
    item_deduction,
    item_rule,
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


# The credit-union manual's own rules: sections not capped, "at least 1 point", a share for a hidden error.
UNCAPPED_LANGUAGE = SectionRule(1, D(10), LANGUAGE.items, capped=False)
UNCAPPED_QUALITY = SectionRule(2, D(10), (ItemRule(21, DEDUCTION, D(2)), ItemRule(22, SHARE)), capped=False)
DISCIPLINE = SectionRule(3, D(10), (item_rule(31, ENTERED, D(0), at_least=D(1)),), capped=False)


def test_an_uncapped_section_deducts_every_occurrence():
    # 25 language lapses at 0.5: 12.5 deducted, the section at -2.5; a capped one would stop at 10.
    [language] = score([UNCAPPED_LANGUAGE], {11: Answer(count=25)}).sections
    assert (language.deducted, language.score) == (D("12.5"), D("-2.5"))
    [capped] = score([LANGUAGE], {11: Answer(count=25)}).sections
    assert (capped.deducted, capped.score) == (D(10), D(0))
    # 7 quality errors at 2: 14, not 10.
    assert score([UNCAPPED_QUALITY], {21: Answer(count=7)}).sections[0].deducted == D(14)


def test_an_entered_deduction_is_what_the_inspector_entered_and_never_less_than_its_minimum():
    rule = DISCIPLINE.items[0]
    assert item_deduction(rule, Answer(points=D(2))) == D(2)
    assert item_deduction(rule, Answer(points=D("1.5"))) == D("1.5")
    assert item_deduction(rule, Answer(points=D("0.5"))) == D(1)  # the form refuses it; the rule still holds
    assert item_deduction(rule, Answer(points=None)) == D(0) and not is_failed(rule, Answer())
    assert score([DISCIPLINE], {31: Answer(points=D(3))}).total == D(7)


def test_the_hidden_error_share_takes_its_percent_of_the_total():
    sections = [UNCAPPED_LANGUAGE, UNCAPPED_QUALITY, DISCIPLINE]
    answers = {11: Answer(count=3), 22: Answer(number=D(50))}
    result = score(sections, answers)
    # (30 - 1.5) halved: 14.25; the sections keep their own scores.
    assert [s.score for s in result.sections] == [D("8.5"), D(10), D(10)]
    assert result.total == D("14.25")
    assert [(share.key, share.percent, share.deducted) for share in result.shares] == [(22, D(50), D("14.25"))]
    assert is_failed(UNCAPPED_QUALITY.items[1], answers[22])
    assert score(sections, {22: Answer(number=D(100))}).total == D(0)
    assert score(sections, {22: Answer(number=D(0))}).total == D(30)


def test_two_shares_take_their_percents_one_after_the_other():
    sections = [SectionRule(1, D(20), (ItemRule(1, SHARE), ItemRule(2, SHARE)))]
    assert score(sections, {1: Answer(number=D(50)), 2: Answer(number=D(50))}).total == D(5)


item_rules = st.builds(
    ItemRule,
    key=st.integers(1, 10_000),
    kind=st.sampled_from([PASS_FAIL, DEDUCTION, ENTERED, SHARE, "number", "text", "photo"]),
    points=st.sampled_from([D("0.2"), D("0.3"), D("0.5"), D(1), D(2), D(0)]),
    at_least=st.sampled_from([None, D("0.5"), D(1)]),
)


def sections_of(capped):
    return st.lists(
        st.builds(
            SectionRule,
            key=st.integers(1, 1000),
            max_points=st.sampled_from([D(0), D(4), D(10), D("12.5")]),
            items=st.lists(item_rules, max_size=8, unique_by=lambda i: i.key).map(tuple),
            capped=capped,
        ),
        min_size=1,
        max_size=5,
    )


answer = st.builds(
    Answer,
    result=st.sampled_from([PASS, FAIL, NOT_APPLICABLE, None]),
    count=st.integers(0, 999),
    points=st.sampled_from([None, D(0), D("0.5"), D(1), D("2.75"), D(40)]),
    number=st.sampled_from([None, D(0), D(50), D("62.5"), D(100)]),
)


@settings(deadline=None)  # a shared two-core machine: timing is not what this test is about
@given(sections=sections_of(st.just(True)), data=st.data())
def test_a_capped_score_stays_between_zero_and_the_maximum_whatever_the_answers_and_their_order(sections, data):
    keys = sorted({item.key for section in sections for item in section.items})
    answers = {key: data.draw(answer) for key in keys}
    result = score(sections, answers)
    assert D(0) <= result.total <= result.max_total
    for section in result.sections:
        assert D(0) <= section.score <= section.max_points
    shuffled = data.draw(st.permutations(list(answers.items())))
    assert score(sections, dict(shuffled)) == result


@settings(deadline=None)
@given(sections=sections_of(st.booleans()), data=st.data())
def test_no_section_and_no_total_ever_exceeds_its_maximum_and_only_uncapped_ones_go_below_zero(sections, data):
    keys = sorted({item.key for section in sections for item in section.items})
    answers = {key: data.draw(answer) for key in keys}
    result = score(sections, answers)
    assert result.total <= result.max_total
    for rule, section in zip(sections, result.sections, strict=True):
        assert section.score <= section.max_points
        assert section.score >= 0 or not rule.capped
        raw = sum((item_deduction(item, answers.get(item.key)) for item in rule.items), D(0))
        assert section.deducted == (min(raw, rule.max_points) if rule.capped else raw)
