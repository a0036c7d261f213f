"""Pure helpers for matching customers across channels (no ORM)."""

import re
import unicodedata

from odoo.addons.appliance_sales.utils import normalize_phone

_NAME_STRIP_RE = re.compile(r"[\W_]+", re.UNICODE)
# legal forms at the end of a company name, compared without spaces/punctuation
_LEGAL_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团公司",
    "公司",
    "colimited",
    "coltd",
    "companylimited",
    "corporation",
    "limited",
    "corp",
    "ltd",
    "inc",
    "co",
)


def phone_key(phone):
    """A phone number as compared between channels: separators and the +86 /
    0086 country prefix removed (``+86 138-0013-8000`` → ``13800138000``)."""
    number = normalize_phone(phone)
    for prefix in ("+86", "0086"):
        if number.startswith(prefix):
            number = number[len(prefix) :]
            # landlines lose their trunk 0 after a country code: +86 25 8666…
            if number and not number.startswith(("0", "1")):
                number = "0" + number
            break
    return number or False


def vat_key(vat):
    """A tax id (unified social credit code) without spaces/separators, upper case."""
    if not vat:
        return False
    key = unicodedata.normalize("NFKC", vat).upper()
    key = _NAME_STRIP_RE.sub("", key)
    return key if key and key != "/" else False


def name_key(name):
    """A company name as compared between channels: half-width, lower case,
    without spaces, punctuation and a trailing legal form
    (``江苏中天电气有限公司`` and ``江苏中天电气（有限公司）`` share ``江苏中天电气``)."""
    if not name:
        return False
    key = _NAME_STRIP_RE.sub("", unicodedata.normalize("NFKC", name).lower())
    for suffix in _LEGAL_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            key = key[: -len(suffix)]
            break
    return key or False
