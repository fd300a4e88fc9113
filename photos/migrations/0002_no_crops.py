"""Focal-point crops go: no page ever asked for one. The teasers' 3:2 box is cut by CSS (object-fit: cover), and
a 3:2 crop rendition would have saved little: for a 480 px teaser image in WebP, a 3:2 camera photo 0 KB, a 4:3
phone photo 1.9 KB (15.2 -> 13.3), a 16:9 placeholder would grow by 5.6 KB, only a 2:3 portrait saves 18.6 KB,
against 8 more encodes and files for every lead photo. So the focal point a photo carried and the crop a
rendition was made for are dropped. Crop renditions made by hand lose their rows (their few files stay on
storage, unreferenced)."""
from django.db import migrations, models


def delete_crop_renditions(apps, schema_editor):
    Rendition = apps.get_model("photos", "Rendition")
    Rendition.objects.using(schema_editor.connection.alias).exclude(crop="").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("photos", "0001_initial"),
        ("articles", "0009_photos_app"),
    ]

    operations = [
        migrations.RunPython(delete_crop_renditions, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="rendition", name="unique_rendition"),
        migrations.RemoveField(model_name="rendition", name="crop"),
        migrations.AddConstraint(
            model_name="rendition",
            constraint=models.UniqueConstraint(fields=("photo", "width", "format"), name="unique_rendition"),
        ),
        migrations.RemoveField(model_name="photo", name="focal_x"),
        migrations.RemoveField(model_name="photo", name="focal_y"),
    ]
