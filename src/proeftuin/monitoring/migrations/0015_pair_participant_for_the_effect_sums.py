# The pair keeps its trajectory's participant (issue 14 item 1): the effect sums count persons
# without joining the trajectories. The existing pairs get theirs from their trajectory.

import django.db.models.deletion
from django.db import migrations, models

FILL = (
    "UPDATE monitoring_pair SET participant_id = ("
    "SELECT t.participant_id FROM monitoring_trajectory t WHERE t.id = monitoring_pair.trajectory_id)"
)


def fill(apps, schema_editor) -> None:
    """Copy each pair's participant from its trajectory (in the database, one statement)."""
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            # Checked now, not at commit: a pending deferred check would forbid the ALTER TABLE
            # (NOT NULL) that follows in this transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(FILL)


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0014_fk_indexes_covered_by_unique_constraints"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="pair",
            name="pair_sums_covering",
        ),
        migrations.AddField(
            model_name="pair",
            name="participant",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="monitoring.participant",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="pair",
            name="participant",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="monitoring.participant",
            ),
        ),
        migrations.AddIndex(
            model_name="pair",
            index=models.Index(
                fields=[
                    "project",
                    "series",
                    "instrument",
                    "domain",
                    "neighbourhood",
                    "age_group",
                    "period",
                    "baseline_score",
                    "latest_score",
                    "participant",
                    "trajectory",
                    "import_batch",
                ],
                name="pair_sums_covering",
            ),
        ),
    ]
