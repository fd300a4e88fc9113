"""The newsroom's admin site: no query string makes an admin page answer 500.

Django's changelist turns most bad lookups into its "incorrect lookup" redirect (?e=1), but a NUL byte
(PostgreSQL refuses it), a year past 9999, an integer past 64 bits or a broken __regex pattern got past
it to the database driver or the database. Here every admin URL first screens its query string (a
Vietnamese 400 page), and every registered ModelAdmin gets GuardedChangeListMixin, which checks the
finished list query before it runs, and newsroom/security.py's hook that picks the editor's CSP from the form.
Nothing is checked field by field, so a new ModelAdmin, filter or date field is covered by registering it.
The site is admin.site through newsroom/apps.py's NewsroomAdminConfig.
"""
import datetime
import logging
import math
from functools import update_wrapper

from django.contrib.admin import ModelAdmin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.sites import AdminSite
from django.core.exceptions import EmptyResultSet, FullResultSet, ValidationError
from django.db.models.constants import LOOKUP_SEP
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from newsroom.security import RichTextEditorPolicyMixin

logger = logging.getLogger(__name__)

# Longer than any filter, search or preserved-filters value the admin writes itself (a 300-letter
# Vietnamese search percent-encoded inside _changelist_filters is about 2,700 characters).
MAX_VALUE_LENGTH = 4_000
MAX_NAME_LENGTH = 200
# Words of a search kept: each is one more condition per search field, and SQLite refuses an
# expression nested deeper than 1,000 levels.
MAX_SEARCH_WORDS = 32
# Lookups the admin never writes, whose pattern only the database can judge (and PostgreSQL and
# SQLite judge differently): a bad one is a database error, not a lookup Django can refuse.
REFUSED_LOOKUPS = {"regex", "iregex"}
# What PostgreSQL's bigint and SQLite's INTEGER hold.
INTEGER_RANGE = (-(2**63), 2**63 - 1)
# Errors raised by turning query-string values into a query (a year past 9999, a datetime that
# leaves Python's range when moved to UTC): bad input, so the list's "incorrect lookup" answer.
VALUE_ERRORS = (ValueError, OverflowError, ValidationError)


def query_problem(query) -> str | None:
    """Why a query string (a QueryDict) is refused before any view reads it, or None."""
    for name, values in query.lists():
        if len(name) > MAX_NAME_LENGTH or "\x00" in name:
            return _("The address has a parameter that is not valid.")
        for value in values:
            if "\x00" in value:
                return _("The address has a character that is not valid (a null character, code 0).")
            if len(value) > MAX_VALUE_LENGTH:
                return _("A value in the address is too long (at most %(limit)s characters).") % {
                    "limit": f"{MAX_VALUE_LENGTH:,}".replace(",", ".")}
    return None


def _flat(params):
    for param in params:
        if isinstance(param, (list, tuple)):
            yield from _flat(param)
        else:
            yield param


def queryset_problem(queryset) -> str | None:
    """Why a queryset would fail in the database driver or the database, found without running it."""
    try:
        _sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    except (EmptyResultSet, FullResultSet):
        return None
    except VALUE_ERRORS as error:
        return f"the query does not compile: {error}"
    for param in _flat(params):
        if isinstance(param, str) and "\x00" in param:
            return "a NUL byte"
        if isinstance(param, int) and not isinstance(param, bool) and not INTEGER_RANGE[0] <= param <= INTEGER_RANGE[1]:
            return f"the integer {param} is out of the database's range"
        if isinstance(param, float) and not math.isfinite(param):
            return f"the number {param} is not finite"
        if isinstance(param, datetime.date) and not 1 < param.year < 9999:
            # Moving it between time zones (SQLite stores UTC) leaves the range Python can hold.
            return f"the date {param} is out of range"
    return None


class GuardedChangeListMixin:
    """Turn every hostile lookup on a changelist into Django's "incorrect lookup" answer, before it runs."""

    def get_changelist_instance(self, request):
        for name in request.GET:
            if name.rpartition(LOOKUP_SEP)[2] in REFUSED_LOOKUPS:
                raise IncorrectLookupParameters(f"{name}: lookup not offered by the admin")
        try:
            return super().get_changelist_instance(request)
        except VALUE_ERRORS as error:
            logger.warning("Admin list %s refused query %r: %s", request.path, request.GET.urlencode()[:300], error)
            raise IncorrectLookupParameters(error) from error

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # Every changelist and autocomplete asks for its paginator just before the first query runs.
        problem = queryset_problem(queryset)
        if problem:
            logger.warning("Admin list %s refused query %r: %s", request.path, request.GET.urlencode()[:300], problem)
            raise IncorrectLookupParameters(problem)
        return super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)

    def get_search_results(self, request, queryset, search_term):
        words = search_term.split()
        if len(words) > MAX_SEARCH_WORDS:
            search_term = " ".join(words[:MAX_SEARCH_WORDS])
        return super().get_search_results(request, queryset, search_term)


def guarded(admin_class):
    """The ModelAdmin class with the list guard and the editor-policy hook in front (once)."""
    if issubclass(admin_class, GuardedChangeListMixin):
        return admin_class
    return type(admin_class.__name__, (GuardedChangeListMixin, RichTextEditorPolicyMixin, admin_class),
                {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__})


class NewsroomAdminSite(AdminSite):
    """Django's AdminSite, with every view behind the query-string screen and every ModelAdmin guarded."""

    def register(self, model_or_iterable, admin_class=None, **options):
        super().register(model_or_iterable, guarded(admin_class or ModelAdmin), **options)

    def admin_view(self, view, cacheable=False):
        return self.screened(super().admin_view(view, cacheable))

    def login(self, request, extra_context=None):
        return self.screened(super().login)(request, extra_context)

    def autocomplete_view(self, request):
        try:
            return super().autocomplete_view(request)
        except IncorrectLookupParameters:
            return JsonResponse({"error": _("The search words are not valid.")}, status=400)

    def screened(self, view):
        """The view, answering a Vietnamese 400 page to a query string no admin page writes."""

        def inner(request, *args, **kwargs):
            problem = query_problem(request.GET)
            if problem:
                return self.bad_query_response(request, problem)
            return view(request, *args, **kwargs)

        return update_wrapper(inner, view)

    def bad_query_response(self, request, problem):
        context = {**self.each_context(request), "title": _("Address not valid"), "problem": problem,
                   "back_url": request.path}
        return TemplateResponse(request, "admin/bad_query.html", context, status=400)
