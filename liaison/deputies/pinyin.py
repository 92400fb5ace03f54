"""Search keys for Chinese names: full pinyin and initials, so "zhs" finds 张海生."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def pinyin_key(name: str) -> str:
    """'zhanghaisheng zhs' for 张海生： full pinyin, a space, the initials."""
    syllables = [s.lower() for s in lazy_pinyin(name, style=Style.NORMAL, errors="ignore")]
    return f"{''.join(syllables)} {''.join(s[:1] for s in syllables)}"[:200]
