"""The alphabet of the codes people read off paper and type.

Provisional codes (accounts) and attestation verification codes
(attestations) are drawn from it: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V, so a
code read off a letter or a PDF is typed right the first time.
"""

CODE_ALPHABET = "34679ACDEFGHJKMNPQRTWXY"
