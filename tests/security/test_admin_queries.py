"""Every admin list and the autocomplete endpoint, driven with hostile query strings: never a 500.

The queries are derived from what is registered (admin.site._registry), so a new ModelAdmin, filter or
date field is covered without editing this file. PostgreSQL is where a NUL byte or an out-of-range date
explodes; CI runs this file on both databases.
"""
import pytest
from django.contrib import admin
from django.db import models
from django.test import Client
from django.urls import reverse

from tests import factories

# The hostile dates (year 1, year 9999) reach Django's DateTimeField as naive datetimes on their way to the
# overflow check; its RuntimeWarning about that is expected here and says nothing about the site.
pytestmark = pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime:RuntimeWarning")

NUL_VALUES = ["\x00", "a\x00b"]
OVERLONG = "x" * 10_000
HUGE_NUMBERS = ["9" * 30, "-" + "9" * 30, "99999999999", "1e400", "NaN"]
DATE_VALUES = ["0001-01-01", "9999-12-31 23:59:59", "99999-01-01", "0000-00-00"]
DATE_PARTS = {
    "year": ["99999999999", "9999", "10000", "0", "1", "abc"],
    "month": ["13", "99999999999", "-1"],
    "day": ["32", "99999999999"],
}
PAGES = ["-1", "0", "9" * 30, "abc", "1e9", "9" * 5000, "\x00"]
ORDERINGS = ["99.-5.x", "-0", "9" * 30, "0.0.0.0", "-" * 50, OVERLONG, "1\x00"]


def registered():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def admin_ids():
    return [model._meta.label_lower for model, _ in registered()]


def changelist_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def field_queries(model):
    """Lookups on each concrete field of the model, with values chosen by the field's type."""
    queries = []
    for field in model._meta.concrete_fields:
        name = field.name if not field.is_relation else f"{field.name}__{field.target_field.name}"
        queries += [{f"{name}__exact": value} for value in ["\x00", OVERLONG]]
        if isinstance(field, (models.DateField, models.DateTimeField)):
            for lookup in ["gte", "lt"]:
                queries += [{f"{name}__{lookup}": value} for value in DATE_VALUES]
            for part, values in DATE_PARTS.items():
                queries += [{f"{name}__{part}": value} for value in values]
            queries.append({f"{name}__year": "2026", f"{name}__month": "2", f"{name}__day": "30"})
            queries.append({f"{name}__year": "9999", f"{name}__month": "12"})
            queries.append({f"{name}__year": "9999", f"{name}__month": "12", f"{name}__day": "31"})
        elif isinstance(field, (models.IntegerField, models.AutoField)) or field.is_relation:
            queries += [{f"{name}__exact": value} for value in HUGE_NUMBERS]
            queries += [{f"{name}__gte": value} for value in HUGE_NUMBERS[:2]]
            queries.append({f"{name}__in": "1,2," + "9" * 30})
        elif isinstance(field, (models.CharField, models.TextField)):
            queries += [{f"{name}__regex": "("}, {f"{name}__iregex": "[[:alpha:"}, {f"{name}__in": "a,\x00"}]
        if field.null:
            queries.append({f"{name}__isnull": "perhaps"})
    return queries


def hostile_queries(model, model_admin, filter_parameters):
    """Every hostile query string for one changelist."""
    queries = []
    for parameter in sorted(filter_parameters):
        queries += [{parameter: value} for value in [*NUL_VALUES, OVERLONG, "9" * 30, "' OR 1=1 --"]]
    if model_admin.date_hierarchy:
        queries.append({f"{model_admin.date_hierarchy}__year": "99999999999"})
    queries += field_queries(model)
    queries += [{"p": value} for value in PAGES]
    queries += [{"o": value} for value in ORDERINGS]
    queries += [{"q": value} for value in [*NUL_VALUES, OVERLONG, "%_\\", "(a+)+$"]]
    queries += [{"all": "\x00"}, {"_facets": "\x00"}, {"e": "\x00"}, {OVERLONG[:200]: "1"}, {"a\x00": "1"}]
    return queries


def filter_parameters_of(client, model):
    """The query parameters the changelist's own filters read, from an ordinary visit."""
    response = client.get(changelist_url(model))
    if response.status_code != 200:
        return set()
    parameters = set()
    for spec in response.context["cl"].filter_specs:
        parameters.update(spec.expected_parameters())
    return parameters


@pytest.fixture
def world(db, published_article, editor, author):
    """A story with a photo, a workflow transition and a login attempt, so every list has rows to filter."""
    factories.make_caption(published_article, text="Ảnh đại hội.")
    from articles import workflow

    draft = factories.make_article("Bài nháp", section=published_article.section, authors=[author])
    workflow.article_submit(article=draft, by=editor)
    Client().post(reverse("admin:login"), {"username": "khong-co", "password": "sai"})
    return published_article


def staff_client(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.slow
@pytest.mark.parametrize("role", ["editor", "superuser"])
@pytest.mark.parametrize("label", admin_ids())
def test_changelist_never_answers_500(request, world, role, label):
    """Hostile filters, lookups, dates, page numbers and orderings on a changelist answer a page, never a 500."""
    model, model_admin = next((m, a) for m, a in registered() if m._meta.label_lower == label)
    client = staff_client(request.getfixturevalue(role))
    url = changelist_url(model)
    failures = []
    for query in hostile_queries(model, model_admin, filter_parameters_of(client, model)):
        response = client.get(url, query)
        if response.status_code >= 500:
            failures.append(repr(query)[:120])
    assert not failures, f"{len(failures)} queries answered 500 on {label}: {failures}"


def autocomplete_targets():
    """(app_label, model_name, field_name) of every autocomplete the registered admins and their inlines show."""
    targets = set()
    for model, model_admin in registered():
        for owner, names in [(model, model_admin.autocomplete_fields)] + [
                (inline.model, inline.autocomplete_fields) for inline in model_admin.inlines]:
            targets.update((owner._meta.app_label, owner._meta.model_name, name) for name in names)
    return sorted(targets)


AUTOCOMPLETE_TERMS = [*NUL_VALUES, OVERLONG, "từ " * 1300, "%_\\", "(a+)+$", "' OR 1=1 --", "9" * 30]
AUTOCOMPLETE_NAMES = ["\x00", OVERLONG, "", "../", "__class__", "pk", "id", "password", "user", "auth", "contenttypes",
                      "contenttype", "session", "sessions", "logentry"]


@pytest.mark.slow
@pytest.mark.parametrize("role", ["editor", "superuser"])
def test_autocomplete_never_answers_500(request, world, role):
    """Hostile terms, pages and app, model and field names on the autocomplete endpoint: never a 500."""
    client = staff_client(request.getfixturevalue(role))
    url = reverse("admin:autocomplete")
    targets = autocomplete_targets()
    assert targets, "no autocomplete registered: the test would prove nothing"
    queries = []
    for app_label, model_name, field_name in targets:
        valid = {"app_label": app_label, "model_name": model_name, "field_name": field_name}
        queries += [{**valid, "term": term} for term in AUTOCOMPLETE_TERMS]
        queries += [{**valid, "term": "a", "page": page} for page in PAGES]
        for key in valid:
            queries += [{**valid, key: name} for name in AUTOCOMPLETE_NAMES]
    queries += [{"app_label": "auth", "model_name": "user", "field_name": "groups", "term": "a"},
                {"app_label": "admin", "model_name": "logentry", "field_name": "user", "term": "a"},
                {"app_label": "articles", "model_name": "article", "field_name": "title"}, {}]
    failures = [repr(query)[:120] for query in queries if client.get(url, query).status_code >= 500]
    assert not failures, f"{len(failures)} autocomplete queries answered 500: {failures}"


def test_nul_byte_in_a_filter_gets_a_vietnamese_400(world, editor):
    """A NUL byte in ?status__exact= is refused before any query, with a page that says why, in Vietnamese."""
    client = staff_client(editor)
    response = client.get(reverse("admin:articles_article_changelist"), {"status__exact": "published\x00"})
    assert response.status_code == 400
    assert "ký tự rỗng" in response.content.decode()
    response = client.get(reverse("admin:articles_transition_changelist"), {"action__exact": "\x00"})
    assert response.status_code == 400


def test_overlong_value_gets_a_vietnamese_400(world, editor):
    """A 10,000-character filter value is refused with the limit stated."""
    response = staff_client(editor).get(reverse("admin:articles_article_changelist"), {"q": OVERLONG})
    assert response.status_code == 400
    assert "quá dài" in response.content.decode()


def test_nul_in_autocomplete_term_gets_400(world, editor):
    """The autocomplete endpoint refuses a NUL byte in its search term like any admin page."""
    response = staff_client(editor).get(reverse("admin:autocomplete"), {
        "term": "a\x00", "app_label": "articles", "model_name": "article", "field_name": "tags"})
    assert response.status_code == 400


@pytest.mark.parametrize("query", [
    {"at__year": "99999999999"},
    {"at__year": "9999"},
    {"at__year": "9999", "at__month": "12", "at__day": "31"},
    {"at__gte": "0001-01-01"},
    {"id__in": "1," + "9" * 30},
    {"article_title__regex": "("},
])
def test_out_of_range_lookup_is_an_incorrect_lookup(world, editor, query):
    """Out-of-range dates and numbers and database-only patterns get Django's "incorrect lookup" redirect."""
    client = staff_client(editor)
    url = reverse("admin:articles_transition_changelist")
    response = client.get(url, query)
    assert response.status_code == 302 and response["Location"] == url + "?e=1"
    assert client.get(response["Location"]).status_code == 200


def test_ordinary_filters_still_work(world, editor):
    """The guard leaves real filters alone: the date drill-down and a status filter list their rows."""
    client = staff_client(editor)
    year = str(world.published_at.year)
    response = client.get(reverse("admin:articles_transition_changelist"), {"at__year": year})
    assert response.status_code == 200 and response.context["cl"].result_count >= 1
    response = client.get(reverse("admin:articles_article_changelist"), {"status__exact": "published"})
    assert response.status_code == 200
    assert [a.pk for a in response.context["cl"].result_list] == [world.pk]


def test_search_with_many_words_keeps_the_first_ones(world, editor):
    """A pasted search of thousands of words is cut to its first words instead of failing in the database."""
    words = world.title.split() + ["từ"] * 1300
    response = staff_client(editor).get(reverse("admin:photos_photo_changelist"), {"q": " ".join(words)})
    assert response.status_code == 200


def test_every_registered_admin_is_guarded():
    """Every ModelAdmin on the site goes through the guard, whoever registered it (auth, axes, ours)."""
    from articles.adminsite import GuardedChangeListMixin, NewsroomAdminSite

    assert isinstance(admin.site, NewsroomAdminSite)
    assert all(isinstance(model_admin, GuardedChangeListMixin) for _, model_admin in registered())


def test_anonymous_hostile_query_gets_400_not_a_login_loop(db):
    """Before login, a NUL byte in an admin URL or in the login page's ?next= is refused the same way."""
    client = Client(raise_request_exception=False)
    assert client.get(reverse("admin:articles_article_changelist"), {"status__exact": "\x00"}).status_code == 400
    assert client.get(reverse("admin:login"), {"next": "/quan-tri/\x00"}).status_code == 400
