# Placeholder kept in the chain so that work on the photo pipeline (issue 5) has its own migration file.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_search")]
    operations = []
