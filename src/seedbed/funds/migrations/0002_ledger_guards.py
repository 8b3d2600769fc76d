"""Install the ledger's database guards (triggers) for the database in use. See funds/ledger_sql.py."""

from django.db import migrations


def install(apps, schema_editor):
    from seedbed.funds import ledger_sql

    ledger_sql.install(schema_editor)


def remove(apps, schema_editor):
    from seedbed.funds import ledger_sql

    ledger_sql.remove(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
