"""Writes a registry file of N fictitious members for `assure import_members`.

python bench/members_file.py 100000 var/members-100k.csv
"""

import csv
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(count, path):
    from assure.demo.members import fictitious_members
    from assure.members.importing import COLUMNS

    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        seen = set()
        for member in fictitious_members(count=count, seed=11):
            if member.nir in seen:
                continue
            seen.add(member.nir)
            row = [getattr(member, name) for name in COLUMNS]
            writer.writerow(
                [
                    value.isoformat() if name == "birth_date" else value
                    for name, value in zip(COLUMNS, row, strict=True)
                ]
            )


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assure.settings")
    django.setup()
    main(int(sys.argv[1]), sys.argv[2])
