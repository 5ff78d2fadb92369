"""The running score in Chromium is the server's score: inspection.js evaluates the rules the fill page renders.

The fill page comes from the app (its data-score-rules), the evaluator from static/js/inspection.js; for
random answers the browser's sections, total and failed items must equal scoring.py's, for capped
sections and for the credit-union manual's uncapped ones with "at least" items and a share of the total.
"""

import random
from decimal import Decimal

import pytest

from intranet import PROJECT_ROOT
from intranet.access.roles import Role
from intranet.inspections import scoring, service
from tests.conftest import score_rules_in

pytestmark = pytest.mark.e2e

# Small sections, so deductions often reach the cap; checks and counts worth nothing, which fail or not.
TIGHT = [
    (
        "接待",
        "1.5",
        [
            {"kind": "deduction", "text": "未问候", "points": "0.5"},
            {"kind": "pass_fail", "text": "未登记", "points": "1"},
            {"kind": "pass_fail", "text": "未提醒", "points": "0"},
        ],
    ),
    (
        "现场",
        "4",
        [
            {"kind": "deduction", "text": "工具乱放", "points": "0.3"},
            {"kind": "deduction", "text": "仅记录", "points": "0"},
            {"kind": "number", "text": "温度", "min_value": "10", "max_value": "30"},
            {"kind": "photo", "text": "现场照片"},
        ],
    ),
]

# The credit-union manual's rules: sections not capped, a deduction of at least 1, a share of the total.
CREDIT_UNION = [
    (
        "语言",
        "2",
        [
            {"kind": "deduction", "text": "未问候", "points": "0.5"},
            {"kind": "pass_fail", "text": "未提醒", "points": "1"},
        ],
        False,
    ),
    (
        "纪律",
        "3",
        [
            {"kind": "entered", "text": "擅自离岗", "at_least": "1"},
            {"kind": "deduction", "text": "吃零食", "points": "0.3", "at_least": "1"},
        ],
        False,
    ),
    (
        "质量",
        "4",
        [
            {"kind": "deduction", "text": "操作差错", "points": "2"},
            {"kind": "share", "text": "隐瞒差错", "min_value": "50", "max_value": "100"},
        ],
        True,
    ),
]

EVALUATE = """([rules, answerSets]) => answerSets.map((answers) => {
  const result = window.intranet.scoreChecklist(rules, (key, field) => (answers[key] || {})[field] ?? "");
  return {
    total: result.total,
    sections: Object.fromEntries(Array.from(result.sections, ([key, score]) => [key, score])),
    failed: Array.from(result.failed).sort((a, b) => a - b),
  };
})"""


@pytest.fixture
def evaluator(browser):
    """A blank page running inspection.js, whose evaluator is window.intranet.scoreChecklist."""
    context = browser.new_context()
    page = context.new_page()
    page.add_script_tag(path=str(PROJECT_ROOT / "static" / "js" / "inspection.js"))

    def evaluate(rules, answer_sets):
        return page.evaluate(EVALUATE, [rules, answer_sets])

    yield evaluate
    context.close()


def random_answers(template, rng: random.Random) -> dict:
    answers = {}
    for item in template.items:
        if item.kind == "pass_fail":
            answers[item.id] = {"result": rng.choice(["pass", "fail", "na", ""])}
        elif item.kind == "deduction":
            answers[item.id] = {"count": rng.choice(["", "0", "1", "2", "3", "7", "25"])}
        elif item.kind == "entered":
            # 0.5 is below the item's minimum: the form refuses it, the rule still deducts 1 on both sides.
            answers[item.id] = {"points": rng.choice(["", "0", "0.5", "1", "1.5", "3"])}
        elif item.kind == "share":
            # Whole tens: the share of a total in tenths stays in hundredths, so floats round alike.
            answers[item.id] = {"number": rng.choice(["", "0", "50", "60", "80", "100"])}
    return answers


def _decimal(text: str):
    return Decimal(text) if text else None


def server_score(template, answers: dict):
    given = {
        key: scoring.Answer(
            fields.get("result") or None,
            int(fields.get("count") or 0),
            _decimal(fields.get("points", "")),
            _decimal(fields.get("number", "")),
        )
        for key, fields in answers.items()
    }
    rules = service.rules_of(template)
    failed = sorted(
        item.key for section in rules for item in section.items if scoring.is_failed(item, given.get(item.key))
    )
    return scoring.score(rules, given), failed


def points(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


@pytest.mark.parametrize("sections", [None, TIGHT, CREDIT_UNION], ids=["manual", "tight", "credit-union"])
def test_the_browser_preview_equals_the_server_score(
    client, make_template, make_inspection, make_user, evaluator, sections
):
    template = make_template(sections=sections)
    technician = make_user(Role.TECHNICIAN)
    inspection = make_inspection(template=template, inspector=technician)
    client.login(technician)
    rules = score_rules_in(client.get(f"/inspections/{inspection.id}/fill"))
    rng = random.Random(11)
    answer_sets = [random_answers(template, rng) for _ in range(300)]
    for answers, browser in zip(answer_sets, evaluator(rules, answer_sets), strict=True):
        server, failed = server_score(template, answers)
        assert points(browser["total"]) == server.total, answers
        assert {int(k): points(v) for k, v in browser["sections"].items()} == {s.key: s.score for s in server.sections}
        assert browser["failed"] == failed, answers


def test_the_manuals_rules_evaluate_in_the_browser_as_computed_by_hand(evaluator):
    # An uncapped section, an item that deducts at least 1 point, and a failed check that halves the total.
    rules = {
        "sections": [
            {"key": 1, "max": "10", "cap": None, "items": [{"key": 11, "points": "0.5", "per": {"field": "count"}}]},
            {
                "key": 2,
                "max": "20",
                "cap": "20",
                "items": [{"key": 21, "points": "1", "per": {"field": "points"}, "at_least": "1"}],
            },
        ],
        "shares": [{"item": 31, "per": {"field": "result", "equals": "fail"}, "share": "0.5"}],
    }
    answers = {11: {"count": "25"}, 21: {"points": "0.5"}, 31: {"result": "fail"}}
    [result] = evaluator(rules, [answers])
    # 10 - 12.5 = -2.5; 20 - max(0.5, 1) = 19; (-2.5 + 19) x 0.5 = 8.25
    assert result["sections"] == {"1": -2.5, "2": 19}
    assert result["total"] == 8.25
    assert result["failed"] == [11, 21, 31]  # the share that applied fails its item too
