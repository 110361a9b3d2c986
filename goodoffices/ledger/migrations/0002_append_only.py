"""The database refuses UPDATE and DELETE on stored hashes, as it does on events:
the tree can only grow, even for code that bypasses the services."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

MESSAGE = "stored hashes are append-only"


def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for action in ("UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER ledger_storedhash_no_{action.lower()} BEFORE {action} ON ledger_storedhash "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
            )
    elif vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$ LANGUAGE plpgsql;"
        )
        schema_editor.execute(
            "CREATE TRIGGER ledger_storedhash_append_only BEFORE UPDATE OR DELETE ON ledger_storedhash "
            "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();"
        )
    else:
        raise RuntimeError(f"no append-only guard for the {vendor} database")


def remove(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS ledger_storedhash_no_update;")
        schema_editor.execute("DROP TRIGGER IF EXISTS ledger_storedhash_no_delete;")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS ledger_storedhash_append_only ON ledger_storedhash;")
        schema_editor.execute("DROP FUNCTION IF EXISTS ledger_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
