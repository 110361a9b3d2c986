"""What is left to translate: per language, every message of the source that its catalog lacks,
leaves empty or marks fuzzy, and every translation whose placeholders differ from the English.

    python scripts/translations_status.py        # or: make messages-check

Exits 1 when anything is left (0 when every catalog is complete). The messages of the source are
extracted by Django's ``makemessages`` into a temporary copy of the sources, so the repository's
catalogs are read, never written. tests/test_i18n.py runs the same checks.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "goodoffices"
LOCALE = PACKAGE / "locale"
LANGUAGES = ("hy", "az", "ru")
# Placeholders a translation must keep exactly: %(name)s, %s, {name}; and HTML tags.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]|%[sdifr]|\{\w*\}|</?[a-zA-Z][^>]*>")


@dataclass
class Entry:
    """One message of a .po or .pot file."""

    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def label(self) -> str:
        return f"[{self.msgctxt}] {self.msgid}" if self.msgctxt else self.msgid

    @property
    def untranslated(self) -> bool:
        return "fuzzy" in self.flags or not self.msgstr or not all(self.msgstr.values())


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"not a quoted string: {text!r}")
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text[1:-1])


def _entry(lines: list[str]) -> Entry | None:
    """One block of a catalog as an entry; ``None`` for the header."""
    fields: dict[str, str] = {}
    flags: set[str] = set()
    obsolete = False
    current = ""
    for raw in lines:
        line = raw
        if line.startswith("#~"):
            obsolete, line = True, line[2:].strip()
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith(("#", "|")) or not line.strip():
            continue
        elif line.startswith('"'):
            fields[current] += _unquote(line)
        else:
            current, _, rest = line.partition(" ")
            fields[current] = _unquote(rest)
    if not fields.get("msgid") and "msgctxt" not in fields:
        return None
    plural = {int(name[len("msgstr[") : -1]): value for name, value in fields.items() if name.startswith("msgstr[")}
    return Entry(
        msgctxt=fields.get("msgctxt"),
        msgid=fields["msgid"],
        msgid_plural=fields.get("msgid_plural"),
        msgstr={0: fields["msgstr"]} if "msgstr" in fields else plural,
        flags=flags,
        obsolete=obsolete,
    )


def read_catalog(path: Path) -> list[Entry]:
    """The entries of a .po or .pot file (the header excluded), obsolete ones marked so."""
    blocks = re.split(r"\n\s*\n", path.read_text(encoding="utf-8"))
    return [entry for block in blocks if (entry := _entry(block.splitlines())) is not None]


def catalog_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def source_messages() -> list[Entry]:
    """Every message marked for translation in the sources, as ``makemessages`` extracts them,
    from a temporary copy (so that nothing of the repository is written)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "goodoffices"
        shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("locale", "static", "__pycache__", "*.mo", "*.po"))
        (copy / "locale").mkdir()
        # Without settings, makemessages writes only under the working directory's locale/.
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        subprocess.run(
            [sys.executable, "-m", "django", "makemessages", "--all", "--keep-pot", "--no-location", "-v", "0"],
            cwd=copy,
            env=env,
            check=True,
        )
        return read_catalog(copy / "locale" / "django.pot")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def broken_placeholders(entry: Entry) -> list[str]:
    """The forms of ``entry``'s translation whose placeholders or tags differ from the English."""
    want = placeholders(entry.msgid_plural if entry.msgid_plural is not None else entry.msgid)
    return [form for form in entry.msgstr.values() if form and placeholders(form) != want]


@dataclass
class Status:
    missing: list[str]  # in the source, not in the catalog
    untranslated: list[str]  # in the catalog, empty or fuzzy
    broken: list[str]  # translated with other placeholders than the English

    @property
    def complete(self) -> bool:
        return not (self.missing or self.untranslated or self.broken)


def status(language: str, source: list[Entry]) -> Status:
    entries = [e for e in read_catalog(catalog_path(language)) if not e.obsolete]
    present = {e.key for e in entries}
    return Status(
        missing=[e.label for e in source if e.key not in present],
        untranslated=[e.label for e in entries if e.untranslated],
        broken=[f"{e.label} -> {form}" for e in entries for form in broken_placeholders(e)],
    )


def main() -> int:
    source = source_messages()
    complete = True
    for language in LANGUAGES:
        found = status(language, source)
        complete &= found.complete
        print(
            f"{language}: {len(found.missing)} missing from the catalog, {len(found.untranslated)} untranslated "
            f"or fuzzy, {len(found.broken)} with broken placeholders"
        )
        for what, messages in (
            ("missing", found.missing),
            ("untranslated", found.untranslated),
            ("broken", found.broken),
        ):
            for message in messages:
                print(f"  {what}: {message!r}")
    if not complete:
        print(
            "\nTo update: cd goodoffices && ../.venv/bin/django-admin makemessages -l hy -l az -l ru "
            "--ignore=.venv, translate (docs/translations.md has the glossary), then make messages."
        )
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
