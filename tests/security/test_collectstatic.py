"""What collectstatic publishes: the editor's scripts, never django-ckeditor's sample or manual-test pages."""
import io
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.management import call_command

CKEDITOR = "ckeditor/ckeditor"


def test_collectstatic_leaves_out_ckeditor_sample_pages(settings, tmp_path):
    """The collected folder holds CKEditor's scripts and skins but none of its HTML pages or test folders."""
    # The test means something: the installed package does ship such pages.
    shipped = [path for path, _storage in finders.get_finder(
        "django.contrib.staticfiles.finders.AppDirectoriesFinder").list([]) if path.startswith(CKEDITOR)]
    assert any(path.endswith(".html") for path in shipped)

    settings.STATIC_ROOT = str(tmp_path)
    call_command("collectstatic", "--noinput", "-v0", stdout=io.StringIO())
    collected = [path.relative_to(tmp_path).as_posix() for path in Path(tmp_path).rglob("*") if path.is_file()]
    assert f"{CKEDITOR}/ckeditor.js" in collected
    assert "admin/js/core.js" in collected
    assert [path for path in collected if path.endswith(".html")] == []
    assert [path for path in collected if "/tests/" in path or "/samples/" in path] == []
