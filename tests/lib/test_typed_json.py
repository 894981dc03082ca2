import datetime
import json
from decimal import Decimal

import pytest

from assure.lib.typed_json import Decoder, Encoder

PARIS = datetime.timezone(datetime.timedelta(hours=1))


def round_trip(value):
    return json.loads(json.dumps(value, cls=Encoder), cls=Decoder)


def test_dates_datetimes_and_decimals_come_back_with_their_types():
    value = {
        "expires_at": datetime.datetime(2026, 11, 23, 15, 30, tzinfo=PARIS),
        "day": datetime.date(2026, 11, 23),
        "amount": Decimal("-12.50"),
        "lines": [datetime.date(2026, 1, 2), "x", 3, None, True, 1.5],
        "nested": {"on": datetime.date(2026, 2, 3)},
    }

    back = round_trip(value)

    assert back == value
    assert back["expires_at"].tzinfo == datetime.UTC
    assert isinstance(back["day"], datetime.date) and isinstance(back["amount"], Decimal)


def test_a_string_that_looks_like_a_date_stays_a_string():
    assert round_trip({"code": "2026-11-23", "at": "2026-11-23T14:30:00Z"}) == {
        "code": "2026-11-23",
        "at": "2026-11-23T14:30:00Z",
    }


def test_the_tags_are_plain_json():
    text = json.dumps({"on": datetime.date(2026, 11, 23)}, cls=Encoder)
    assert json.loads(text) == {"on": {"$date": "2026-11-23"}}


@pytest.mark.parametrize(
    "value",
    [
        {"at": datetime.datetime(2026, 11, 23, 14, 30)},  # naive
        {"$date": "2026-11-23"},  # a reserved key
        {"member": object()},
    ],
)
def test_what_would_not_come_back_as_it_was_is_refused(value):
    with pytest.raises(TypeError):
        json.dumps(value, cls=Encoder)
