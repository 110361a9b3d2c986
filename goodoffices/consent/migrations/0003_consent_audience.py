from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def seal_existing(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # What the mandate said when older consents were given is not known: keep them with
    # their own party only, the most restrictive reading.
    Consent = apps.get_model("consent", "Consent")
    for consent in Consent.objects.all():
        consent.audience = f"party:{consent.party_id}"
        consent.save(update_fields=["audience"])


class Migration(migrations.Migration):
    dependencies = [("consent", "0002_jointconsent_question")]
    operations = [
        migrations.AddField(
            model_name="consent",
            name="audience",
            field=models.CharField(default="", max_length=40),
            preserve_default=False,
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
    ]
