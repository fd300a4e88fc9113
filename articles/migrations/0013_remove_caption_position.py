"""Photos are no longer placed by a typed number: 0012 moved every placed caption into its story's body."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0012_captions_into_body"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="caption",
            options={"ordering": ["order", "id"], "verbose_name": "photo in a story",
                     "verbose_name_plural": "photos in stories"},
        ),
        migrations.RemoveField(model_name="caption", name="position"),
    ]
