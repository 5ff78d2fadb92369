"""What changed between two revisions of an article, line by line, at a cost that grows with the lines.

difflib gives the answer readers know, but its cost grows with the square of the lines and worse: a
3,000-line article rewritten line by line took minutes, and any reader may ask for it. So difflib
runs under a fixed budget of steps, each of its searches charged before it starts; past the budget,
the lines are matched as patience diff does: the common first and last lines, then the lines found
once in each revision as anchors, and the gaps between anchors the same way, a bounded number of
levels deep. An article of ordinary length stays within the budget and keeps difflib's answer.
"""

import bisect
import difflib
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import accumulate

from intranet.kb.models import ArticleRevision

# difflib steps (a line of one revision held against a line of the other) a diff may take: some tens
# of milliseconds, what difflib needs for an article of a few hundred lines with its edits.
DIFFLIB_STEPS = 250_000
MAX_DEPTH = 10  # levels of gaps between anchors; deeper, a gap is shown as removed and added lines


@dataclass(slots=True)
class DiffLine:
    kind: str  # same | added | removed
    old_number: int | None
    new_number: int | None
    text: str


def diff_revisions(old: ArticleRevision, new: ArticleRevision) -> list[DiffLine]:
    """Line by line, what changed from `old` to `new` (titles first)."""
    old_lines = [f"# {old.title}", *old.body.splitlines()]
    new_lines = [f"# {new.title}", *new.body.splitlines()]
    lines, i, j = [], 0, 0
    for block_i, block_j, size in [*matching_blocks(old_lines, new_lines), (len(old_lines), len(new_lines), 0)]:
        lines += [DiffLine("removed", k + 1, None, old_lines[k]) for k in range(i, block_i)]
        lines += [DiffLine("added", None, k + 1, new_lines[k]) for k in range(j, block_j)]
        lines += [DiffLine("same", block_i + k + 1, block_j + k + 1, old_lines[block_i + k]) for k in range(size)]
        i, j = block_i + size, block_j + size
    return lines


def matching_blocks(a: list[str], b: list[str]) -> list[tuple[int, int, int]]:
    """(i, j, n) where a[i:i+n] == b[j:j+n], in order in both: difflib's matching blocks when they are
    affordable, else patience diff's; the cost is bounded either way."""
    blocks = _difflib_blocks(a, b, DIFFLIB_STEPS)
    if blocks is None:
        blocks = _patience_blocks(a, 0, len(a), b, 0, len(b), 0)
    return [block for block in blocks if block[2]]


class _OverBudget(Exception):
    pass


class _MeteredMatcher(difflib.SequenceMatcher):
    """difflib, charged before each search for the longest match with what that search may cost.

    A search over a[alo:ahi] visits, for each line there, every position of that line in b: with
    `cost_before[i]` the sum of that over a[:i], a search is refused before it starts, not cut halfway.
    """

    def __init__(self, a: list[str], b: list[str], cost_before: list[int], allowance: int):
        super().__init__(None, a, b, autojunk=False)
        self.cost_before = cost_before
        self.allowance = allowance
        self.spent = 0

    def find_longest_match(self, alo=0, ahi=None, blo=0, bhi=None):
        ahi = len(self.a) if ahi is None else ahi
        self.spent += self.cost_before[ahi] - self.cost_before[alo]
        if self.spent > self.allowance:
            raise _OverBudget
        return super().find_longest_match(alo, ahi, blo, bhi)


def _difflib_blocks(a: list[str], b: list[str], allowance: int) -> list[tuple[int, int, int]] | None:
    """difflib's matching blocks, or None as soon as they would take more than `allowance` steps."""
    in_b = Counter(b)
    cost_before = list(accumulate((1 + in_b[line] for line in a), initial=0))
    if cost_before[-1] > allowance:
        return None  # even the first search is too dear: do not start
    try:
        return _MeteredMatcher(a, b, cost_before, allowance).get_matching_blocks()
    except _OverBudget:
        return None


def _patience_blocks(a, alo, ahi, b, blo, bhi, depth: int) -> list[tuple[int, int, int]]:
    """Matching blocks of a[alo:ahi] and b[blo:bhi]: the common first and last lines, then lines to
    align on (_anchors) and, between them, the same again, at most MAX_DEPTH levels deep."""
    head = 0
    while alo + head < ahi and blo + head < bhi and a[alo + head] == b[blo + head]:
        head += 1
    tail = 0
    while ahi - tail > alo + head and bhi - tail > blo + head and a[ahi - tail - 1] == b[bhi - tail - 1]:
        tail += 1
    found = [(alo, blo, head)]
    i, j = alo + head, blo + head
    end_i, end_j = ahi - tail, bhi - tail
    anchors = _anchors(a, i, end_i, b, j, end_j) if depth < MAX_DEPTH and i < end_i and j < end_j else []
    for anchor_i, anchor_j in anchors:
        if i < anchor_i and j < anchor_j:
            found += _patience_blocks(a, i, anchor_i, b, j, anchor_j, depth + 1)
        found.append((anchor_i, anchor_j, 1))
        i, j = anchor_i + 1, anchor_j + 1
    if anchors and i < end_i and j < end_j:
        found += _patience_blocks(a, i, end_i, b, j, end_j, depth + 1)
    found.append((end_i, end_j, tail))
    return found


def _anchors(a, alo, ahi, b, blo, bhi) -> list[tuple[int, int]]:
    """Pairs of equal lines to align on, in order in both: the lines found once in each side; where
    there are none, the k-th occurrence of a line in one with its k-th in the other (a rewrite that
    kept its blank lines between paragraphs still lines up on them)."""
    if set(a[alo:ahi]).isdisjoint(b[blo:bhi]):
        return []  # the usual gap: a line changed
    in_a, in_b = Counter(a[alo:ahi]), Counter(b[blo:bhi])
    where_b = defaultdict(list)
    for j in range(blo, bhi):
        where_b[b[j]].append(j)
    pairs = [(i, where_b[a[i]][0]) for i in range(alo, ahi) if in_a[a[i]] == 1 and in_b[a[i]] == 1]
    if not pairs:
        seen = Counter()
        for i in range(alo, ahi):
            line = a[i]
            k = seen[line]
            seen[line] += 1
            if k < len(where_b[line]):
                pairs.append((i, where_b[line][k]))
    return _longest_increasing(pairs)


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of `pairs` (in order of their first number) whose second numbers increase too."""
    tops, top_index, previous = [], [], [None] * len(pairs)
    for index, (_i, j) in enumerate(pairs):
        place = bisect.bisect_left(tops, j)
        previous[index] = top_index[place - 1] if place else None
        if place == len(tops):
            tops.append(j)
            top_index.append(index)
        else:
            tops[place] = j
            top_index[place] = index
    chain, index = [], top_index[-1] if top_index else None
    while index is not None:
        chain.append(pairs[index])
        index = previous[index]
    return chain[::-1]
