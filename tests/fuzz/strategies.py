"""Bad input: nasty text, extreme numbers and dates."""

from hypothesis import strategies as st

from tests.portal.test_extreme_values import EXTREMES

NASTY = [
    *EXTREMES,
    "%00",
    "\u200b",
    "а",  # Cyrillic a
    "１２３",
    "e\u0301",
    "{% debug %}",
    "<script>alert(1)</script>",
    "../../etc/passwd",
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
