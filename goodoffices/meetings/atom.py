"""The public register's Atom format, shared by the register of meetings and the compliance register
of commitments: summaries as plain text, and no character that XML 1.0 cannot hold."""

import re
from typing import Any
from urllib.parse import urljoin

from django.utils.feedgenerator import Atom1Feed

# What XML 1.0 cannot hold. Texts are refused with these since goodoffices.lib.text; a record
# stored before that must not take a public feed down with it.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


class PlainTextAtomFeed(Atom1Feed):
    """Atom whose summaries are plain text (``type="text"``): what people typed is never markup for
    a feed reader to interpret. An item may say the language of its summary (``summary_language``,
    as ``xml:lang``) and give alternates in other languages (``alternates``: language code and an
    address relative to the item's link, each a ``<link rel="alternate" hreflang=..>``)."""

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        # Before the item's own link, which feed readers then keep as the entry's link.
        for language, address in item.get("alternates", ()):
            handler.addQuickElement(
                "link", "", {"rel": "alternate", "hreflang": language, "href": urljoin(item["link"], address)}
            )
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            attributes = {"type": "text"}
            if item.get("summary_language"):
                attributes["xml:lang"] = item["summary_language"]
            handler.addQuickElement("summary", item["description"], attributes)
