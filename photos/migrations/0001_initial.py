"""The photo library moves from the articles app to this one without moving any data.

Only Django's state changes: Photo and Rendition are declared here with the tables they already have
(articles_photo, articles_rendition), and articles' migration 0009 stops declaring them. The one database change
is the content types' app label, so that the permissions the groups hold, the admin log and every row that
points at a content type follow the models instead of being made again under a new id.
"""
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import articles.models
import photos.storage

MODELS = ("photo", "rendition")


def move_content_types(apps, schema_editor, source="articles", target="photos"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        # A database migrated once with a photos app already made its own row: that one is left alone.
        if not ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            ContentType.objects.using(db).filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="photos", target="articles")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_english_msgids"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Photo",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("image", models.ImageField(height_field="height", max_length=255, upload_to=photos.storage.photo_upload_to, verbose_name="ảnh", width_field="width")),
                        ("original", models.FileField(blank=True, help_text="Tệp gốc như khi tải lên, chỉ biên tập viên xem được.", max_length=255, storage=photos.storage.private_storage, upload_to=photos.storage.original_upload_to, verbose_name="bản gốc")),
                        ("original_filename", models.CharField(blank=True, max_length=255, verbose_name="tên tệp gốc")),
                        ("format", models.CharField(blank=True, max_length=10, verbose_name="định dạng")),
                        ("width", models.PositiveIntegerField(blank=True, editable=False, null=True, verbose_name="rộng")),
                        ("height", models.PositiveIntegerField(blank=True, editable=False, null=True, verbose_name="cao")),
                        ("file_size", models.PositiveIntegerField(blank=True, editable=False, null=True, verbose_name="dung lượng (byte)")),
                        ("checksum", models.CharField(blank=True, db_index=True, editable=False, max_length=64)),
                        ("alt_text", models.CharField(blank=True, help_text="Mô tả nội dung ảnh cho người khiếm thị và công cụ tìm kiếm.", max_length=300, verbose_name="mô tả ảnh (alt)")),
                        ("credit", models.CharField(blank=True, help_text="Người chụp hoặc hãng ảnh, ví dụ: “Ảnh: Nông Vui”.", max_length=200, verbose_name="tác giả ảnh")),
                        ("focal_x", models.FloatField(blank=True, help_text="0 là mép trái, 1 là mép phải.", null=True, verbose_name="tâm điểm ngang")),
                        ("focal_y", models.FloatField(blank=True, help_text="0 là mép trên, 1 là mép dưới.", null=True, verbose_name="tâm điểm dọc")),
                        ("uploaded_at", models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="thời điểm tải lên")),
                        ("uploaded_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="người tải lên")),
                    ],
                    options={
                        "verbose_name": "ảnh",
                        "verbose_name_plural": "thư viện ảnh",
                        "db_table": "articles_photo",
                        "ordering": ["-uploaded_at"],
                    },
                    bases=(articles.models.NormalizedTextMixin, models.Model),
                ),
                migrations.CreateModel(
                    name="Rendition",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("width", models.PositiveIntegerField()),
                        ("height", models.PositiveIntegerField()),
                        ("format", models.CharField(max_length=10)),
                        ("crop", models.CharField(blank=True, default="", max_length=20)),
                        ("file", models.ImageField(max_length=255, upload_to=photos.storage.rendition_upload_to)),
                        ("photo", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="renditions", to="photos.photo")),
                    ],
                    options={"db_table": "articles_rendition"},
                ),
                migrations.AddConstraint(
                    model_name="rendition",
                    constraint=models.UniqueConstraint(fields=("photo", "width", "format", "crop"), name="unique_rendition"),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back, elidable=False),
    ]
