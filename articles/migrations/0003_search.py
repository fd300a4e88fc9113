# Placeholder kept in the chain so that work on search (issue 4) has its own migration file.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_roles")]
    operations = []
