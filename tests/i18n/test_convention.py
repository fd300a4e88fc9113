"""One i18n convention: English msgids in the code, the Vietnamese in each app's catalogue, nothing bare.

What a reader sees must come from a catalogue, so these tests fail on:
- a catalogue entry that is fuzzy, untranslated or obsolete (makemessages leaves them; gettext ignores them);
- a msgid in the code (Python, templates, JavaScript) that its catalogue does not translate (it would show
  in English);
- an app with strings but no catalogue of its own;
- a bare user-facing literal: Vietnamese in a Python string, an English verbose name, help text, label,
  choice label or message outside gettext, template text outside {% translate %}/{% blocktranslate %},
  Vietnamese in JavaScript.

A literal that is Vietnamese *data* rather than text shown to someone (a parsing marker of the importer,
the paper's default name) carries the comment `# i18n: data` on its line.
"""
import ast
import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Engine
from django.template.base import Lexer, TokenType
from django.templatetags.i18n import BlockTranslateNode, TranslateNode

from tests.i18n import catalogues

BASE = Path(settings.BASE_DIR)

# Modules and templates not converted yet: this list only shrinks (a test fails when an entry is clean
# or gone, so remove it then). New code never goes here.
NOT_YET_CONVERTED: set[str] = set()

DATA_PRAGMA = "# i18n: data"
# Letters that English never uses: a literal holding one is Vietnamese text.
VIETNAMESE = re.compile(r"[À-ÖØ-öø-ỹ]")  # Latin letters with marks (not × or ÷)
LETTERS = re.compile(r"[^\W\d_]")

GETTEXT_ARGS = {  # function name -> (index of the context, index of the msgid: the catalogue's key, singular)
    "_": (None, (0,)), "gettext": (None, (0,)), "gettext_lazy": (None, (0,)), "gettext_noop": (None, (0,)),
    "ngettext": (None, (0,)), "ngettext_lazy": (None, (0,)),
    "pgettext": (0, (1,)), "pgettext_lazy": (0, (1,)), "npgettext": (0, (1,)), "npgettext_lazy": (0, (1,)),
}
# Keyword arguments and class attributes whose value a person reads.
USER_KEYWORDS = {"verbose_name", "verbose_name_plural", "help_text", "label", "empty_label", "empty_value_display",
                 "short_description", "site_header", "site_title", "index_title"}
# `description` is the admin's column or action name in @admin.display/@admin.action (elsewhere, as in the
# API's schemas, it documents the code for developers).
ADMIN_DECORATORS = {"display", "action"}
# Calls whose message argument a person reads: name -> index of that argument.
MESSAGE_CALLS = {"ValidationError": 0, "PermissionDenied": 0, "message_user": 1, "debug": 1, "info": 1,
                 "success": 1, "warning": 1, "error": 1, "add_message": 2}
RELATION_FIELDS = {"ForeignKey", "OneToOneField", "ManyToManyField", "ParentalKey"}


def _relative(path: Path) -> str:
    return path.relative_to(BASE).as_posix()


def _is_text(node) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(LETTERS.search(node.value))


def _call_name(node: ast.Call) -> str:
    return node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")


class _PythonScan(ast.NodeVisitor):
    """Collects a module's msgids and its bare user-facing literals (line, text)."""

    def __init__(self, source: str):
        self.lines = source.splitlines()
        self.msgids = []  # (context, msgid)
        self.bare = []
        self._inside_gettext = set()
        self._docstrings = set()

    def _data(self, node) -> bool:
        return any(DATA_PRAGMA in self.lines[n - 1] for n in range(node.lineno, (node.end_lineno or node.lineno) + 1))

    def _flag(self, node, why=""):
        if not self._data(node):
            text = ast.unparse(node) if not isinstance(node, ast.Constant) else repr(node.value)
            self.bare.append((node.lineno, f"{why}{text[:90]}"))

    def visit_Module(self, node):
        self._note_docstring(node)
        self.generic_visit(node)

    def _note_docstring(self, node):
        body = getattr(node, "body", [])
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            self._docstrings.add(id(body[0].value))

    def visit_FunctionDef(self, node):
        self._note_docstring(node)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        self._note_docstring(node)
        if any(getattr(base, "attr", getattr(base, "id", "")).endswith("Choices") for base in node.bases):
            for statement in node.body:
                value = getattr(statement, "value", None)
                if isinstance(statement, ast.Assign) and isinstance(value, ast.Tuple) and len(value.elts) > 1:
                    if _is_text(value.elts[-1]):
                        self._flag(value.elts[-1], "choice label ")
        self.generic_visit(node)

    def visit_Assign(self, node):
        for target in node.targets:
            name = getattr(target, "id", getattr(target, "attr", ""))
            if name in USER_KEYWORDS and (_is_text(node.value) or isinstance(node.value, ast.JoinedStr)):
                self._flag(node.value, f"{name} = ")
        self.generic_visit(node)

    def visit_Call(self, node):
        name = _call_name(node)
        if name in GETTEXT_ARGS:
            context_at, msgid_at = GETTEXT_ARGS[name]
            context = node.args[context_at].value if context_at is not None and len(node.args) > context_at \
                and isinstance(node.args[context_at], ast.Constant) else None
            for index, arg in enumerate(node.args):
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    self._inside_gettext.add(id(arg))
                    if index in msgid_at:
                        self.msgids.append((context, arg.value, node.lineno))
                elif index in msgid_at:
                    self._flag(arg, "a msgid must be a literal: ")
        for keyword in node.keywords:
            shown = keyword.arg in USER_KEYWORDS or (keyword.arg == "description" and name in ADMIN_DECORATORS)
            if shown and (_is_text(keyword.value) or isinstance(keyword.value, ast.JoinedStr)):
                self._flag(keyword.value, f"{keyword.arg}= ")
            if keyword.arg == "choices" and isinstance(keyword.value, (ast.List, ast.Tuple)):
                for choice in keyword.value.elts:
                    if isinstance(choice, ast.Tuple) and len(choice.elts) == 2 and _is_text(choice.elts[1]):
                        self._flag(choice.elts[1], "choice label ")
        at = MESSAGE_CALLS.get(name)
        if at is not None and len(node.args) > at:
            arg = node.args[at]
            if _is_text(arg) or isinstance(arg, ast.JoinedStr):
                self._flag(arg, f"{name}() message ")
        if name.endswith("Field") and name not in RELATION_FIELDS and node.args and _is_text(node.args[0]):
            self._flag(node.args[0], "verbose name ")
        self.generic_visit(node)

    def visit_JoinedStr(self, node):
        if any(isinstance(part, ast.Constant) and VIETNAMESE.search(part.value) for part in node.values):
            self._flag(node, "f-string ")
        # The parts of an f-string are reported with it, not one by one.

    def visit_Constant(self, node):
        if (isinstance(node.value, str) and VIETNAMESE.search(node.value)
                and id(node) not in self._inside_gettext and id(node) not in self._docstrings):
            self._flag(node)


def scan_python(path: Path) -> _PythonScan:
    source = path.read_text(encoding="utf-8")
    scan = _PythonScan(source)
    scan.visit(ast.parse(source, filename=str(path)))
    return scan


class _VisibleText(HTMLParser):
    """Text nodes and labelling attributes of an HTML template whose tags were replaced by a placeholder."""

    ATTRS = {"title", "alt", "placeholder", "aria-label", "value", "label"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        shows_value = tag == "input" and dict(attrs).get("type") in ("submit", "button", "reset")
        for name, value in attrs:
            if name == "value" and not shows_value:
                continue
            if name in self.ATTRS and value and LETTERS.search(value.replace(PLACEHOLDER, "")):
                self.found.append(f'{name}="{value}"')

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and LETTERS.search(data.replace(PLACEHOLDER, "")) and data.strip() not in PROPER_NAMES:
            self.found.append(" ".join(data.split()))


PLACEHOLDER = "\x00"
# Names written the same in every language: template text made only of these needs no translate tag.
PROPER_NAMES = {"RSS", "Atom", "Facebook", "X"}
QUOTED = re.compile(r"""(?<!_\()(["'])(.*?)\1""")


def scan_template(path: Path) -> list[str]:
    """Template text shown to a reader outside translate tags, and Vietnamese literals inside tags."""
    source = path.read_text(encoding="utf-8")
    kept, bare, skipping = [], [], None
    for token in Lexer(source).tokenize():
        words = token.split_contents() if token.token_type == TokenType.BLOCK else []
        tag = words[0] if words else ""
        if skipping:
            if tag == skipping:
                skipping = None
            kept.append(PLACEHOLDER)
            continue
        if tag in ("blocktranslate", "blocktrans", "comment"):
            skipping = "end" + tag
        if token.token_type == TokenType.TEXT:
            kept.append(token.contents)
            continue
        kept.append(PLACEHOLDER)
        if tag not in ("translate", "trans", "blocktranslate", "blocktrans"):
            bare += [f"{{{token.contents}}}" for _, text in QUOTED.findall(token.contents) if VIETNAMESE.search(text)]
    parser = _VisibleText()
    # A tag whose name is a variable (<{{ tag }} class=...>) stays a tag for the parser.
    parser.feed("".join(kept).replace("<" + PLACEHOLDER, "<x").replace("</" + PLACEHOLDER, "</x"))
    parser.close()
    return bare + parser.found


def template_msgids(path: Path) -> list[tuple]:
    """(context, msgid) of each {% translate %} and {% blocktranslate %} in a template, as makemessages reads them."""
    template = Engine.get_default().from_string(path.read_text(encoding="utf-8"))
    found = []
    for node in template.nodelist.get_nodes_by_type(TranslateNode):
        var = node.filter_expression.var
        literal = getattr(var, "literal", None)
        if isinstance(literal, str):
            context = node.message_context.var if node.message_context else None
            found.append((getattr(context, "literal", context), literal))
    for node in template.nodelist.get_nodes_by_type(BlockTranslateNode):
        context = node.message_context.var if node.message_context else None
        context = getattr(context, "literal", context)
        found.append((context, node.render_token_list(node.singular)[0]))
        if node.plural:
            found.append((context, node.render_token_list(node.plural)[0]))
    return found


JS_GETTEXT = re.compile(r"""\b(?:gettext|ngettext|pgettext|npgettext)\(\s*(["'])(.*?)\1""")


def scan_javascript(path: Path) -> list[str]:
    """Vietnamese written into a script instead of coming from the djangojs catalogue or the page."""
    source = re.sub(r"//[^\n]*|/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
    return [line.strip() for line in source.splitlines() if VIETNAMESE.search(line)]


def _bare(path: Path) -> list:
    """Bare user-facing literals of a file, and its msgids that are not English."""
    if path.suffix == ".py":
        scan = scan_python(path)
        return scan.bare + [(line, f"Vietnamese msgid {msgid!r}") for _, msgid, line in scan.msgids
                            if VIETNAMESE.search(msgid)]
    if path.suffix == ".js":
        return scan_javascript(path)
    return scan_template(path) + [f"Vietnamese msgid {msgid!r}" for _, msgid in template_msgids(path)
                                  if VIETNAMESE.search(msgid)]


@pytest.mark.parametrize("po", catalogues.project_po_files(), ids=_relative)
def test_catalogue_has_no_fuzzy_untranslated_or_obsolete_entries(po):
    """Every entry of every project catalogue is translated, not fuzzy, not obsolete: gettext skips the others."""
    problems = [f"{entry.problem}: {entry.msgid!r}" for entry in catalogues.read_po(po) if entry.problem]
    assert problems == [], f"{_relative(po)}: fix these entries, then `make messages`"


def test_every_msgid_in_the_code_is_translated_in_its_catalogue():
    """Each msgid in Python, templates and scripts has a Vietnamese translation in the catalogue makemessages
    puts it in (the nearest app's locale/, else the project's), so no reader sees the English source."""
    untranslated = []
    for path in catalogues.source_files():
        if _relative(path) in NOT_YET_CONVERTED:
            continue  # its msgids are still the Vietnamese text itself
        domain = "djangojs" if path.suffix == ".js" else "django"
        translated = catalogues.translated_keys(catalogues.catalogue_for(path, domain))
        if path.suffix == ".py":
            msgids = [(context, msgid) for context, msgid, _ in scan_python(path).msgids]
        elif path.suffix == ".js":
            msgids = [(None, match[1]) for match in JS_GETTEXT.findall(path.read_text(encoding="utf-8"))]
        else:
            msgids = template_msgids(path)
        untranslated += [f"{_relative(path)}: {msgid!r}" for context, msgid in msgids
                         if catalogues.key(context, msgid) not in translated]
    assert untranslated == [], "run `make messages` and translate the new entries"


def test_each_app_with_strings_has_its_own_catalogue():
    """An app of the project whose code holds msgids keeps them in <app>/locale/vi (made by makemessages)."""
    missing = []
    for app in catalogues.project_apps():
        has_strings = any(scan_python(path).msgids for path in app.rglob("*.py") if "migrations" not in path.parts)
        if has_strings and not (app / "locale" / "vi" / "LC_MESSAGES" / "django.po").exists():
            missing.append(_relative(app))
    assert missing == [], "create the catalogue: mkdir -p APP/locale, then `make messages`"


def test_no_bare_user_facing_strings():
    """No Python literal, template text or script string is shown to a person without passing through gettext."""
    found = {}
    for path in catalogues.source_files():
        relative = _relative(path)
        if relative not in NOT_YET_CONVERTED:
            bare = _bare(path)
            if bare:
                found[relative] = bare
    assert found == {}, (
        "wrap these in gettext_lazy/gettext (English msgid) or {% translate %}, then `make messages`; "
        f"Vietnamese data (not shown as text) takes `{DATA_PRAGMA}` on its line"
    )


def test_not_yet_converted_list_only_shrinks():
    """Each module still waiting for conversion exists and still has bare strings: a clean one leaves the list."""
    stale = [name for name in sorted(NOT_YET_CONVERTED) if not (BASE / name).exists() or not _bare(BASE / name)]
    assert stale == [], "remove these from NOT_YET_CONVERTED"


def test_the_scan_sees_each_kind_of_bare_string(tmp_path):
    """The checks above catch each kind of bare literal they are meant to (and pass translated text)."""
    module = tmp_path / "module.py"
    module.write_text(
        '"""Một docstring tiếng Việt."""\n'
        "from django.db import models\n"
        "from django.utils.translation import gettext_lazy as _\n"
        "class Status(models.TextChoices):\n"
        '    DRAFT = "draft", "Draft"\n'
        '    DONE = "done", _("Done")\n'
        "class Story(models.Model):\n"
        '    title = models.CharField("title", max_length=9, help_text="Shown to readers")\n'
        '    sapo = models.CharField(_("sapo"), max_length=9, help_text=_("Lead paragraph"))\n'
        '    kind = models.CharField(max_length=9, choices=[("a", "Analysis")])\n'
        "    class Meta:\n"
        '        verbose_name = "story"\n'
        "def refuse(name):\n"
        '    raise ValueError(f"Bài {name} thiếu sapo")\n'
        'MARKER = "Xem thêm"  # i18n: data\n'
        'FOLDED = "Bắc Kạn"\n'
    )
    scan = scan_python(module)
    assert [line for line, _ in scan.bare] == [5, 8, 8, 10, 12, 14, 16]
    assert [(context, msgid) for context, msgid, _ in scan.msgids] == [(None, "Done"), (None, "sapo"),
                                                                       (None, "Lead paragraph")]

    template = tmp_path / "page.html"
    template.write_text(
        "{% load i18n %}<h1>{% translate 'Latest' %}</h1><p>Tin mới</p>"
        '<img alt="Ảnh" src="{{ url }}"><a title="{% translate \'Home\' %}">{{ x|default:"Chưa có" }}</a>'
        "{% blocktranslate %}By {{ name }}{% endblocktranslate %}<span>·</span>{% comment %}Ghi chú{% endcomment %}"
    )
    assert scan_template(template) == ['{x|default:"Chưa có"}', "Tin mới", 'alt="Ảnh"']
    assert template_msgids(template) == [(None, "Latest"), (None, "Home"), (None, "By %(name)s")]


def test_project_msgids_do_not_change_what_django_shows():
    """A msgid of ours that Django or a package also uses translates the same way: ours wins in every page,
    so a different Vietnamese would change Django's own screens (use another msgid or a context)."""
    others = catalogues.others_catalogue()
    clashes = []
    for po in catalogues.project_po_files():
        if "locale_django" in po.parts or po.name != "django.po":
            continue
        for entry in catalogues.read_po(po):
            theirs = others.get(catalogues.key(entry.context, entry.msgid))
            if entry.msgid and theirs is not None and entry.msgstrs and theirs != entry.msgstrs[0]:
                clashes.append(f"{_relative(po)}: {entry.msgid!r} is {entry.msgstrs[0]!r} here, {theirs!r} in Django")
    assert clashes == [], "\n".join(clashes)


@pytest.mark.parametrize("po", catalogues.project_po_files(), ids=_relative)
def test_committed_mo_matches_its_po(po):
    """The committed .mo (what Django reads; committed so `make run` needs no gettext) says what its .po says,
    checked without GNU gettext, so a .po edited without `make messages` fails everywhere."""
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{_relative(mo)} is missing: run `make messages`"
    with open(mo, "rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    expected = {}
    for entry in catalogues.read_po(po):
        if not entry.msgid or entry.problem:
            continue
        key = catalogues.key(entry.context, entry.msgid)
        if entry.plural is None:
            expected[key] = entry.msgstrs[0]
        else:
            expected.update({(key, index): text for index, text in enumerate(entry.msgstrs)})
    compiled = {key: value for key, value in compiled.items() if key != ""}
    assert compiled == expected, f"{_relative(mo)} is stale: run `make messages` and commit it"
