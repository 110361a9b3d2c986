"""The database itself refuses UPDATE and DELETE on events: the record is append-only
even for code that bypasses the services. (TRUNCATE is an operator's act, not a row change.)"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

MESSAGE = "events are append-only"


def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for action in ("UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER events_event_no_{action.lower()} BEFORE {action} ON events_event "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
            )
    elif vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION goodoffices_refuse_change() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$ LANGUAGE plpgsql;"
        )
        schema_editor.execute(
            "CREATE TRIGGER events_event_append_only BEFORE UPDATE OR DELETE ON events_event "
            "FOR EACH ROW EXECUTE FUNCTION goodoffices_refuse_change();"
        )
    else:
        raise RuntimeError(f"no append-only guard for the {vendor} database")


def remove(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS events_event_no_update;")
        schema_editor.execute("DROP TRIGGER IF EXISTS events_event_no_delete;")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS events_event_append_only ON events_event;")
        schema_editor.execute("DROP FUNCTION IF EXISTS goodoffices_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
