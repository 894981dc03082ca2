"""Communes files for the tests: the example of docs/formats.md, and helpers."""

import io
import re
from pathlib import Path

from django.core.management import call_command

DOCS = Path(__file__).resolve().parents[2] / "docs" / "formats.md"


def docs_section():
    text = DOCS.read_text(encoding="utf-8")
    start = text.index("## Communes (`assure import_communes`)")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def docs_blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", docs_section(), flags=re.DOTALL)


EXAMPLE = docs_blocks("csv")[0]
HEADER, *ROWS = EXAMPLE.splitlines()


def write(tmp_path, *lines, name="communes.csv", encoding="utf-8", newline="\n"):
    path = tmp_path / name
    path.write_bytes(newline.join(lines).encode(encoding) + newline.encode())
    return path


def run(*arguments):
    """The output of `assure import_communes` with these arguments."""
    out = io.StringIO()
    call_command("import_communes", *map(str, arguments), stdout=out)
    return out.getvalue()
