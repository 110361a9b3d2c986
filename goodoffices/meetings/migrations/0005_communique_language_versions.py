from django.db import migrations, models


def original_languages(apps, schema_editor):
    """A communiqué drafted before language versions is in the first language of its process's
    mandate (what drafting now defaults to), or English where the mandate names none."""
    Communique = apps.get_model("meetings", "Communique")
    for communique in Communique.objects.select_related("meeting__process__mandate_version").iterator():
        languages = communique.meeting.process.mandate_version.languages or ["en"]
        if communique.language != languages[0]:
            communique.language = languages[0]
            communique.save(update_fields=["language"])


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0004_ux_meeting_details"),
        ("processes", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="communique",
            name="language",
            field=models.CharField(default="en", max_length=8, verbose_name="original language"),
            preserve_default=False,
        ),
        migrations.RunPython(original_languages, migrations.RunPython.noop),
        migrations.CreateModel(
            name="CommuniqueLanguageVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("language", models.CharField(max_length=8, verbose_name="language")),
                ("text", models.TextField()),
                ("authentic", models.BooleanField(verbose_name="equally authentic")),
                (
                    "communique",
                    models.ForeignKey(
                        on_delete=models.deletion.CASCADE,
                        related_name="language_versions",
                        to="meetings.communique",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("communique", "language"), name="communique_language_once")
                ],
            },
        ),
    ]
