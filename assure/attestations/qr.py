"""QR codes as rows of modules: segno's symbol, with its mask chosen faster.

segno picks the data mask the way ISO/IEC 18004 (7.8.3) asks: it applies
each of the 8 masks and keeps the one with the lowest penalty. In pure
Python that is three quarters of its time (about 20 ms for the 77 × 77
symbol of an attestation), more than the whole PDF may take. Here segno
encodes the symbol once, with mask 0; the whole matrix is then one integer
(row after row, each followed by 4 separator bits), each candidate mask is
one XOR away from it, and the penalty rules are counted with shifts and
masks on that integer, with segno's own conventions and quirks so that the
choice is the same. The result is exactly
`segno.make(text, error="m", micro=False, boost_error=False).matrix`
(tests/attestations/test_qr.py checks it on symbols of every size used).
"""

import functools

import segno

MASKS = [
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i + j) % 2 + (i * j) % 3) % 2 == 0,
]
ERROR_M_BITS = 0b00  # the format information's error level bits for "M"
DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def alignment_positions(version):
    """Centres of the alignment patterns (ISO/IEC 18004, Annex E)."""
    if version == 1:
        return []
    size = version * 4 + 17
    count = version // 7 + 2
    step = (version * 8 + count * 3 + 5) // (count * 4 - 4) * 2
    return [6] + [size - 7 - i * step for i in reversed(range(count - 1))]


def format_cells(size):
    """The 30 cells of the two copies of the format information, in segno's
    writing order: (row, column, bit)."""
    cells = []
    for i in range(8):
        offset = 0 if i < 6 else 1  # the timing pattern is skipped
        cells += [
            (i + offset, 8, i),
            (8, i + offset, 14 - i),
            (8, size - 1 - i, i),
            (size - 1 - i, 8, 14 - i),
        ]
    return cells


def format_information(mask):
    """15 bits: error level and mask, BCH(15, 5) protected, XOR 0x5412."""
    data = (ERROR_M_BITS << 3) | mask
    remainder = data << 10
    for bit in range(14, 9, -1):
        if remainder >> bit & 1:
            remainder ^= 0x537 << (bit - 10)
    return ((data << 10) | remainder) ^ 0x5412


SEPARATOR = 4  # light bits after each row: room for the N3 rule's 4 light modules


@functools.cache
def layout(version):
    """What does not depend on the text, per version: sizes, bit masks of the
    matrix-as-integer, and per mask the integer to XOR with the mask-0 symbol."""
    size = version * 4 + 17
    stride = size + SEPARATOR
    function = [[False] * size for _ in range(size)]

    def mark(rows, cols):
        for i in rows:
            for j in cols:
                function[i][j] = True

    info = [[False] * size for _ in range(size)]
    for r0, c0 in ((0, 0), (0, size - 8), (size - 8, 0)):  # finders and separators
        mark(range(r0, r0 + 8), range(c0, c0 + 8))
    mark([6], range(size))  # timing patterns
    mark(range(size), [6])
    positions = alignment_positions(version)
    if positions:
        first, last = positions[0], positions[-1]
        corners = {(first, first), (first, last), (last, first)}
        for r in positions:
            for c in positions:
                if (r, c) not in corners:
                    mark(range(r - 2, r + 3), range(c - 2, c + 3))
    # Format information (the cells (6, 8) and (8, 6) are timing modules),
    # the dark module, and version information from version 7: light while
    # the masks are scored, as in segno.
    reserved = [(i, 8) for i in range(9) if i != 6] + [(8, j) for j in range(9) if j != 6]
    reserved += [(8, size - 1 - i) for i in range(8)] + [(size - 1 - i, 8) for i in range(8)]
    if version >= 7:
        reserved += [(i, size - 11 + k) for i in range(6) for k in range(3)]
        reserved += [(size - 11 + k, i) for i in range(6) for k in range(3)]
    for i, j in reserved:
        function[i][j] = info[i][j] = True

    def bits(test):
        return sum(1 << (i * stride + j) for i in range(size) for j in range(size) if test(i, j))

    patterns = [bits(lambda i, j, m=m: not function[i][j] and m(i, j)) for m in MASKS]
    modules = bits(lambda i, j: True)
    return {
        "size": size,
        "stride": stride,
        "modules": modules,
        "scored": modules & ~bits(lambda i, j: info[i][j]),
        "xor": [pattern ^ patterns[0] for pattern in patterns],
        "blocks": bits(lambda i, j: i < size - 1 and j < size - 1),
        "finder_rows": bits(lambda i, j: j <= size - 7),
        "finder_columns": bits(lambda i, j: i <= size - 7),
        "format": [(i * stride + j, bit) for i, j, bit in format_cells(size)],
        "dark_module": (size - 8) * stride + 8,
    }


def runs_penalty(bits, step):
    """N1: 3 + (length - 5) for each run of 5 or more set bits along `step`."""
    fives = bits & bits >> step & bits >> 2 * step & bits >> 3 * step & bits >> 4 * step
    if not fives:
        return 0
    return fives.bit_count() + 2 * (fives & ~(fives >> step)).bit_count()


def finder_penalty(dark, light, step, starts, line_of):
    """N3: 40 for each dark:light:dark×3:light:dark pattern with 4 light modules
    before or after it (outside the symbol is light), counted as segno does:
    after a counted pattern, its search resumes 7 modules further on."""
    found = (
        dark
        & light >> step
        & dark >> 2 * step
        & dark >> 3 * step
        & dark >> 4 * step
        & light >> 5 * step
        & dark >> 6 * step
        & starts
    )
    if not found:
        return 0
    before = -1
    for k in range(1, 5):
        before &= light << k * step | ((1 << k * step) - 1)
    after = light >> 7 * step & light >> 8 * step & light >> 9 * step & light >> 10 * step
    counted = before | after
    score = 0
    resume = {}
    while found:
        low = found & -found
        at = low.bit_length() - 1
        found ^= low
        line, position = line_of(at)
        if counted >> at & 1 and position >= resume.get(line, 0):
            score += 40
            resume[line] = position + 7
    return score


def penalty(dark, shape):
    """segno's penalty score of one masked matrix (as an integer, see `layout`)."""
    size, stride, modules = shape["size"], shape["stride"], shape["modules"]
    light = ~dark  # separators and everything outside the symbol count as light
    inside_light = light & modules
    score = runs_penalty(dark, 1) + runs_penalty(inside_light, 1)
    score += runs_penalty(dark, stride) + runs_penalty(inside_light, stride)
    same_below = ~(dark ^ dark >> stride)
    score += 3 * (same_below & same_below >> 1 & ~(dark ^ dark >> 1) & shape["blocks"]).bit_count()
    score += finder_penalty(dark, light, 1, shape["finder_rows"], lambda at: divmod(at, stride))
    score += finder_penalty(
        dark, light, stride, shape["finder_columns"], lambda at: divmod(at, stride)[::-1]
    )
    share = float(dark.bit_count()) / (size**2)
    return score + 10 * int(abs(share * 100 - 50) / 5)


def qr_rows(text):
    """The symbol's rows, without quiet zone, as strings of "0" (light) and
    "1" (dark) from left to right; error correction level M."""
    code = segno.make(text, error="m", micro=False, boost_error=False, mask=0)
    shape = layout(code.version)
    size, stride = shape["size"], shape["stride"]
    padding = "0" * SEPARATOR
    lines = (bytes(row).translate(DIGITS).decode() for row in reversed(code.matrix))
    matrix = int("".join(padding + line[::-1] for line in lines), 2)
    scores = [penalty((matrix ^ xor) & shape["scored"], shape) for xor in shape["xor"]]
    best = scores.index(min(scores))
    matrix ^= shape["xor"][best]
    information = format_information(best)
    for position, bit in shape["format"]:
        matrix = matrix & ~(1 << position) | ((information >> bit & 1) << position)
    matrix |= 1 << shape["dark_module"]
    digits = format(matrix, f"0{stride * size}b")
    end = len(digits)
    return [digits[end - i * stride - size : end - i * stride][::-1] for i in range(size)]
