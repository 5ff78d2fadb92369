"""The import contract: dependencies point one way, helpers import no feature, nothing dodges a cycle.

Read from the source (ast), so an import inside a function counts as much as one at the top, and is
refused: hiding an import in a function is how a cycle slips in. A module reacts to another through
a domain event (intranet/events.py) instead of importing it.
"""

import ast
from pathlib import Path

from intranet import PROJECT_ROOT

# Features, top layer first. A feature may import its own package and the features of lower layers;
# features of one layer are independent of each other.
FEATURE_LAYERS = [
    ["admin", "dashboard", "main"],
    ["notifications"],
    ["frontdesk"],
    ["downloads", "inspections", "kb", "parts"],
    ["jobs"],
    ["customers"],
    ["attachments", "audit", "offline"],
    ["auth"],
    ["branches"],
]
# The composition root and the commands above everything: they may import anything.
APPLICATION = {"__init__", "cli", "demo", "bulkdata", "schedule"}
# Shared helpers: they import helpers only, never a feature.
HELPERS = {
    "access",
    "business_calendar",
    "clock",
    "compression",
    "config",
    "db_types",
    "enums",
    "errorhandlers",
    "errors",
    "events",
    "extensions",
    "exporting",
    "figures",
    "forms",
    "i18n",
    "listing",
    "navigation",
    "numbers",
    "periods",
    "rendering",
    "routing",
    "security",
    "sessions",
    "sqlite",
    "task_queue",
    "templating",
    "timezones",
    "translations",
    "unit_of_work",
}


def imports_of(path: Path, package: str) -> list[tuple[str, int, bool]]:
    """(imported top-level part of `package`, line, inside a function?) for every import of it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def visit(node, in_function: bool):
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            names = []
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                names = [child.module]
                if child.module == package:  # from intranet import events, templating
                    names = [f"{package}.{alias.name}" for alias in child.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == package and len(parts) > 1:
                    found.append((parts[1], child.lineno, inside))
            visit(child, inside)

    visit(tree, False)
    return found


def violations(root: Path, package: str, layers: list[list[str]], helpers: set[str], application: set[str]) -> list:
    """Every import of `package` under `root` that breaks the contract, as readable lines."""
    rank = {feature: depth for depth, layer in enumerate(layers) for feature in layer}
    problems = []
    for path in sorted((root / package).rglob("*.py")):
        relative = path.relative_to(root / package)
        owner = relative.parts[0].removesuffix(".py")
        where = f"{path.relative_to(root)}"
        for imported, line, in_function in imports_of(path, package):
            if imported == owner:
                continue
            if in_function:
                problems.append(f"{where}:{line} imports {package}.{imported} inside a function")
            if owner in application:
                continue
            if owner in helpers:
                if imported not in helpers:
                    problems.append(f"{where}:{line}: helper {owner} imports feature {imported}")
            elif owner in rank:
                if imported in helpers:
                    continue
                if imported not in rank:
                    problems.append(f"{where}:{line}: {owner} imports {imported}, which has no place in the layers")
                elif rank[imported] <= rank[owner]:
                    kind = "its peer" if rank[imported] == rank[owner] else "a higher layer,"
                    problems.append(f"{where}:{line}: {owner} imports {kind} {imported}")
            else:
                problems.append(f"{where}: {owner} has no place in the layers: add it to tests/test_layers.py")
    return sorted(set(problems))


def test_the_app_keeps_its_import_contract():
    assert violations(PROJECT_ROOT, "intranet", FEATURE_LAYERS, HELPERS, APPLICATION) == []


# The checker itself: fabricated packages that break each rule once.


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        path = tmp_path / "app" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return tmp_path


def _check(root: Path) -> list[str]:
    return violations(root, "app", [["billing"], ["orders"]], {"helpers"}, {"__init__"})


def test_a_cycle_between_features_is_refused(tmp_path):
    root = _package(
        tmp_path,
        {
            "__init__.py": "from app import billing, orders\n",
            "orders/service.py": "from app.helpers import money\n",
            "billing/service.py": "from app.orders import service\n",
        },
    )
    assert _check(root) == []
    (root / "app/orders/service.py").write_text("from app.billing.service import charge\n")
    assert _check(root) == ["app/orders/service.py:1: orders imports a higher layer, billing"]


def test_a_helper_importing_a_feature_is_refused(tmp_path):
    root = _package(tmp_path, {"helpers.py": "import app.orders.models\n", "orders/models.py": ""})
    assert _check(root) == ["app/helpers.py:1: helper helpers imports feature orders"]


def test_an_import_hidden_in_a_function_is_refused(tmp_path):
    source = "def total():\n    from app.orders import models\n    return models\n"
    root = _package(tmp_path, {"billing/service.py": source, "orders/models.py": ""})
    assert _check(root) == ["app/billing/service.py:2 imports app.orders inside a function"]


def test_peers_of_one_layer_stay_independent(tmp_path):
    root = _package(tmp_path, {"orders/a.py": "from app import billing\n", "billing/b.py": ""})
    layers = [["billing", "orders"]]
    assert violations(root, "app", layers, set(), set()) == ["app/orders/a.py:1: orders imports its peer billing"]
