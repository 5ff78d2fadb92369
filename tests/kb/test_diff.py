"""The revision diff: difflib's answer for ordinary edits, a complete answer for any pair, and a cost
that grows with the lines (counted in interpreted lines of Python, so no clock is involved)."""

import difflib
import random
import sys
from types import SimpleNamespace

import pytest

from intranet.kb.diff import diff_revisions
from intranet.kb.importer import DEMO_DIR


def revision(lines: list[str], title: str = "交接班"):
    return SimpleNamespace(title=title, body="\n".join(lines))


def difflib_answer(old, new) -> list[tuple]:
    """The diff as it was before the work was bounded: difflib over the whole of both revisions."""
    a, b = [f"# {old.title}", *old.body.splitlines()], [f"# {new.title}", *new.body.splitlines()]
    answer = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            answer += [("same", i1 + k + 1, j1 + k + 1, a[i1 + k]) for k in range(i2 - i1)]
            continue
        answer += [("removed", i + 1, None, a[i]) for i in range(i1, i2)]
        answer += [("added", None, j + 1, b[j]) for j in range(j1, j2)]
    return answer


def shown(old, new) -> list[tuple]:
    return [(line.kind, line.old_number, line.new_number, line.text) for line in diff_revisions(old, new)]


def edited(lines: list[str], rng: random.Random, edits: int) -> list[str]:
    """`lines` after a few edits an author makes: a reworded line, a new paragraph, lines cut, a
    paragraph moved, a blank line added."""
    new = list(lines)
    for n in range(edits):
        at = rng.randrange(len(new))
        match rng.choice(["reword", "insert", "delete", "move", "blank"]):
            case "reword":
                new[at] += "(已修订)"
            case "insert":
                new[at:at] = [f"新增的一段说明 {n}", ""]
            case "delete":
                del new[at : at + rng.randint(1, 3)]
            case "move":
                paragraph = new[at : at + 2]
                del new[at : at + 2]
                place = rng.randrange(len(new) + 1)
                new[place:place] = paragraph
            case "blank":
                new.insert(at, "")
    return new


def test_ordinary_edits_of_every_demo_article_show_what_difflib_showed():
    rng = random.Random(11)
    compared = 0
    for path in sorted(DEMO_DIR.glob("*.md")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for _ in range(30):
            old, new = revision(lines), revision(edited(lines, rng, rng.randint(1, 4)))
            assert shown(old, new) == difflib_answer(old, new), path.name
            compared += 1
        rewritten = revision([f"{line}(改写)" if line.strip() else line for line in lines], title="改写")
        assert shown(revision(lines), rewritten) == difflib_answer(revision(lines), rewritten)
    assert compared >= 300


def long_manual(size: int) -> list[str]:
    """A long article: numbered rules between blank lines, and a recurring reminder."""
    lines = []
    while len(lines) < size:
        n = len(lines)
        lines += [f"第{n}条:到场后先核对工单和设备编号。" if n % 7 else "- 注意:断电后再操作。", ""]
    return lines[:size]


def rewritten(lines: list[str]) -> list[str]:
    """Every line of text reworded, the blank lines between paragraphs kept."""
    return [f"{line}(改写)" if line else line for line in lines]


def hostile(size: int, seed: int) -> list[str]:
    """Lines drawn from four short strings: nothing to align on, everything to compare."""
    rng = random.Random(seed)
    return [rng.choice(["", "-", "a", "b"]) for _ in range(size)]


def large_pairs(size: int):
    manual = long_manual(size)
    numbered = [f"第{n}条" for n in range(size)]
    return {
        "edited": (manual, edited(manual, random.Random(size), size // 25)),
        "rewritten": (manual, rewritten(manual)),
        # Every line unique, every other one reworded: difflib's dearest case, run until its cap.
        "alternating": (numbered, [f"{line}改" if n % 2 else line for n, line in enumerate(numbered)]),
        "hostile": (hostile(size, 1), hostile(size, 2)),
    }


SHAPES = ["edited", "rewritten", "alternating", "hostile"]


@pytest.mark.parametrize("shape", SHAPES)
def test_a_large_pair_gets_a_complete_diff(shape):
    old_revision, new_revision = (revision(lines) for lines in large_pairs(3000)[shape])
    new_revision.title = "新标题"
    lines = diff_revisions(old_revision, new_revision)
    old, new = ["# 交接班", *old_revision.body.splitlines()], ["# 新标题", *new_revision.body.splitlines()]
    assert [line.text for line in lines if line.kind != "added"] == old
    assert [line.text for line in lines if line.kind != "removed"] == new
    assert [line.old_number for line in lines if line.kind != "added"] == list(range(1, len(old) + 1))
    assert [line.new_number for line in lines if line.kind != "removed"] == list(range(1, len(new) + 1))
    if shape == "edited":  # a few edits: nearly every line is shown as staying
        assert sum(line.kind == "same" for line in lines) >= 0.9 * len(old)


def test_a_long_rewritten_article_lines_up_on_its_blank_lines():
    old_lines = long_manual(3000)
    lines = diff_revisions(revision(old_lines), revision(rewritten(old_lines)))
    kinds = [line.kind for line in lines[1:7]]
    assert kinds == ["removed", "added", "same", "removed", "added", "same"]
    assert all(line.kind == "same" for line in lines if line.text == "")


class TooMuchWork(Exception):
    pass


def interpreted_lines(function, limit: int) -> int:
    """How many lines of Python `function` runs (its own and every function it calls); stops it with
    TooMuchWork past `limit`, so a quadratic diff fails the test quickly instead of running for minutes."""
    count = 0

    def trace(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
            if count > limit:
                raise TooMuchWork(f"more than {limit} lines of Python")
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        function()
    finally:
        sys.settrace(previous)
    return count


# What any pair may cost: difflib's capped share (about five lines of Python per step, 250,000 steps)
# and a few dozen lines per line of text. Before the cap, a 3,000-line rewrite needed minutes.
WORK_BOUND = 1_500_000


@pytest.mark.parametrize("shape", SHAPES)
def test_diffing_two_3000_line_revisions_stays_under_a_fixed_amount_of_work(shape):
    old_lines, new_lines = large_pairs(3000)[shape]
    interpreted_lines(lambda: diff_revisions(revision(old_lines), revision(new_lines)), WORK_BOUND)


def test_the_work_grows_with_the_lines_not_their_square():
    def work(size):
        old_lines, new_lines = large_pairs(size)["rewritten"]
        return interpreted_lines(lambda: diff_revisions(revision(old_lines), revision(new_lines)), WORK_BOUND)

    assert work(8000) < 4.5 * work(2000)
