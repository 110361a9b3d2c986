"""The agreement PDF: the fonts cover the four scripts, the text is in the file, and the bytes never vary."""

import dataclasses
import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from goodoffices.lib.agreement_doc import Clause, Labels
from goodoffices.lib.errors import Invalid
from goodoffices.lib.pdf import FONT_BOLD, FONT_DIR, FONT_REGULAR, agreement_pdf, missing_glyphs

from .test_agreement_doc import statement

ARMENIAN = [*range(0x0531, 0x0557), *range(0x0559, 0x0560), *range(0x0561, 0x0588), 0x0589]
CYRILLIC = [*range(0x0410, 0x0450), 0x0401, 0x0451]
AZERBAIJANI = [ord(ch) for ch in "ƏəĞğIıİiŞşÇçÖöÜü"]


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("font", [FONT_REGULAR, FONT_BOLD])
def test_vendored_fonts_cover_the_four_scripts(font: Path) -> None:
    cmap = TTFont(font).getBestCmap()
    assert [hex(cp) for cp in ARMENIAN + CYRILLIC + AZERBAIJANI if cp not in cmap] == []
    assert len(ARMENIAN) == 85


def test_fonts_ship_with_their_licence() -> None:
    licence = (FONT_DIR / "LICENSE-DejaVu.txt").read_text()
    assert "Bitstream Vera Fonts Copyright" in licence
    assert "Arev Fonts Copyright" in licence
    assert sorted(p.name for p in FONT_DIR.glob("*.ttf")) == ["DejaVuSans-Bold.ttf", "DejaVuSans.ttf"]


def test_missing_glyphs() -> None:
    assert missing_glyphs("Հայերեն Русский Azərbaycan Ə ğ ı ş\n") == []
    assert missing_glyphs("中文 and 中 and 🕊") == ["中", "文", "🕊"]


def test_pdf_holds_the_text_of_all_four_scripts() -> None:
    doc = statement()
    text = text_of(agreement_pdf(doc))
    for expected in (
        "Заявление от 10 ноября 2020 года",  # Cyrillic
        "Հայաստանի Հանրապետություն",  # Armenian
        "Ağdam rayonu 20 noyabr 2020-ci il tarixinədək Azərbaycan Respublikasına qaytarılır.",  # Azerbaijani
        "Lachin district by 1 December.",  # English
        "Քելբաջարի շրջանը՝ մինչև 2020 թ. նոյեմբերի 15-ը։",
        "Return Aghdam district",
        "Due: 2020-11-20",
        "Monitors: Peacekeeping contingent, ICRC",
        f"SHA-256 of the canonical document: {doc.sha256()}",
    ):
        assert expected in text
    assert "Ə" in text_of(agreement_pdf(dataclasses.replace(doc, title="Əsas razılaşma")))


def test_pdf_metadata_and_embedded_fonts() -> None:
    pdf = agreement_pdf(statement())
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata is not None
    assert {key: str(value) for key, value in reader.metadata.items()} == {
        "/CreationDate": "D:20201110000000Z",
        "/Creator": "Good Offices",
        "/Producer": "Good Offices",
        "/Title": "Заявление от 10 ноября 2020 года",
    }
    catalog: Any = reader.trailer["/Root"]
    assert catalog["/Lang"] == "ru"
    page: Any = reader.pages[0]
    fonts = page["/Resources"]["/Font"]
    names = sorted(str(font.get_object()["/BaseFont"]) for font in fonts.values())
    assert names == ["/MPDFAA+DejaVuSansBold", "/MPDFAA+DejaVuSansBook"]
    for font in fonts.values():
        [descendant] = font.get_object()["/DescendantFonts"]
        assert "/FontFile2" in descendant.get_object()["/FontDescriptor"]


def test_two_renders_are_byte_identical() -> None:
    first, second = agreement_pdf(statement()), agreement_pdf(statement())
    assert first == second
    assert agreement_pdf(dataclasses.replace(statement(), title="Other")) != first


def test_render_in_another_process_is_byte_identical() -> None:
    # Another interpreter, another hash seed, another moment: the same bytes.
    script = (
        "import hashlib, sys\n"
        "from tests.lib.test_agreement_doc import statement\n"
        "from goodoffices.lib.pdf import agreement_pdf\n"
        "sys.stdout.write(hashlib.sha256(agreement_pdf(statement())).hexdigest())\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout == hashlib.sha256(agreement_pdf(statement())).hexdigest()


def test_labels_are_rendered() -> None:
    labels = Labels(parties="Կողմեր", due="Срок", categories={"ceasefire": "Atəşkəs"})
    text = text_of(agreement_pdf(statement(), labels))
    assert "Կողմեր" in text
    assert "Срок: 2020-11-20" in text
    assert "Category: Atəşkəs" in text


def test_long_text_runs_over_pages_with_the_digest_on_each() -> None:
    long_clause = Clause(number="9", text="\n\n".join(f"Պարբերություն {i}: текст, mətn." for i in range(120)))
    doc = dataclasses.replace(statement(), clauses=(*statement().clauses, long_clause))
    reader = PdfReader(io.BytesIO(agreement_pdf(doc)))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert doc.sha256() in page
        assert f"{number} / {len(pages)}" in page
    assert "Պարբերություն 119: текст, mətn." in pages[-1]


def test_characters_the_fonts_cannot_draw_are_refused() -> None:
    doc = dataclasses.replace(
        statement(), clauses=(Clause(number="1", text="和平 and peace"), *statement().clauses[1:])
    )
    with pytest.raises(Invalid) as exc:
        agreement_pdf(doc, Labels(parties="当事者"))
    assert [(e.field, e.message) for e in exc.value.errors] == [
        ("clauses[0].text", "holds characters the PDF fonts cannot draw: U+548C, U+5E73"),
        ("labels.parties", "holds characters the PDF fonts cannot draw: U+5F53, U+4E8B, U+8005"),
    ]
