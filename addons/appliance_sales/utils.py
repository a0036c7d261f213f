"""Pure helpers shared by order entry, imports and validations (no ORM)."""

import re
import unicodedata

_MODEL_KEY_STRIP_RE = re.compile(r"[\s\-_/.·]+")
_PHONE_STRIP_RE = re.compile(r"[\s\-().]+")
MAINLAND_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# area code 0 + 2-3 digits, number 7-8 digits, optional extension
LANDLINE_RE = re.compile(r"^0\d{2,3}\d{7,8}(?:[#xX转]\d{1,6})?$")
E164_RE = re.compile(r"^\+[1-9]\d{6,14}$")


def normalize_model_code(code):
    """Return the matching key of a model code.

    Full-width characters become half-width (NFKC), letters upper case, and
    spaces, hyphens, underscores, slashes and dots disappear, so that
    ``ggd2-38``, ``GGD2 38`` and ``ＧＧＤ２－３８`` share the key ``GGD238``.
    """
    if not code:
        return False
    key = unicodedata.normalize("NFKC", code).upper()
    return _MODEL_KEY_STRIP_RE.sub("", key) or False


def normalize_phone(phone):
    """Half-width, without separators; ``0086``/``+86`` kept as typed."""
    if not phone:
        return ""
    phone = unicodedata.normalize("NFKC", phone).strip()
    return _PHONE_STRIP_RE.sub("", phone)


def phone_kind(phone):
    """'mobile', 'landline' or 'international' for a valid phone, else False.

    Accepted: a mainland mobile (11 digits starting with 1, optionally +86),
    a landline with its area code (010-12345678, 0571 8888 6666 ext.), or an
    international number in E.164 form (+countrycode…).
    """
    number = normalize_phone(phone)
    if number.startswith("0086"):
        number = "+86" + number[4:]
    if number.startswith("+86"):
        national = number[3:]
        if MAINLAND_MOBILE_RE.match(national):
            return "mobile"
        if LANDLINE_RE.match("0" + national.lstrip("0")):
            return "landline"
        return False
    if MAINLAND_MOBILE_RE.match(number):
        return "mobile"
    if LANDLINE_RE.match(number):
        return "landline"
    if E164_RE.match(number):
        return "international"
    return False
