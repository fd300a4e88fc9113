"""The project's gettext catalogues and translatable sources, read the way makemessages and gettext read them."""
import ast
import gettext
import functools
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings

BASE = Path(settings.BASE_DIR)
LANGUAGE = "vi"
# Folders that hold no text shown by the running site: tooling, tests, generated and uploaded files.
NOT_SOURCES = {".venv", ".git", "tests", "bench", "test-artifacts", "staticfiles", "media", "private-media",
               "node_modules", "migrations", "locale", "__pycache__"}
# manage.py runs before Django's settings exist, so it cannot translate (an operator's start-up message);
# settings are configuration (the paper's name, the language's own name), not text of the site.
NOT_TRANSLATABLE = {"manage.py", "newsroom/settings"}


def source_files() -> list[Path]:
    """Python modules, templates (.html, .txt under a templates/ folder) and scripts (.js under static/)."""
    found = []
    for path in sorted(BASE.rglob("*")):
        parts = path.relative_to(BASE).parts
        relative = path.relative_to(BASE).as_posix()
        if (NOT_SOURCES.intersection(parts) or not path.is_file()
                or any(relative == skip or relative.startswith(skip + "/") for skip in NOT_TRANSLATABLE)):
            continue
        if path.suffix == ".py" or (path.suffix in (".html", ".txt") and "templates" in parts) or (
                path.suffix == ".js" and "static" in parts):
            found.append(path)
    return found


def project_apps() -> list[Path]:
    """The folders of the installed apps that belong to this project (not Django's or a package's)."""
    folders = []
    for config in apps.get_app_configs():
        folder = Path(config.path).resolve()
        if folder.is_relative_to(BASE.resolve()) and ".venv" not in folder.parts:
            folders.append(folder)
    return folders


def catalogue_for(path: Path, domain: str = "django") -> Path:
    """The .po that makemessages puts a file's msgids in: the nearest enclosing app's locale/, else the project's."""
    for folder in path.resolve().parents:
        if folder == BASE.resolve():
            break
        if (folder / "locale").is_dir():
            return folder / "locale" / LANGUAGE / "LC_MESSAGES" / f"{domain}.po"
    return Path(settings.LOCALE_PATHS[0]) / LANGUAGE / "LC_MESSAGES" / f"{domain}.po"


def project_po_files() -> list[Path]:
    """Every catalogue of the project: LOCALE_PATHS and each app's locale/."""
    folders = [Path(path) for path in settings.LOCALE_PATHS] + [app / "locale" for app in project_apps()]
    return sorted({po for folder in folders for po in folder.glob(f"{LANGUAGE}/LC_MESSAGES/*.po")})


@dataclass
class Entry:
    msgid: str = ""
    context: str | None = None
    plural: str | None = None
    msgstrs: list = field(default_factory=list)
    flags: set = field(default_factory=set)
    obsolete: bool = False

    @property
    def problem(self) -> str:
        if self.obsolete:
            return "obsolete"
        if "fuzzy" in self.flags:
            return "fuzzy"
        if self.msgid and not all(self.msgstrs):
            return "untranslated"
        return ""


def _unquote(text: str) -> str:
    return ast.literal_eval(text.strip())


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file (header included, as the entry with an empty msgid)."""
    entries, entry, last = [], Entry(), None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if last is not None:
                entries.append(entry)
            entry, last = Entry(), None
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            last = "obsolete"
            continue
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            value = _unquote(line)
            if last == "msgid":
                entry.msgid += value
            elif last == "msgctxt":
                entry.context += value
            elif last == "msgid_plural":
                entry.plural += value
            elif last == "msgstr":
                entry.msgstrs[-1] += value
            continue
        if keyword == "msgctxt":
            entry.context, last = _unquote(rest), "msgctxt"
        elif keyword == "msgid":
            entry.msgid, last = _unquote(rest), "msgid"
        elif keyword == "msgid_plural":
            entry.plural, last = _unquote(rest), "msgid_plural"
        elif keyword.startswith("msgstr"):
            entry.msgstrs.append(_unquote(rest))
            last = "msgstr"
    return entries


def key(context: str | None, msgid: str) -> str:
    return f"{context}\x04{msgid}" if context else msgid


@functools.cache
def translated_keys(po: Path) -> frozenset:
    """The msgids (with their context) that a catalogue really translates."""
    if not po.exists():
        return frozenset()
    return frozenset(key(entry.context, entry.msgid) for entry in read_po(po)
                     if entry.msgid and not entry.problem)


def others_catalogue() -> dict:
    """What Django, its contrib apps, third-party apps and locale_django translate, merged in gettext's order."""
    import django

    files = [Path(django.__file__).parent / "conf" / "locale" / LANGUAGE / "LC_MESSAGES" / "django.mo"]
    project = set(project_apps())
    files += [Path(config.path) / "locale" / LANGUAGE / "LC_MESSAGES" / "django.mo"
              for config in reversed(list(apps.get_app_configs())) if Path(config.path).resolve() not in project]
    files += [Path(path) / LANGUAGE / "LC_MESSAGES" / "django.mo" for path in reversed(settings.LOCALE_PATHS)
              if Path(path).name == "locale_django"]
    merged = {}
    for mo in files:
        if mo.exists():
            with open(mo, "rb") as handle:
                merged.update(gettext.GNUTranslations(handle)._catalog)
    return merged
