"""The settings read top to bottom and the documents agree with them: every variable is in README's table."""
import ast
import re
from pathlib import Path

from django.conf import settings
from django.urls import resolve

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The settings a deployment can run with (test.py's own TEST_CACHE_URL is for the suite, README says so).
SETTINGS_FILES = [path for path in sorted((ROOT / "newsroom" / "settings").glob("*.py")) if path.name != "test.py"]
# Every package of the project (each app, the project package, the bench), the tests aside.
CODE_FOLDERS = sorted(path.name for path in ROOT.iterdir() if (path / "__init__.py").exists() and path.name != "tests")
# Names the documents give that are variables or settings (not Django's own constants such as WARNING).
VARIABLE = re.compile(r"`((?:DJANGO|NEWSROOM|DATABASE|CACHE|EMAIL|AWS)_[A-Z0-9_]+)`")


def code_files():
    for folder in CODE_FOLDERS:
        yield from (path for path in (ROOT / folder).rglob("*.py") if "migrations" not in path.parts)


def variables_read_by_settings():
    """Every environment variable the settings modules read: env(), env_bool(), env_list() and s3's get()."""
    names = set()
    for path in SETTINGS_FILES:
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in {"env", "env_bool", "env_list", "get"}
                    and node.args and isinstance(node.args[0], ast.Constant)):
                names.add(node.args[0].value)
    return names


def readme_table_variables():
    text = (ROOT / "README.md").read_text()
    table = text[text.index("## Settings (environment variables)"):text.index("## Importing scraped stories")]
    return {name for line in table.splitlines() if line.startswith("| `") for name in VARIABLE.findall(line.split(" | ")[0])}


def test_every_variable_the_settings_read_is_in_the_readme_table():
    """A variable read in newsroom/settings/ but missing from README's settings table fails here."""
    assert variables_read_by_settings() - readme_table_variables() == set()


@pytest.mark.parametrize("document", ["README.md", "DEPLOY.md", "SECURITY.md", "bench/README.md"])
def test_every_name_the_documents_give_exists(document):
    """Each variable or setting a document names is read by the code or is a setting: no stale advice."""
    literals = set()
    for path in [*code_files(), *(ROOT / "tests").rglob("*.py")]:
        literals.update(re.findall(r"""["']([A-Z][A-Z0-9_]+)["']""", path.read_text()))
    named = set(VARIABLE.findall((ROOT / document).read_text()))
    assert {name for name in named if name not in literals and not hasattr(settings, name)} == set()


def test_every_newsroom_setting_the_code_reads_is_declared():
    """settings.NEWSROOM_* read anywhere in the code is declared in the settings, never read with a default."""
    read, with_default = set(), []
    for path in code_files():
        source = path.read_text()
        read.update(re.findall(r"settings\.(NEWSROOM_[A-Z0-9_]+)", source))
        with_default += [f"{path.name}: {call}" for call in re.findall(r"getattr\(settings, [^)]*\)", source)]
    assert read and {name for name in read if not hasattr(settings, name)} == set()
    assert with_default == []


def test_the_site_never_routes_the_bench_view():
    """The bench's reference view exists only under the bench's own URLs, which keep the site's error pages."""
    import bench.urls
    import newsroom.urls

    # The site reads the path as a section's story, which does not exist.
    assert resolve("/__bench__/floor/", urlconf="newsroom.urls").url_name != "bench-floor"
    assert resolve("/__bench__/floor/", urlconf="bench.urls").url_name == "bench-floor"
    assert resolve("/tim-kiem/", urlconf="bench.urls").func == resolve("/tim-kiem/").func
    assert bench.urls.handler500 == newsroom.urls.handler500 and bench.urls.handler404 == newsroom.urls.handler404
