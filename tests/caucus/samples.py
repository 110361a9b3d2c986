"""Small files of each kind, made in memory: their first bytes are what a real one starts with."""

import io
import struct
import zipfile
import zlib


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")
    )


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32 + b"\xff\xd9"


def exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            archive.writestr(zipfile.ZipInfo(name), data)
    return buffer.getvalue()


def docx() -> bytes:
    return _zip(
        [("[Content_Types].xml", b"<Types/>"), ("_rels/.rels", b"<Relationships/>"), ("word/document.xml", b"<w/>")]
    )


def xlsx() -> bytes:
    return _zip(
        [("[Content_Types].xml", b"<Types/>"), ("_rels/.rels", b"<Relationships/>"), ("xl/workbook.xml", b"<x/>")]
    )


def odt() -> bytes:
    return _zip([("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<office/>")])


def plain_zip() -> bytes:
    return _zip([("notes.txt", b"hello")])


def text() -> bytes:
    return "Gas supply: positions of the delegation\nГазоснабжение — позиции\n".encode()
