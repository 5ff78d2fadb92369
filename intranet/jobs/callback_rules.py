"""When a customer is called back, how often we try, and what the call's answers mean: plain rules.

The manual (demo article 05) and the code agree on these:
- a job from a complaint or a roadside rescue, an urgent one, or one the customer rated below 3 on
  the visit report is called back the next day; any other after CALLBACK_DELAY_DAYS;
- an unreachable customer is tried again the next day, at most MAX_ATTEMPTS times in all: the last
  unreachable try closes the callback as unreachable;
- a customer reached is satisfied unless the problem is not solved or a mark is below LOW_MARK:
  then the job waits for a manager (who is told), and an unsolved problem opens a follow-up job.
"""

from collections.abc import Mapping

from intranet.jobs.models import CallbackOutcome, JobSource, Priority

LOW_MARK = 3  # a mark below this (on the visit report or at the callback) is an unhappy customer
MAX_ATTEMPTS = 3
RETRY_DAYS = 1
PROMPT_SOURCES = frozenset({JobSource.COMPLAINT, JobSource.RESCUE})


def is_prompt(source: str, priority: str, satisfaction: int | None) -> bool:
    """Called back the next day: complaints, rescues, urgent jobs and customers unhappy with the visit."""
    unhappy = satisfaction is not None and satisfaction < LOW_MARK
    return source in PROMPT_SOURCES or priority == Priority.URGENT or unhappy


def delay_days(source: str, priority: str, satisfaction: int | None, usual: int, prompt: int) -> int:
    return prompt if is_prompt(source, priority, satisfaction) else usual


def outcome_of(reached: bool, problem_solved: bool | None, marks: Mapping[str, int | None]) -> CallbackOutcome:
    if not reached:
        return CallbackOutcome.UNREACHABLE
    low = any(mark is not None and mark < LOW_MARK for mark in marks.values())
    return CallbackOutcome.NOT_SATISFIED if problem_solved is False or low else CallbackOutcome.SATISFIED


def gives_up(attempt: int) -> bool:
    """The attempt that, unreachable, closes the callback."""
    return attempt >= MAX_ATTEMPTS
