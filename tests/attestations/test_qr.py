"""The faster mask choice draws exactly the symbol segno would."""

import random
import string

import segno
from segno import consts

from assure.attestations.qr import alignment_positions, format_information, qr_rows


def segno_rows(text):
    code = segno.make(text, error="m", micro=False, boost_error=False)
    return ["".join(str(bit) for bit in row) for row in code.matrix], code


def test_alignment_positions_are_those_of_the_standard():
    for version in range(2, 41):
        assert alignment_positions(version) == list(consts.ALIGNMENT_POS[version - 2])
    assert alignment_positions(1) == []


def test_format_information_is_that_of_the_standard():
    # ISO/IEC 18004 Table C.1, error correction level M: masks 0 to 7.
    assert [format_information(mask) for mask in range(8)] == [
        0x5412,
        0x5125,
        0x5E7C,
        0x5B4B,
        0x45F9,
        0x40CE,
        0x4F97,
        0x4AA0,
    ]


def test_the_symbol_is_segnos_whatever_its_size_and_mask():
    rnd = random.Random(7)
    alphabet = string.ascii_letters + string.digits + "-_"
    lengths = [rnd.randrange(1, 120) for _ in range(200)] + list(range(120, 1200, 20))
    versions, masks = set(), set()
    for length in lengths:
        text = "".join(rnd.choice(alphabet) for _ in range(length))
        expected, code = segno_rows(text)
        versions.add(code.version)
        masks.add(code.mask)
        assert qr_rows(text) == expected, (length, code.version, code.mask)
    assert len(versions) >= 25 and masks == set(range(8))
