"""articles/roles.py: the two roles, their groups kept in step on every migrate, and the questions asked of a user."""
import re
from importlib import import_module
from pathlib import Path

from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.management import call_command

from articles import roles
from tests.factories import make_article, make_user

ROOT = Path(__file__).resolve().parents[2]
MIGRATION = ROOT / "articles" / "migrations" / "0002_roles.py"


def group_codenames(role):
    return set(Group.objects.get(name=role.group).permissions.values_list("codename", flat=True))


def test_migration_and_roles_agree():
    """Migration 0002's frozen copy of the groups is the same as roles.py's, name for name and permission for
    permission (a change to one without the other fails here)."""
    frozen = import_module("articles.migrations.0002_roles").ROLES
    assert {name: set(codenames) for name, codenames in frozen.items()} == {
        role.group: set(role.codenames) for role in roles.ROLES.values()
    }


def test_fresh_database_groups_hold_exactly_their_roles_permissions(db):
    """After migrate each group holds its role's permissions and no other."""
    for role in roles.ROLES.values():
        assert group_codenames(role) == set(role.codenames)


def test_migrate_gives_back_a_permission_a_group_lost_and_keeps_what_was_granted(db):
    """A permission missing from a role's group (a database migrated before it joined the role) comes back on the
    next migrate; a permission an administrator added by hand stays; running it again changes nothing."""
    editors = Group.objects.get(name=roles.EDITOR.group)
    reporters = Group.objects.get(name=roles.REPORTER.group)
    editors.permissions.remove(Permission.objects.get(codename="add_correction"))
    extra = Permission.objects.get(codename="delete_photo")
    reporters.permissions.add(extra)
    assert "add_correction" not in group_codenames(roles.EDITOR)

    call_command("migrate", verbosity=0, interactive=False)
    assert group_codenames(roles.EDITOR) == set(roles.EDITOR.codenames)
    assert group_codenames(roles.REPORTER) == set(roles.REPORTER.codenames) | {"delete_photo"}

    before = {role.key: group_codenames(role) for role in roles.ROLES.values()}
    call_command("migrate", verbosity=0, interactive=False)
    assert {role.key: group_codenames(role) for role in roles.ROLES.values()} == before
    assert Group.objects.filter(name__in=roles.GROUP_NAMES).count() == 2


def test_migrate_makes_a_deleted_role_group_again(db):
    """A role's group deleted by hand is made again, with its permissions, by the next migrate."""
    Group.objects.filter(name=roles.REPORTER.group).delete()
    call_command("migrate", verbosity=0, interactive=False)
    assert group_codenames(roles.REPORTER) == set(roles.REPORTER.codenames)


def test_group_names_are_written_only_in_roles_and_the_migration():
    """The groups' names appear as string literals only in roles.py and migration 0002; everything else
    (commands, tests) says roles.REPORTER.group, so renaming a group is a change in two files."""
    literal = re.compile("|".join(rf"([\"']){re.escape(name)}\1" for name in roles.GROUP_NAMES))
    allowed = {ROOT / "articles" / "roles.py", MIGRATION}
    offenders = []
    for folder in ("articles", "newsroom", "tests", "bench", "templates", "static"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in {".py", ".html", ".js", ".txt"} or path in allowed:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            offenders += [f"{path.relative_to(ROOT)}:{n}" for n, line in enumerate(text.splitlines(), 1)
                          if literal.search(line)]
    assert offenders == []


def test_is_editor_and_the_editors_only_questions(db, editor, reporter, superuser):
    """Editors and superusers are editors; reporters, inactive editors and visitors are not; a reporter given the
    publish permission directly counts as an editor too."""
    inactive = make_user("bientap-nghi", groups=[roles.EDITOR.group], is_active=False)
    for user, expected in [(editor, True), (superuser, True), (reporter, False), (inactive, False),
                           (AnonymousUser(), False)]:
        assert roles.is_editor(user) is expected
        assert roles.may_publish(user) is expected
        assert roles.may_set_publish_time(user) is expected
        assert roles.may_feature(user) is expected
        assert roles.may_fetch_originals(user) is expected

    direct = make_user("phongvien-duyet", groups=[roles.REPORTER.group])
    direct.user_permissions.add(Permission.objects.get(codename=roles.PUBLISH_CODENAME))
    assert roles.is_editor(type(direct).objects.get(pk=direct.pk))


def test_originals_need_a_staff_editor(db):
    """An editor's account that lost staff status may not download originals."""
    former = make_user("bientap-cu", groups=[roles.EDITOR.group], staff=False)
    assert roles.is_editor(former) and not roles.may_fetch_originals(former)


def test_owns_by_creation_or_byline(db, reporter, other_reporter, editor):
    """A story is its creator's and its bylined reporters'; an editor does not own what they did not write."""
    story = make_article("Bài của Vui", authors=[reporter.author], created_by=editor)
    assert roles.owns(reporter, story) and roles.owns(editor, story)
    assert not roles.owns(other_reporter, story)
    assert not roles.owns(AnonymousUser(), story)
    assert list(type(story).objects.owned_by(other_reporter)) == []


def test_editors_are_the_active_holders_of_the_publish_permission(db, editor, reporter, superuser):
    """roles.editors(): group editors and direct holders of the permission, once each; not reporters, not
    inactive editors."""
    make_user("bientap-nghi", groups=[roles.EDITOR.group], is_active=False)
    direct = make_user("phongvien-duyet", groups=[roles.REPORTER.group])
    direct.user_permissions.add(Permission.objects.get(codename=roles.PUBLISH_CODENAME))
    assert sorted(roles.editors().values_list("username", flat=True)) == ["bientap", "phongvien-duyet"]
