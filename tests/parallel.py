"""How `pytest -n N` (pytest-xdist, as scripts/test runs the suite) shares the tests among its workers.

A worker takes whole units, so fixtures that a unit's tests share are built once:
- a module is a unit (its module-scoped app server, demo world or cluster is started by one worker only),
  split by database where its tests run on both: the session's `app` and the module worlds are per
  database, and a worker that goes back and forth between the two rebuilds them each time;
- tests in INDEPENDENT modules share only session fixtures (one browser and one demo server per
  worker) and are units of their own, so their long crawls are shared out.

The slow units go first, the many short ones after: the short ones then even out the workers' ends,
instead of one worker starting a two-minute crawl as the other runs out of work.
"""

import re
from collections import OrderedDict

from xdist.scheduler import LoadScopeScheduling

# Tests that use no module- or package-scoped fixture: each is a unit of its own.
INDEPENDENT = {"tests/e2e/test_accessibility.py", "tests/test_authorization_matrix.py"}
# Units that take a minute or more between them (browsers, servers, crawls of every page): sent first.
SLOW = re.compile(r"^tests/(e2e|scale_out)/|^tests/test_(bad_input|scoping|authorization_matrix)\.py")
DATABASES = ("sqlite", "postgresql")


def database_of(nodeid: str) -> str | None:
    """The database a test runs on, from its parameters (`test_x[postgresql-admin]`), if it has one."""
    params = re.search(r"\[(.*)\]$", nodeid)
    return next((part for part in params.group(1).split("-") if part in DATABASES), None) if params else None


def unit_of(nodeid: str) -> str:
    module = nodeid.split("::", 1)[0]
    if module in INDEPENDENT:
        return nodeid
    database = database_of(nodeid)
    return f"{module}[{database}]" if database else module


class SlowFirstScheduling(LoadScopeScheduling):
    """xdist's scheduling by scope, with this suite's units, the slow ones first, each group in collection order."""

    _ordered = False

    def _split_scope(self, nodeid: str) -> str:
        return unit_of(nodeid)

    def _assign_work_unit(self, node) -> None:
        if not self._ordered:  # the first assignment: the queue of units is complete
            position = {unit: n for n, unit in enumerate(dict.fromkeys(map(unit_of, self.collection)))}
            units = sorted(self.workqueue.items(), key=lambda item: (not SLOW.match(item[0]), position[item[0]]))
            self.workqueue = OrderedDict(units)
            self._ordered = True
        super()._assign_work_unit(node)
