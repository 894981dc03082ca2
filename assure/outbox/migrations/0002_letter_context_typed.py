"""Letters keep their context's values with their types (assure.lib.typed_json).

Until now a letter's context went through DjangoJSONEncoder and came back by
guessing which strings were dates. The only letter is the provisional code
("code"), whose only non-string value is `expires_at`, an aware datetime: the
letters already queued get it back as a datetime, which the new encoder then
stores tagged. Backwards, it is written as the ISO string again.
"""

from django.db import migrations, models
from django.utils.dateparse import parse_datetime

import assure.lib.typed_json

DATETIMES = {"code": ["expires_at"]}  # template → its context's datetime keys


def tag_datetimes(apps, schema_editor):
    Letter = apps.get_model("outbox", "Letter")
    for letter in Letter.objects.filter(template__in=DATETIMES).iterator():
        for key in DATETIMES[letter.template]:
            if isinstance(letter.context.get(key), str):
                letter.context[key] = parse_datetime(letter.context[key])
        letter.save(update_fields=["context"])


def untag_datetimes(apps, schema_editor):
    Letter = apps.get_model("outbox", "Letter")
    for letter in Letter.objects.filter(template__in=DATETIMES).iterator():
        for key in DATETIMES[letter.template]:
            if (moment := letter.context.get(key)) is not None and not isinstance(moment, str):
                letter.context[key] = moment.isoformat().replace("+00:00", "Z")
        letter.save(update_fields=["context"])


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="letter",
            name="context",
            field=models.JSONField(
                decoder=assure.lib.typed_json.Decoder,
                default=dict,
                encoder=assure.lib.typed_json.Encoder,
                verbose_name="contenu",
            ),
        ),
        migrations.RunPython(tag_datetimes, untag_datetimes),
    ]
