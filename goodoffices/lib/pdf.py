"""The agreement as a PDF (fpdf2), with fonts that cover every script of the platform's languages.

DejaVu Sans (vendored in ``fonts/`` with its licence) covers Latin with the Azerbaijani letters
(ə, ğ, ş, ç, ö, ü, Ə and the dotless i), Cyrillic and Armenian; fpdf2 embeds the subset of glyphs used. The output is
byte-for-byte deterministic for the same document, labels and fpdf2 version: the creation date is
the adoption date, producer and creator are fixed, the font subset tag is fpdf2's fixed one, and the
file identifier is derived from the content. So the PDF's SHA-256 can be published beside the
canonical JSON, which stays the authoritative text that signatures cover.
"""

import datetime
import functools
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from .agreement_doc import ENGLISH, AgreementDoc, Labels, due_text, paragraphs
from .errors import FieldError, Invalid

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
_FAMILY = "DejaVuSans"
PRODUCER = "Good Offices"

_BODY_SIZE = 10.5
_LINE = 5.5  # mm per line of body text


@functools.cache
def _covered(path: Path) -> frozenset[int]:
    font = TTFont(str(path), lazy=True)
    try:
        cmap: dict[int, str] = font.getBestCmap()
        return frozenset(cmap)
    finally:
        font.close()


def covered_codepoints() -> frozenset[int]:
    """The code points both embedded faces (regular and bold) can draw."""
    return _covered(FONT_REGULAR) & _covered(FONT_BOLD)


def missing_glyphs(text: str) -> list[str]:
    """Characters of ``text`` (other than line breaks) the PDF fonts cannot draw, each once, in order."""
    covered = covered_codepoints()
    seen: dict[str, None] = {}
    for ch in text:
        if ch != "\n" and ord(ch) not in covered:
            seen.setdefault(ch, None)
    return list(seen)


def _check_coverage(doc: AgreementDoc, labels: Labels) -> None:
    texts: list[tuple[str, str]] = [("title", doc.title), ("process.title", doc.process.title)]
    texts.append(("framework", doc.framework))
    texts += [(f"parties[{i}].name", p.name) for i, p in enumerate(doc.parties)]
    for i, clause in enumerate(doc.clauses):
        texts += [(f"clauses[{i}].number", clause.number), (f"clauses[{i}].text", clause.text)]
        if clause.heading:
            texts.append((f"clauses[{i}].heading", clause.heading))
    for i, c in enumerate(doc.commitments):
        texts += [(f"commitments[{i}].action", c.action), (f"commitments[{i}].verification", c.verification)]
        texts += [(f"commitments[{i}].schedule", c.schedule or ""), (f"commitments[{i}].category", c.category)]
        texts += [(f"commitments[{i}].monitors[{j}]", m) for j, m in enumerate(c.monitors)]
    for name in Labels.__dataclass_fields__:
        value = getattr(labels, name)
        if isinstance(value, str):
            texts.append((f"labels.{name}", value))
    texts += [(f"labels.categories[{slug!r}]", name) for slug, name in labels.categories.items()]
    errors = []
    for path, text in texts:
        missing = missing_glyphs(text)
        if missing:
            listed = ", ".join(f"U+{ord(ch):04X}" for ch in missing)
            errors.append(FieldError(path, f"holds characters the PDF fonts cannot draw: {listed}"))
    if errors:
        raise Invalid(errors)


class _AgreementPDF(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._footer_text = footer_text

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(_FAMILY, "", 7.5)
        self.set_text_color(90, 90, 90)
        self.cell(0, 4, self._footer_text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.cell(0, 4, f"{self.page_no()} / {{nb}}", align="R")


def agreement_pdf(doc: AgreementDoc, labels: Labels = ENGLISH) -> bytes:
    """Render ``doc`` as an A4 PDF and return its bytes.

    The same ``doc`` and ``labels`` always give the same bytes (with the same fpdf2 release). Every page
    carries the canonical document's SHA-256 in its footer. Raises ``Invalid`` naming each field that
    holds a character the embedded fonts cannot draw, rather than printing an empty box in its place.
    """
    _check_coverage(doc, labels)
    pdf = _AgreementPDF(f"{labels.digest}: {doc.sha256()}")
    pdf.add_font(_FAMILY, "", FONT_REGULAR)
    pdf.add_font(_FAMILY, "B", FONT_BOLD)
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=22)
    pdf.set_title(doc.title)
    pdf.set_lang(doc.language)
    pdf.set_creator(PRODUCER)
    pdf.set_producer(PRODUCER)
    pdf.set_creation_date(datetime.datetime.combine(doc.adopted, datetime.time(), tzinfo=datetime.UTC))
    pdf.add_page()

    def block(text: str, *, size: float = _BODY_SIZE, style: str = "", height: float = _LINE) -> None:
        pdf.set_font(_FAMILY, style, size)
        pdf.multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def labelled(label: str, value: str) -> None:
        pdf.set_font(_FAMILY, "B", _BODY_SIZE)
        pdf.write(_LINE, f"{label}: ")
        pdf.set_font(_FAMILY, "", _BODY_SIZE)
        pdf.multi_cell(0, _LINE, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    block(doc.title, size=16, style="B", height=8)
    pdf.ln(2)
    labelled(labels.process, doc.process.title)
    labelled(labels.framework, doc.framework)
    labelled(labels.adopted, doc.adopted.isoformat())
    pdf.ln(3)
    block(labels.parties, size=12.5, style="B", height=7)
    for party in doc.parties:
        block(f"\u2022 {party.name}")
    pdf.ln(3)
    block(labels.clauses, size=12.5, style="B", height=7)
    for clause in doc.clauses:
        pdf.ln(1.5)
        block(f"{clause.number}. {clause.heading}" if clause.heading else clause.number, style="B")
        for lines in paragraphs(clause.text):
            block("\n".join(lines))
            pdf.ln(1)
    if doc.commitments:
        pdf.ln(3)
        block(labels.commitments, size=12.5, style="B", height=7)
        for c in doc.commitments:
            pdf.ln(1.5)
            block(c.action, style="B")
            labelled(labels.clause, c.clause)
            labelled(labels.obligor, doc.party_name(c.obligor))
            labelled(labels.category, labels.category_name(c.category))
            labelled(labels.due, due_text(c, labels))
            if c.verification:
                labelled(labels.verification, c.verification)
            if c.monitors:
                labelled(labels.monitors, ", ".join(c.monitors))
    return bytes(pdf.output())
