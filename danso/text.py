"""Text helpers shared by every app: folding Vietnamese for accent-insensitive search."""

import unicodedata

# đ/Đ is a letter of its own, not d with a combining mark, so NFD does not strip it.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lower-case ASCII form of Vietnamese text: "Ea Súp" -> "ea sup", "Đắk Lắk" -> "dak lak".

    Apostrophe variants (’ and ') are unified and runs of spaces collapsed so that what a
    user types on any keyboard matches what the official lists hold.
    """
    text = unicodedata.normalize("NFD", text.translate(_SPECIAL))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("\u2019", "'").replace("\u02bc", "'")
    return " ".join(text.lower().split())


def squeeze(text: str) -> str:
    """`fold` without apostrophes and spaces: "M'Đrắk" -> "mdrak", "Cư Prao" -> "cuprao".

    Names of the Central Highlands are written with and without them ("Ea H'leo", "Ea Hleo",
    "Cư Prao", "Cuprao"), so unit search compares names in this form.
    """
    return fold(text).replace("'", "").replace(" ", "")
