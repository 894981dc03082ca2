"""Where code lives: the rules of the layout that a test can hold."""

import ast
from pathlib import Path

import assure

PACKAGE = Path(assure.__file__).parent


def imports(path):
    """(absolute module names imported, at module level or not) by one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    if path.name == "__init__.py":
        package = ".".join(path.relative_to(PACKAGE.parent).parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                yield f"{base}.{node.module}" if node.module else base
            else:
                yield node.module


def modules(under=PACKAGE):
    return sorted(path for path in under.rglob("*.py") if "migrations" not in path.parts)


def test_no_production_module_imports_the_demo():
    demo = PACKAGE / "demo"
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in modules()
        if demo not in path.parents
        for name in imports(path)
        if name == "assure.demo" or name.startswith("assure.demo.")
    ]
    assert offenders == []


def test_the_outbox_knows_no_app_that_queues_a_message():
    """The outbox carries any message: it may know the registry (a letter goes
    to a member's address) and the shared helpers, no other app."""
    allowed = ("assure.outbox", "assure.members.models", "assure.lib")
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in modules(PACKAGE / "outbox")
        for name in imports(path)
        if name.startswith("assure.") and not name.startswith(allowed)
    ]
    assert offenders == []


def test_no_function_imports_a_module_of_the_project():
    """A function-level import of the project's own code would hide a cycle
    (AppConfig.ready() aside: Django asks apps to import their signal and job
    modules there)."""
    offenders = []
    for path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef) or function.name == "ready":
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and (
                    node.level or (node.module or "").startswith("assure")
                ):
                    offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == []
