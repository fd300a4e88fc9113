"""Redirects from old addresses (redirects/addresses.py)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('articles', '0001_initial'),  # the story table is all a redirect needs
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Redirect',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('old_path', models.CharField(help_text='The path as readers typed it, starting with /, with its query string if any (e.g. /tin-tuc/123.html or /index.php?id=123).', max_length=500, unique=True, verbose_name='old address')),
                ('target_path', models.CharField(blank=True, help_text='A page of this site that is not a story (a section, an author, the home page).', max_length=500, verbose_name='new address')),
                ('source', models.CharField(choices=[('moved', 'story moved'), ('manual', 'added by hand'), ('imported', 'imported from CSV')], default='manual', max_length=20, verbose_name='source')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created at')),
                ('article', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='old_addresses', to='articles.article', verbose_name='story')),
                ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
            ],
            options={
                'verbose_name': 'redirect',
                'verbose_name_plural': 'redirects',
                'ordering': ['-created_at', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('article__isnull', False), ('target_path', '')), models.Q(('article__isnull', True), models.Q(('target_path', ''), _negated=True)), _connector='OR'), name='redirect_has_one_target')],
            },
        ),
    ]
