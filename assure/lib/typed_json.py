"""JSON that keeps its types: a date comes back a date, never a guessed string.

Plain JSON has no dates, datetimes or decimals. Here each such value is
written as a one-key object naming its type, and read back as that type:

    {"expires_at": {"$datetime": "2026-11-23T14:30:00+00:00"}}

Nothing is inferred from what a string looks like. Datetimes must be aware
(they come back in UTC); other values JSON cannot hold, and object keys
beginning with "$" (reserved for the tags), are refused when writing.

`Encoder` and `Decoder` are the classes a JSONField takes
(`models.JSONField(encoder=Encoder, decoder=Decoder)`).
"""

import datetime
import json
from decimal import Decimal

TAGS = {
    "$date": datetime.date.fromisoformat,
    "$datetime": datetime.datetime.fromisoformat,
    "$decimal": Decimal,
}


def tagged(value):
    """`value` with its dates, datetimes and decimals as tagged objects."""
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str) or key.startswith("$"):
                raise TypeError(f"Key {key!r}: keys are strings not beginning with '$'.")
        return {key: tagged(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [tagged(item) for item in value]
    if isinstance(value, datetime.datetime):
        if value.utcoffset() is None:
            raise TypeError(f"{value!r} is naive: only aware datetimes are stored.")
        return {"$datetime": value.astimezone(datetime.UTC).isoformat()}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"{type(value).__name__} is not stored as JSON: {value!r}")


def untagged(obj):
    """The object_hook that reads a tagged object back as its value."""
    if len(obj) == 1:
        [(key, text)] = obj.items()
        if key in TAGS:
            return TAGS[key](text)
    return obj


class Encoder(json.JSONEncoder):
    def iterencode(self, o, _one_shot=False):
        return super().iterencode(tagged(o), _one_shot)


class Decoder(json.JSONDecoder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**kwargs, "object_hook": untagged})
