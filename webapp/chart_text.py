"""How wide a chart's text is drawn, and a label broken into lines, or cut short, to fit the room it has.

The widths are estimates (the server cannot measure the reader's font), slightly generous for Latin letters.
"""
from __future__ import annotations

import unicodedata

#: the characters that open a direction isolate (LRI, RLI, FSI), and the one that closes it (PDI)
ISOLATE_OPENERS, ISOLATE_CLOSER = "\u2066\u2067\u2068", "\u2069"


def text_width(text: str, font_size: float) -> float:
    """Roughly how wide ``text`` is drawn: wide (CJK) characters a full em, joined Arabic letters under half
    of one, marks and invisible formatting characters nothing, others about half of one (capitals, digits
    and "%" more, as in DejaVu Sans, the widest of the usual fonts)."""
    return font_size * sum(_em(c) for c in text)


def _em(character: str) -> float:
    if _is_wide(character):
        return 1.0
    if unicodedata.category(character) in ("Mn", "Cf"):  # marks drawn on a letter; direction marks in dates
        return 0.0
    if "\u0600" <= character <= "\u06ff":
        return 0.47
    if character == "%":
        return 0.95
    return 0.7 if character.isupper() else 0.64 if character.isdigit() else 0.6


def _is_wide(character: str) -> bool:
    return unicodedata.east_asian_width(character) in "WF"


def shortened(text: str, room: float, font_size: float) -> str:
    """``text`` as it is when it fits ``room``, else cut short with "…"."""
    if text_width(text, font_size) <= room:
        return text
    short = text
    while short and text_width(short + "…", font_size) > room:
        short = short[:-1]
    return short.rstrip() + "…"


def wrapped(text: str, room: float, font_size: float, *, after: str = "", max_lines: int = 3) -> tuple[list[str], bool]:
    """``text`` in lines at most ``room`` wide, and whether it had to be cut short.

    Lines break between words, or between any two wide (CJK) characters; inside a word only when the word is wider
    than a line. The last line leaves room for ``after`` (": 4.4", written after it by the caller). Past
    ``max_lines`` the last line is cut short with "…". A direction isolate (FSI … PDI) that a line end cuts in two
    is closed at the end of the line and opened again at the start of the next, so each line is drawn whole.
    """
    pieces = _pieces(text)
    if pieces and after:
        pieces[-1] += after  # the last word and what follows it go on the same line
    lines = [""]
    for piece in pieces:
        if lines[-1] and text_width((lines[-1] + piece).rstrip(), font_size) > room:
            lines.append("")
        lines[-1] += piece
        while len(lines[-1]) > 1 and text_width(lines[-1].rstrip(), font_size) > room:  # a word wider than a line
            cut = len(lines[-1]) - 1
            while cut > 1 and text_width(lines[-1][:cut], font_size) > room:
                cut -= 1
            lines[-1:] = [lines[-1][:cut], lines[-1][cut:]]
    lines = [line.rstrip() for line in lines]
    if after and lines[-1].endswith(after):
        lines[-1] = lines[-1][:-len(after)]
    elif after:  # a word too long for a line with ``after`` was broken inside it: ``after`` goes after it anyway
        return wrapped(text, room, font_size, max_lines=max_lines)
    cut = len(lines) > max_lines
    if cut:
        last = lines[max_lines - 1]
        while last and text_width(last + "…", font_size) > room - text_width(after, font_size):
            last = last[:-1]
        lines = [*lines[:max_lines - 1], last.rstrip() + "…"]
    return _balanced(lines), cut


def _pieces(text: str) -> list[str]:
    """``text`` in the pieces a line may end after: words with the spaces after them, and wide characters one by
    one (with the punctuation after them, which does not begin a line)."""
    pieces, word = [], ""
    for character in text:
        if _is_wide(character) and unicodedata.category(character) in ("Po", "Pe", "Pf") and (word or pieces):
            word += character  # 。、：） stay at the end of the line of what they follow
            continue
        if _is_wide(character):
            if word:
                pieces.append(word)
            word = character
            continue
        if word and (word[-1].isspace() or _is_wide(word[-1])) and not character.isspace():
            pieces.append(word)
            word = ""
        word += character
    if word:
        pieces.append(word)
    return pieces


def _balanced(lines: list[str]) -> list[str]:
    """``lines`` with every direction isolate open at a line's end closed there and opened again on the next line."""
    balanced, still_open = [], ""
    for line in lines:
        line = still_open + line
        stack: list[str] = []
        for character in line:
            if character in ISOLATE_OPENERS:
                stack.append(character)
            elif character == ISOLATE_CLOSER and stack:
                stack.pop()
        still_open = "".join(stack)
        balanced.append(line + ISOLATE_CLOSER * len(stack))
    return balanced
