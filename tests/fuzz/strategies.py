"""Bad input: nasty text, extreme numbers and dates."""

from hypothesis import strategies as st

NASTY = [
    "\x00",
    "%00",
    "\u202e31",
    "\u200b",
    "а",  # Cyrillic a
    "１２３",
    "e\u0301",
    "{{ 7*7 }}",
    "{% debug %}",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "2147483648",
    "-2147483649",
    "9" * 400,
    "1e309",
    "NaN",
    "-0",
    "0",
    "0000",
    "9999",
    "10000",
    "30/02/2024",
    "x" * 5000,
]

nasty_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(codec="utf-8"), max_size=50),  # no lone surrogates: not sendable
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=3000),
    st.lists(st.sampled_from(NASTY), min_size=1, max_size=4).map("".join),
    st.integers().map(str),
)
