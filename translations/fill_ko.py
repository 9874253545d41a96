#!/usr/bin/env python3
"""Fills Korean translations into servedeck_ko.ts for the strings listed here.

Run after `cmake --build <dir> --target servedeck_lupdate`; unknown strings stay unfinished
so Qt Linguist shows them to a translator.
"""
import re
import sys
from pathlib import Path

KO = {
    "ServeDeck": "ServeDeck",
    "%1 of %2 replicas healthy": "레플리카 %2개 중 %1개 정상",
    "Name": "이름",
    "Version": "버전",
    "Status": "상태",
    "Desired": "목표",
    "Healthy": "정상",
    "URL": "URL",
    "Search endpoints": "엔드포인트 검색",
    "off": "꺼짐",
    "Data: %1": "데이터: %1",
    "API %1 · Proxy %2": "API %1 · 프록시 %2",
}

def unescape(s):
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")

def escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

path = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_name("servedeck_ko.ts"))
text = path.read_text(encoding="utf-8")

def fill(match):
    source = unescape(match.group(1))
    if source not in KO:
        return match.group(0)
    return f"<source>{match.group(1)}</source>\n        <translation>{escape(KO[source])}</translation>"

text = re.sub(r"<source>(.*?)</source>\s*<translation type=\"unfinished\"></translation>", fill, text, flags=re.S)
path.write_text(text, encoding="utf-8")
