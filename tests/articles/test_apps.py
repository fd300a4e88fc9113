"""Wiring happens in AppConfig.ready(), never as a side effect of importing a module."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def connections_at_import(path):
    """The lines of a module that wire something outside any function: a signal's .connect() or @receiver, or a
    model registered with django-reversion."""
    found = []
    for statement in ast.parse(path.read_text()).body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found += [statement.lineno for decorator in statement.decorator_list
                      if "receiver" in ast.unparse(decorator)]
            continue
        found += [node.lineno for node in ast.walk(statement) if isinstance(node, ast.Call)
                  and ast.unparse(node.func).endswith((".connect", "reversion.register"))]
    return found


def test_no_module_connects_a_signal_when_imported():
    """Signal handlers and reversion's models are wired in ready(), so importing a module changes nothing."""
    packages = [path for path in ROOT.iterdir() if (path / "__init__.py").exists() and path.name not in {"tests", "bench"}]
    modules = [path for package in packages for path in package.rglob("*.py") if "migrations" not in path.parts]
    assert {str(path.relative_to(ROOT)): lines for path in modules if (lines := connections_at_import(path))} == {}

