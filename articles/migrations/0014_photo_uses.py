"""PhotoUse: which stories show which library photo, as their lead or in their text (articles/photouses.py)."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0013_remove_caption_position'),
        ('photos', '0004_english_msgids'),
    ]

    operations = [
        migrations.CreateModel(
            name='PhotoUse',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('place', models.CharField(choices=[('lead', 'lead photo'), ('text', 'in the text')], max_length=4, verbose_name='shown as')),
                ('caption', models.TextField(blank=True, verbose_name='caption')),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='photo_uses', to='articles.article', verbose_name='story')),
                ('photo', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='uses', to='photos.photo', verbose_name='photo')),
            ],
            options={
                'verbose_name': 'use of a photo',
                'verbose_name_plural': 'uses of photos',
                'constraints': [models.UniqueConstraint(fields=('article', 'photo', 'place'), name='one_use_per_place')],
            },
        ),
    ]
