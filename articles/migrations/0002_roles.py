"""The newsroom's two roles, Phóng viên (reporter) and Biên tập viên (editor), with exactly their permissions.

Reporters write: stories, their bylines and photos, and may pick sections, authors and tags. Editors also
publish (articles.publish_article), delete stories, keep sections, authors and tags, write corrections
(Đính chính) and read the audit trail. Who may edit which story, in which state, is decided in workflow.py.

This is a frozen copy of articles/roles.py's groups as they were at this migration (tests/articles/test_roles.py
checks they agree); a permission added to a role later reaches databases through roles.sync_roles on post_migrate.
"""
from django.db import migrations

REPORTER = [
    "add_article", "change_article", "view_article",
    "add_byline", "change_byline", "delete_byline", "view_byline",
    "add_caption", "change_caption", "delete_caption", "view_caption",
    "add_photo", "change_photo", "view_photo",
    "view_author", "view_section", "add_tag", "view_tag", "view_correction",
]
EDITOR = REPORTER + [
    "publish_article", "delete_article", "delete_photo",
    "add_section", "change_section",
    "add_author", "change_author",
    "change_tag", "delete_tag",
    "add_correction", "change_correction",
    "view_transition",
]
ROLES = {"Phóng viên": REPORTER, "Biên tập viên": EDITOR}


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after `migrate` finishes; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, using=schema_editor.connection.alias, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    for name, codenames in ROLES.items():
        permissions = list(
            Permission.objects.using(db).filter(content_type__app_label="articles", codename__in=codenames)
        )
        found = {permission.codename for permission in permissions}
        if found != set(codenames):
            raise RuntimeError(f"Thiếu quyền cho nhóm {name}: {sorted(set(codenames) - found)}")
        group, _ = Group.objects.using(db).get_or_create(name=name)
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
