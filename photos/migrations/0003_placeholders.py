"""Placeholders made by the importer are flagged, and credited as what they are rather than to the story's byline.

Before this, the importer credited its placeholders "Ảnh: <byline>". They are recognised by what only the
importer makes: the file name "anh-minh-hoa.jpg" with no uploader.
"""
from django.db import migrations, models

PLACEHOLDER_CREDIT = "Ảnh minh họa"  # photos.placeholders.PLACEHOLDER_CREDIT when this was written


def flag_placeholders(apps, schema_editor):
    Photo = apps.get_model("photos", "Photo")
    Photo.objects.using(schema_editor.connection.alias).filter(
        original_filename="anh-minh-hoa.jpg", uploaded_by__isnull=True,
    ).update(is_placeholder=True, credit=PLACEHOLDER_CREDIT)


class Migration(migrations.Migration):
    dependencies = [("photos", "0002_no_crops")]

    operations = [
        migrations.AddField(
            model_name="photo",
            name="is_placeholder",
            field=models.BooleanField(default=False, editable=False, help_text="Made by the importer where the scraped story had a photo it did not save; shown in the library until a real photo replaces it.", verbose_name="placeholder"),
        ),
        migrations.RunPython(flag_placeholders, migrations.RunPython.noop),
    ]
