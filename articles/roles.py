"""Who may do what in the newsroom: the two roles, their groups and permissions, and one predicate per question.

Reporters write: stories, their bylines and photos, and may pick sections, authors and tags. Editors also
publish (articles.publish_article), delete stories, keep sections, authors and tags, write corrections
(Đính chính) and read the audit trail. Which move a role may make in which state is workflow.py's table;
the questions it asks of a user are answered here, and nowhere else.

Migration 0002_roles keeps its own frozen copy of the groups (a migration must not import code that changes);
tests/articles/test_roles.py proves the two agree, and `sync_roles` brings later additions to old databases.
"""
import dataclasses

PUBLISH_CODENAME = "publish_article"
PUBLISH_PERMISSION = f"articles.{PUBLISH_CODENAME}"


@dataclasses.dataclass(frozen=True)
class Role:
    key: str  # what `create_staff --role` accepts
    group: str  # the auth group's name, as the newsroom says it
    codenames: tuple  # permissions the group holds, of the apps in PERMISSION_APPS (codenames differ between them)


# The apps whose permissions the roles hand out: the newsroom's stories, and the photo library.
PERMISSION_APPS = ("articles", "photos")

_REPORTER_CODENAMES = (
    "add_article", "change_article", "view_article",
    "add_byline", "change_byline", "delete_byline", "view_byline",
    "add_caption", "change_caption", "delete_caption", "view_caption",
    "add_photo", "change_photo", "view_photo",
    "view_author", "view_section", "add_tag", "view_tag", "view_correction",
)
REPORTER = Role("reporter", "Phóng viên", _REPORTER_CODENAMES)  # i18n: data (the group's stored name)
EDITOR = Role("editor", "Biên tập viên", _REPORTER_CODENAMES + (  # i18n: data (the group's stored name)
    PUBLISH_CODENAME, "delete_article", "delete_photo",
    "add_section", "change_section",
    "add_author", "change_author",
    "change_tag", "delete_tag",
    "add_correction", "change_correction",
    "view_transition",
))
ROLES = {role.key: role for role in (REPORTER, EDITOR)}
GROUP_NAMES = tuple(role.group for role in ROLES.values())


# --- Groups and their permissions ---------------------------------------------------------------------------

def sync_roles(*, apps=None, using="default", **kwargs):
    """Make each role's group and give it any of its permissions it lacks (never takes one away)."""
    from django.apps import apps as global_apps
    from django.db import router

    apps = apps or global_apps
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:  # auth is not migrated in this state (a migrate to an early target)
        return
    if not router.allow_migrate_model(using, Group):
        return
    # Like Django's create_permissions, run after it on post_migrate: additions reach existing databases,
    # and what an administrator granted by hand stays.
    for role in ROLES.values():
        group, _ = Group.objects.using(using).get_or_create(name=role.group)
        wanted = Permission.objects.using(using).filter(
            content_type__app_label__in=PERMISSION_APPS, codename__in=role.codenames
        ).exclude(group=group)
        group.permissions.add(*wanted)


# --- One predicate per question -----------------------------------------------------------------------------

def is_editor(user) -> bool:
    """The user may publish (an editor, by group or by a permission of their own, or a superuser)."""
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(PUBLISH_PERMISSION))


def owns(user, article) -> bool:
    """The story is the user's: they created it or carry its byline."""
    from .models import Byline

    if not (user and user.is_authenticated) or article.pk is None:
        return False
    if article.created_by_id == user.pk:
        return True
    # Asked many times per admin page (the form, each inline, each button): one query per story and user.
    known = article.__dict__.setdefault("_bylined_users", {})
    if user.pk not in known:
        known[user.pk] = Byline.objects.filter(article_id=article.pk, author__user=user).exists()
    return known[user.pk]


def may_publish(user) -> bool:
    """May publish stories in bulk from the list (the admin action)."""
    return is_editor(user)


def may_set_publish_time(user) -> bool:
    """May write a story's publication time by hand (schedule it, or date it back)."""
    return is_editor(user)


def may_feature(user) -> bool:
    """May put a story among the featured ones on the front page."""
    return is_editor(user)


def may_manage_webhooks(user) -> bool:
    """May register webhook endpoints and read or resend their deliveries (they carry signing secrets)."""
    return bool(user.is_staff and is_editor(user))


def may_edit_masthead(user) -> bool:
    """May change the paper's identity and legal masthead (name, licence, editor-in-chief, contacts)."""
    return bool(user.is_staff and is_editor(user))


def may_arrange_front_page(user) -> bool:
    """May arrange the home page: pin stories in its slots, schedule a layout, undo a change."""
    return bool(user.is_staff and is_editor(user))


def may_see_readership(user) -> bool:
    """May read how many views each story had (the most-read counts)."""
    return bool(user.is_staff and is_editor(user))


def may_change_address(user) -> bool:
    """May change a published story's slug or section (its old address then answers 301, redirects app)."""
    return is_editor(user)


def may_manage_redirects(user) -> bool:
    """May add, import and remove redirects from old addresses (the paper's old site)."""
    return bool(user.is_staff and is_editor(user))


def may_fetch_originals(user) -> bool:
    """May download a photo's upload as sent, with its EXIF and GPS."""
    return bool(user.is_staff and is_editor(user))


# --- Users to notify ----------------------------------------------------------------------------------------

def editors():
    """Active users who hold the publish permission, through a group or directly."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    permission_ids = Permission.objects.filter(
        codename=PUBLISH_CODENAME, content_type__app_label="articles"
    ).values("pk")
    return get_user_model().objects.filter(is_active=True).filter(
        Q(groups__permissions__in=permission_ids) | Q(user_permissions__in=permission_ids)
    ).distinct()
