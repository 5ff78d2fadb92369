"""Knowledge base: the cost of the line diff between two revisions (the history's "show the differences").

    .venv/bin/python bench/kb_diff.py [--sizes 300,3000,30000] [--runs 5] [--limit 60]
                                      [--shapes edited,rewritten,alternating,hostile]

In-process, no database: `diff_revisions` on pairs of revisions of N lines each, in four shapes:
- edited: a long manual made of the demo articles' lines, a blank line after each (some lines
  recur, as in real Markdown), and the same text with about one line in 25 changed, added or cut;
- rewritten: the same manual with every line of text reworded, the blank lines kept;
- alternating: numbered lines, all different, every other one reworded;
- hostile: two unrelated texts whose lines are drawn from four short strings ("", "-", "a", "b"),
  which anyone allowed to edit can publish and any reader can then ask to compare.
A 30,000-line revision of short lines fits under the body cap (100,000 characters).

Prints, per shape and size, the median and the slowest of the runs in milliseconds and the number of
lines the diff shows; a run still going after --limit seconds is stopped and the rest of that size
skipped. To compare with another commit, put that commit's tree first on the path:
`PYTHONPATH=/path/to/checkout .venv/bin/python bench/kb_diff.py` (the first line says which tree).
"""

import argparse
import random
import signal
import statistics
import time
from pathlib import Path
from types import SimpleNamespace

import intranet
from intranet.kb.diff import diff_revisions
from intranet.kb.importer import DEMO_DIR


def _demo_lines() -> list[str]:
    lines = []
    for path in sorted(DEMO_DIR.glob("*.md")):
        lines += path.read_text(encoding="utf-8").splitlines()
    return lines


def edited_pair(size: int, rng: random.Random) -> tuple[str, str]:
    demo = [line for line in _demo_lines() if line.strip()]
    old = []
    while len(old) < size:
        line = rng.choice(demo)
        # Most lines of a real manual are unique, some recur (list items, table rules, "## 注意").
        old.append(f"{line} {len(old)}" if rng.random() < 0.8 else line)
        old.append("")
    old = old[:size]
    new = []
    for line in old:
        roll = rng.random()
        if roll < 0.02:
            new.append(f"{line} 已修订")
        elif roll < 0.03:
            new += [line, f"新增一行 {rng.randrange(10**6)}"]
        elif roll >= 0.04:
            new.append(line)
    return "\n".join(old), "\n".join(new)


def rewritten_pair(size: int, rng: random.Random) -> tuple[str, str]:
    old, _new = edited_pair(size, rng)
    return old, "\n".join(f"{line}(改写)" if line else line for line in old.split("\n"))


def alternating_pair(size: int, rng: random.Random) -> tuple[str, str]:
    old = [f"第{n}条" for n in range(size)]
    return "\n".join(old), "\n".join(f"{line}改" if n % 2 else line for n, line in enumerate(old))


def hostile_pair(size: int, rng: random.Random) -> tuple[str, str]:
    alphabet = ["", "-", "a", "b"]
    return (
        "\n".join(rng.choice(alphabet) for _ in range(size)),
        "\n".join(rng.choice(alphabet) for _ in range(size)),
    )


SHAPES = {"edited": edited_pair, "rewritten": rewritten_pair, "alternating": alternating_pair, "hostile": hostile_pair}


class Stopped(Exception):
    pass


def _stop(signum, frame):
    raise Stopped


def measure(old_body: str, new_body: str, runs: int, limit: float) -> tuple[list[float], int] | None:
    """Milliseconds of each run and the lines shown; None when a run took more than `limit` seconds."""
    old = SimpleNamespace(title="对比", body=old_body)
    new = SimpleNamespace(title="对比", body=new_body)
    samples, shown = [], 0
    signal.signal(signal.SIGALRM, _stop)
    for _ in range(runs):
        start = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            shown = len(diff_revisions(old, new))
        except Stopped:
            return None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        samples.append((time.perf_counter() - start) * 1000)
    return samples, shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="300,3000,30000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit", type=float, default=60, help="seconds a run may take before it is stopped")
    parser.add_argument("--shapes", default=",".join(SHAPES))
    args = parser.parse_args()
    print(f"tree: {Path(intranet.__file__).parent.parent}")
    for shape in args.shapes.split(","):
        for size in (int(size) for size in args.sizes.split(",")):
            old, new = SHAPES[shape](size, random.Random(size))
            measured = measure(old, new, args.runs, args.limit)
            if measured is None:
                print(f"  {shape:<11} {size:>6} lines   stopped after {args.limit:.0f} s", flush=True)
                continue
            samples, shown = measured
            print(
                f"  {shape:<11} {size:>6} lines   median {statistics.median(samples):10.1f} ms"
                f"   slowest {max(samples):10.1f} ms   {shown:>6} lines shown   ({args.runs} runs)",
                flush=True,
            )


if __name__ == "__main__":
    main()
