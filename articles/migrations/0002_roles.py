# Placeholder kept in the chain so that work on roles (issue 3) has its own migration file.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]
    operations = []
