"""Photo and Rendition now belong to the photos app (its migration 0001): the stories' links to photos point
there, and this app stops declaring the two models. Django's state only; the tables stay as they are."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_english_msgids"),
        ("photos", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="author",
                    name="portrait",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="portrait_of", to="photos.photo", verbose_name="portrait"),
                ),
                migrations.AlterField(
                    model_name="caption",
                    name="photo",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="captions", to="photos.photo", verbose_name="photo"),
                ),
                migrations.DeleteModel(name="Rendition"),
                migrations.DeleteModel(name="Photo"),
            ],
        ),
    ]
