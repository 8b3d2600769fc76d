"""The ledger's invariants, enforced by the database itself (SQLite triggers; PostgreSQL triggers and a
deferred constraint trigger). Installed by migration 0002 and checked by tests that write raw SQL.

1. A posting, a journal entry and an entry seal are never updated or deleted.
2. A journal entry is sealed by its own seal (``seal_key = key``); the foreign key is checked at commit.
3. A seal is admitted only when its entry has two postings or more and, for each asset, they sum to 0.
4. No posting is added to a sealed entry; a posting's amount is a non-zero whole number, and its asset
   and fund are those of its account.

Every lookup goes through one indexed column at a time (an entry by id or key, postings by entry id), so
the checks cost the same whatever the size of the ledger. On PostgreSQL the functions that query run with
``enable_seqscan = off``: PL/pgSQL caches a generic plan after a few calls, and one made while the tables
were nearly empty (a fresh install, a bulk load before autovacuum's first ANALYZE) would scan every
posting for every new row, quadratic in the load; a point lookup by an indexed column never needs that.

Changing a statement here needs a new migration that calls ``remove`` then ``install`` (as 0003 does).

On SQLite the triggers are switched off only while ``seedbed flush`` empties every table (see
``seedbed.core.db.guards``).
"""

from __future__ import annotations

MESSAGE_IMMUTABLE = "ledger: posted entries and postings cannot be changed or deleted; post a reversing entry"
MESSAGE_UNBALANCED = "ledger: the entry does not balance: for each asset its postings must sum to zero"
MESSAGE_SEALED = "ledger: the entry is already posted; postings cannot be added to it"
MESSAGE_OWN_SEAL = "ledger: an entry must be sealed by its own seal"
MESSAGE_AMOUNT = "ledger: the amount of a posting must be a non-zero whole number"
MESSAGE_ACCOUNT = "ledger: the asset and fund of a posting must be those of its account"

assert not any(
    "'" in message
    for message in (
        MESSAGE_IMMUTABLE,
        MESSAGE_UNBALANCED,
        MESSAGE_SEALED,
        MESSAGE_OWN_SEAL,
        MESSAGE_AMOUNT,
        MESSAGE_ACCOUNT,
    )
), "messages go into SQL string literals"


def _sqlite_immutable(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} WHEN seedbed_ledger_guard()
        BEGIN SELECT RAISE(ABORT, '{MESSAGE_IMMUTABLE}'); END""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} WHEN seedbed_ledger_guard()
        BEGIN SELECT RAISE(ABORT, '{MESSAGE_IMMUTABLE}'); END""",
    ]


SQLITE_INSTALL = [
    *_sqlite_immutable("funds_posting"),
    *_sqlite_immutable("funds_journalentry"),
    *_sqlite_immutable("funds_entryseal"),
    f"""CREATE TRIGGER funds_journalentry_own_seal BEFORE INSERT ON funds_journalentry
    WHEN NEW.seal_key IS NOT NEW.key
    BEGIN SELECT RAISE(ABORT, '{MESSAGE_OWN_SEAL}'); END""",
    f"""CREATE TRIGGER funds_posting_amount BEFORE INSERT ON funds_posting
    WHEN NOT (NEW.amount GLOB '[1-9]*' OR NEW.amount GLOB '-[1-9]*')
      OR (CASE WHEN substr(NEW.amount, 1, 1) = '-' THEN substr(NEW.amount, 2) ELSE NEW.amount END)
         GLOB '*[^0-9]*'
    BEGIN SELECT RAISE(ABORT, '{MESSAGE_AMOUNT}'); END""",
    f"""CREATE TRIGGER funds_posting_account BEFORE INSERT ON funds_posting
    WHEN NOT EXISTS (SELECT 1 FROM funds_account a
                     WHERE a.id = NEW.account_id AND a.asset_id = NEW.asset_id AND a.fund_id = NEW.fund_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE_ACCOUNT}'); END""",
    f"""CREATE TRIGGER funds_posting_open_entry BEFORE INSERT ON funds_posting
    WHEN EXISTS (SELECT 1 FROM funds_entryseal s
                 WHERE s.entry_key = (SELECT e.key FROM funds_journalentry e WHERE e.id = NEW.entry_id))
    BEGIN SELECT RAISE(ABORT, '{MESSAGE_SEALED}'); END""",
    f"""CREATE TRIGGER funds_entryseal_balanced BEFORE INSERT ON funds_entryseal
    WHEN (SELECT COUNT(*) FROM funds_posting p
          WHERE p.entry_id = (SELECT e.id FROM funds_journalentry e WHERE e.key = NEW.entry_key)) < 2
      OR EXISTS (SELECT 1 FROM funds_posting p
                 WHERE p.entry_id = (SELECT e.id FROM funds_journalentry e WHERE e.key = NEW.entry_key)
                 GROUP BY p.asset_id HAVING seedbed_exact_sum(p.amount) <> '0')
    BEGIN SELECT RAISE(ABORT, '{MESSAGE_UNBALANCED}'); END""",
]

SQLITE_REMOVE = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in [
        "funds_posting_no_update",
        "funds_posting_no_delete",
        "funds_journalentry_no_update",
        "funds_journalentry_no_delete",
        "funds_entryseal_no_update",
        "funds_entryseal_no_delete",
        "funds_journalentry_own_seal",
        "funds_posting_amount",
        "funds_posting_account",
        "funds_posting_open_entry",
        "funds_entryseal_balanced",
    ]
]

POSTGRES_INSTALL = [
    f"""CREATE FUNCTION funds_ledger_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '{MESSAGE_IMMUTABLE}' USING ERRCODE = 'integrity_constraint_violation';
    END $$""",
    *[
        f"""CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION funds_ledger_immutable()"""
        for table in ("funds_posting", "funds_journalentry", "funds_entryseal")
    ],
    f"""CREATE FUNCTION funds_journalentry_check() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.seal_key IS DISTINCT FROM NEW.key THEN
        RAISE EXCEPTION '{MESSAGE_OWN_SEAL}' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NEW;
    END $$""",
    """CREATE TRIGGER funds_journalentry_check BEFORE INSERT ON funds_journalentry
    FOR EACH ROW EXECUTE FUNCTION funds_journalentry_check()""",
    f"""CREATE FUNCTION funds_posting_check() RETURNS trigger LANGUAGE plpgsql
    SET enable_seqscan = off AS $$
    BEGIN
      IF NEW.amount = 0 OR NEW.amount <> trunc(NEW.amount) THEN
        RAISE EXCEPTION '{MESSAGE_AMOUNT}' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF NOT EXISTS (SELECT 1 FROM funds_account a WHERE a.id = NEW.account_id
                     AND a.asset_id = NEW.asset_id AND a.fund_id = NEW.fund_id) THEN
        RAISE EXCEPTION '{MESSAGE_ACCOUNT}' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF EXISTS (SELECT 1 FROM funds_entryseal s
                 WHERE s.entry_key = (SELECT e.key FROM funds_journalentry e WHERE e.id = NEW.entry_id)) THEN
        RAISE EXCEPTION '{MESSAGE_SEALED}' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NEW;
    END $$""",
    """CREATE TRIGGER funds_posting_check BEFORE INSERT ON funds_posting
    FOR EACH ROW EXECUTE FUNCTION funds_posting_check()""",
    f"""CREATE FUNCTION funds_entryseal_check() RETURNS trigger LANGUAGE plpgsql
    SET enable_seqscan = off AS $$
    DECLARE
      sealed_entry bigint := (SELECT e.id FROM funds_journalentry e WHERE e.key = NEW.entry_key);
    BEGIN
      IF (SELECT COUNT(*) FROM funds_posting p WHERE p.entry_id = sealed_entry) < 2
         OR EXISTS (SELECT 1 FROM funds_posting p WHERE p.entry_id = sealed_entry
                    GROUP BY p.asset_id HAVING SUM(p.amount) <> 0) THEN
        RAISE EXCEPTION '{MESSAGE_UNBALANCED}' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NEW;
    END $$""",
    """CREATE TRIGGER funds_entryseal_check BEFORE INSERT ON funds_entryseal
    FOR EACH ROW EXECUTE FUNCTION funds_entryseal_check()""",
    # At commit, every new entry is sealed and has two balanced postings or more (the deferred check).
    # Postings can only join an unsealed entry, and every committed entry is sealed, so checking the
    # entries written in this transaction covers every posting written in it.
    f"""CREATE FUNCTION funds_entry_balanced_at_commit() RETURNS trigger LANGUAGE plpgsql
    SET enable_seqscan = off AS $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM funds_entryseal s WHERE s.entry_key = NEW.key)
         OR (SELECT COUNT(*) FROM funds_posting p WHERE p.entry_id = NEW.id) < 2
         OR EXISTS (SELECT 1 FROM funds_posting p WHERE p.entry_id = NEW.id
                    GROUP BY p.asset_id HAVING SUM(p.amount) <> 0) THEN
        RAISE EXCEPTION '{MESSAGE_UNBALANCED}' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NULL;
    END $$""",
    """CREATE CONSTRAINT TRIGGER funds_entry_balanced_at_commit AFTER INSERT ON funds_journalentry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION funds_entry_balanced_at_commit()""",
]

POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS funds_posting_balanced_at_commit ON funds_posting",  # before migration 0003
    "DROP TRIGGER IF EXISTS funds_entry_balanced_at_commit ON funds_journalentry",
    "DROP TRIGGER IF EXISTS funds_entryseal_check ON funds_entryseal",
    "DROP TRIGGER IF EXISTS funds_posting_check ON funds_posting",
    "DROP TRIGGER IF EXISTS funds_journalentry_check ON funds_journalentry",
    *[
        f"DROP TRIGGER IF EXISTS {t}_immutable ON {t}"
        for t in ("funds_posting", "funds_journalentry", "funds_entryseal")
    ],
    "DROP FUNCTION IF EXISTS funds_entry_balanced_at_commit()",
    "DROP FUNCTION IF EXISTS funds_entryseal_check()",
    "DROP FUNCTION IF EXISTS funds_posting_check()",
    "DROP FUNCTION IF EXISTS funds_journalentry_check()",
    "DROP FUNCTION IF EXISTS funds_ledger_immutable()",
]


def install(schema_editor: object) -> None:
    connection = schema_editor.connection  # type: ignore[attr-defined]
    statements = POSTGRES_INSTALL if connection.vendor == "postgresql" else SQLITE_INSTALL
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def remove(schema_editor: object) -> None:
    connection = schema_editor.connection  # type: ignore[attr-defined]
    statements = POSTGRES_REMOVE if connection.vendor == "postgresql" else SQLITE_REMOVE
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
