"""The trash (Thùng rác): when a story was moved there and by whom; the admin lists it as its own model."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0010_search_everything'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ArticleInTrash',
            fields=[
            ],
            options={
                'verbose_name': 'story in the trash',
                'verbose_name_plural': 'Trash',
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('articles.article',),
        ),
        migrations.AddField(
            model_name='article',
            name='trashed_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='moved to the trash at'),
        ),
        migrations.AddField(
            model_name='article',
            name='trashed_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='moved to the trash by'),
        ),
    ]
