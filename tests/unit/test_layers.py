"""The layers of the portal, checked from its own imports (docs/architecture.md).

Every module belongs to one layer, and imports only from its own layer or the layers
below it, whether at the top of the file or inside a function:

    domain  <-  infrastructure  <-  models  <-  services  <-  blueprints  <-  app

The domain is pure: no Flask, no SQLAlchemy, no forms. Services know no page, and import
each other in one direction only: what follows from a change reaches the person through
an event (services/events.py, handled in services/effects.py), never through a service
importing one above it. Known debts that the architecture issue pays off are listed by
name below, so that they can only shrink: a new one fails here.
"""

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

PORTAL = Path(__file__).resolve().parents[2] / "portal"

INFRASTRUCTURE = {
    "portal.config",
    "portal.database",
    "portal.extensions",
    "portal.i18n",
    "portal.numbers",
    "portal.csv_export",
    "portal.security",
    "portal.sessions",
    "portal.fields",
    "portal.pdf",
}
APP = {"portal", "portal.templating", "portal.errors", "portal.delivery"}
RANK = {"domain": 0, "infrastructure": 1, "models": 2, "services": 3, "blueprints": 4, "app": 5}
# Libraries of the web and the database, which the domain must not need.
NOT_IN_THE_DOMAIN = ("flask", "flask_", "sqlalchemy", "werkzeug", "wtforms", "jinja2")

# Blueprints that borrow from each other: none. What both sides use is below them (the
# fields in portal/fields.py, the words of values in portal/domain/labels.py).
KNOWN_BLUEPRINT_BORROWING: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    parts = path.relative_to(PORTAL.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str:
    if module.startswith("portal.domain"):
        return "domain"
    if module in INFRASTRUCTURE:
        return "infrastructure"
    if module.startswith("portal.models"):
        return "models"
    if module.startswith("portal.services"):
        return "services"
    if module.startswith(("portal.public", "portal.backoffice", "portal.callbacks")):
        return "blueprints"
    if module in APP or module.startswith("portal.cli"):
        return "app"
    raise AssertionError(f"{module} belongs to no layer: add it to docs/architecture.md and here")


MODULES = {module_name(path): path for path in PORTAL.rglob("*.py")}


def imports_of(module: str) -> Iterator[str]:
    """Every module `module` imports, at any depth in the file."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            for alias in node.names:
                # "from portal.services import cases" imports the module portal.services.cases
                yield f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base


def ours(imported: str) -> str | None:
    """The portal module an import names, or None for a library."""
    while imported and imported not in MODULES:
        imported = imported.rpartition(".")[0]
    return imported or None


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        layer_of(module)


def test_the_domain_needs_no_web_framework_and_no_database() -> None:
    found = [
        f"{module} imports {imported}"
        for module in MODULES
        if layer_of(module) == "domain"
        for imported in imports_of(module)
        if imported.split(".")[0].startswith(NOT_IN_THE_DOMAIN)
    ]
    assert not found, found


def test_each_layer_imports_only_its_own_and_those_below() -> None:
    upward = []
    for module in MODULES:
        for imported in map(ours, imports_of(module)):
            if imported is None or imported == "portal":
                continue
            if RANK[layer_of(imported)] > RANK[layer_of(module)]:
                upward.append(f"{module} ({layer_of(module)}) imports {imported}")
    assert not upward, "\n".join(upward)


def test_the_public_side_never_imports_the_back_office_and_borrowing_only_shrinks() -> None:
    crossing = {
        (module, imported)
        for module in MODULES
        for imported in map(ours, imports_of(module))
        if imported
        and layer_of(module) == layer_of(imported) == "blueprints"
        and module.split(".")[1] != imported.split(".")[1]
    }
    assert crossing <= KNOWN_BLUEPRINT_BORROWING, crossing - KNOWN_BLUEPRINT_BORROWING


def _cycles(graph: dict[str, set[str]]) -> set[str]:
    """Modules in a circle of imports (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    in_circle: set[str] = set()

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for after in graph[node]:
            if after not in index:
                visit(after)
                low[node] = min(low[node], low[after])
            elif after in stack:
                low[node] = min(low[node], index[after])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                in_circle.update(component)

    for node in list(graph):
        if node not in index:
            visit(node)
    return in_circle


def test_cycles_finds_a_circle_and_only_its_members() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(graph) == {"a", "b", "c"}
    assert _cycles({"a": {"b"}, "b": set()}) == set()


def test_no_services_import_each_other_in_a_circle() -> None:
    """Counting imports inside functions too: one cannot hide a circle."""
    graph: dict[str, set[str]] = defaultdict(set)
    for module in MODULES:
        if layer_of(module) != "services":
            continue
        graph[module]
        for imported in map(ours, imports_of(module)):
            if imported and layer_of(imported) == "services" and imported != module:
                graph[module].add(imported)
    assert not _cycles(graph), sorted(_cycles(graph))
