"""ISBNs: their check digits, and the EAN-13 a barcode encodes."""

from __future__ import annotations

import re

_PRICE = re.compile(r"^\d{5}$")


def digits(isbn: str) -> str:
    """The ISBN without its hyphens, spaces or `urn:isbn:` prefix (X kept, upper case)."""
    text = re.sub(r"^(?:urn:)?isbn:?", "", isbn.strip(), flags=re.I)
    return re.sub(r"[\s-]", "", text).upper()


def problem(isbn: str) -> str | None:
    """Why `isbn` is not a valid ISBN-10 or ISBN-13 (its length or its check digit), or None."""
    number = digits(isbn)
    if len(number) == 13 and number.isdigit():
        if not number.startswith(("978", "979")):
            return "an ISBN-13 starts with 978 or 979"
        expected = check_digit_13(number[:12])
        if number[12] != expected:
            return f"its check digit is {number[12]}, the first 12 digits give {expected}"
        return None
    if len(number) == 10 and number[:9].isdigit() and (number[9].isdigit() or number[9] == "X"):
        expected = check_digit_10(number[:9])
        if number[9] != expected:
            return f"its check digit is {number[9]}, the first 9 digits give {expected}"
        return None
    return "an ISBN has 13 digits (or 10, the last one a digit or X)"


def check_digit_13(first12: str) -> str:
    """The EAN-13 check digit of 12 digits: weights 1 and 3, alternately."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def check_digit_10(first9: str) -> str:
    """The ISBN-10 check digit of 9 digits: weights 10 down to 2, modulo 11 (10 is X)."""
    value = (11 - sum(int(d) * (10 - i) for i, d in enumerate(first9)) % 11) % 11
    return "X" if value == 10 else str(value)


def ean13(isbn: str) -> str:
    """The 13 digits a barcode encodes: an ISBN-10 becomes 978 + its 9 digits + a new check."""
    number = digits(isbn)
    if len(number) == 10:
        number = "978" + number[:9]
        return number + check_digit_13(number)
    return number


def hyphenless_display(isbn: str) -> str:
    """`ISBN 978-…` as written in book.toml when it has hyphens, else the 13 digits."""
    text = re.sub(r"^(?:urn:)?isbn:?\s*", "", isbn.strip(), flags=re.I)
    return f"ISBN {text if '-' in text else ean13(isbn)}"


def valid_price_code(code: str) -> bool:
    """Whether `code` is an EAN-5 add-on: five digits (5 for US dollars and the price, say
    51995 for $19.95; 90000 for no suggested price)."""
    return bool(_PRICE.match(code))
