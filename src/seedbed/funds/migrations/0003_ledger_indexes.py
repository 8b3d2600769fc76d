"""Ledger indexes for fast posting, and the ledger's guards reinstalled with lookups by one indexed column.

Postings get an (entry, asset) index: the database's balance check groups an entry's postings by asset,
and with only an index on the entry PostgreSQL could pick the asset index and scan every posting of that
asset. Single-column indexes covered by a composite one are dropped: each costs on every
posting. See funds/ledger_sql.py and ADR 0009.
"""

import django.db.models.deletion
from django.db import migrations, models


def install(apps, schema_editor):
    from seedbed.funds import ledger_sql

    ledger_sql.install(schema_editor)


def remove(apps, schema_editor):
    from seedbed.funds import ledger_sql

    ledger_sql.remove(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("funds", "0002_ledger_guards")]

    operations = [
        # SQLite rebuilds a table to alter it, which triggers that name the table would prevent.
        migrations.RunPython(remove, install),
        migrations.AlterField(
            model_name="journalentry",
            name="cause_type",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                to="contenttypes.contenttype",
            ),
        ),
        migrations.AlterField(
            model_name="journalentry",
            name="fund",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="entries",
                to="funds.fund",
            ),
        ),
        migrations.AlterField(
            model_name="posting",
            name="account",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="postings",
                to="funds.account",
            ),
        ),
        migrations.AlterField(
            model_name="posting",
            name="entry",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="postings",
                to="funds.journalentry",
            ),
        ),
        migrations.AlterField(
            model_name="posting",
            name="fund",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="funds.fund"
            ),
        ),
        migrations.AddIndex(
            model_name="posting",
            index=models.Index(fields=["entry", "asset"], name="funds_posting_entry_asset"),
        ),
        migrations.RunPython(install, remove),
    ]
