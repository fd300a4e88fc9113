"""Bylines get a role (Bài, Ảnh, Video, Đồ họa, Dịch); every existing byline becomes a writer (the default).

One person may now hold two roles on a story (writes and photographs it), so the unique pair becomes a triple.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0006_mail_failure'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='byline',
            name='unique_byline',
        ),
        migrations.AddField(
            model_name='byline',
            name='role',
            field=models.CharField(choices=[('writer', 'Words'), ('photos', 'Photos'), ('video', 'Video'), ('graphics', 'Graphics'), ('translation', 'Translation')], default='writer', max_length=20, verbose_name='role'),
        ),
        migrations.AddConstraint(
            model_name='byline',
            constraint=models.UniqueConstraint(fields=('article', 'author', 'role'), name='unique_byline_role'),
        ),
    ]
