"""The pages' static files: dictionaries complete in both languages, keys that exist, relative
URLs only, and every ES module a page imports preloaded and servable (flat, in chalicelib/web)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "chalicelib" / "web"
# Dictionaries are strict JSON between "NAME = {" and "};" (i18n.js: COMMON, *-strings.js: STRINGS).
DICT = re.compile(r"^(?:export )?const ([A-Z_]+) = (\{$.*?^\});$", re.M | re.S)
IMPORT = re.compile(r"""^import\b[^;]*?from\s+['"]\./([^'"]+)['"]""", re.M)
# A module loaded when its screen opens (`import('./x.js')`): not preloaded, its keys checked.
LAZY = re.compile(r"""\bimport\(\s*['"]\./([^'"]+)['"]\s*\)""")
# Literal keys handed to t(), say() or a flash message.
KEY_USE = re.compile(r"""(?:\bt\(|\bsay\(|msg: \[?)'([a-z][\w.]*)'\s*[,)\]]""")
ABSOLUTE = re.compile(r"""["'`(=]\s*/(?:static|v1)/""")

PAGES = {"index.html": "citizen-strings.js", "kiosk.html": "kiosk-strings.js",
         "counter.html": "counter-strings.js", "display.html": "display-strings.js",
         "ticket.html": "ticket-strings.js", "walkin.html": "walkin-strings.js",
         "admin.html": "admin-strings.js"}  # page -> strings


def dictionaries(name: str) -> dict:
    found = DICT.findall((WEB / name).read_text(encoding="utf-8"))
    assert len(found) == 1, f"{name}: expected one JSON dictionary block, found {len(found)}"
    data = json.loads(found[0][1])
    assert set(data) == {"id", "en"}, f"{name}: languages are {sorted(data)}"
    return data


def strings_modules() -> list[str]:
    return ["i18n.js"] + sorted(p.name for p in WEB.glob("*-strings.js"))


def imports(entry: str, lazy: bool = False) -> set[str]:
    """Every module `entry` imports, directly or not (relative, same folder); with `lazy`,
    the modules it loads later and theirs too."""
    seen, todo = set(), [entry]
    while todo:
        name = todo.pop()
        text = (WEB / name).read_text(encoding="utf-8")
        for target in IMPORT.findall(text) + (LAZY.findall(text) if lazy else []):
            assert "/" not in target, f"{name} imports {target}: only flat files are served"
            assert (WEB / target).is_file(), f"{name} imports a missing module {target}"
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


@pytest.mark.parametrize("name", strings_modules())
def test_every_key_exists_in_indonesian_and_english(name):
    data = dictionaries(name)
    only_id = sorted(set(data["id"]) - set(data["en"]))
    only_en = sorted(set(data["en"]) - set(data["id"]))
    assert not only_id and not only_en, f"{name}: only in id {only_id}, only in en {only_en}"
    for key, text in data["id"].items():
        assert text.strip() and data["en"][key].strip(), f"{name}: {key} is empty"
        assert (set(re.findall(r"\{(\w+)\}", text)) == set(re.findall(r"\{(\w+)\}", data["en"][key]))
                ), f"{name}: {key} has different placeholders in id and en"


def test_page_strings_do_not_redefine_the_shared_ones():
    common = set(dictionaries("i18n.js")["id"])
    for name in strings_modules()[1:]:
        again = sorted(common & set(dictionaries(name)["id"]))
        assert not again, f"{name} redefines shared keys from i18n.js: {again}"


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_key_a_page_uses_exists(page):
    known = set(dictionaries("i18n.js")["id"]) | set(dictionaries(PAGES[page])["id"])
    html = (WEB / page).read_text(encoding="utf-8")
    used = set(re.findall(r'data-i18n="([^"]+)"', html))
    assert used, f"{page} uses no data-i18n key"
    entry = re.search(r'<script type="module" src="static/([^"]+)"', html).group(1)
    for module in {entry} | imports(entry, lazy=True):
        if module.endswith("-strings.js") and module != PAGES[page]:
            known |= set(dictionaries(module)["id"])  # a lazy module's own words
        used |= set(KEY_USE.findall((WEB / module).read_text(encoding="utf-8")))
    missing = sorted(used - known)
    assert not missing, f"{page} uses keys no dictionary has: {missing}"


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_page_preloads_every_module_it_imports(page):
    html = (WEB / page).read_text(encoding="utf-8")
    entry = re.search(r'<script type="module" src="static/([^"]+)"', html)
    assert entry, f"{page} must load its entry module relatively: static/<name>.js"
    preloaded = set(re.findall(r'<link rel="modulepreload" href="static/([^"]+)">', html))
    assert preloaded == imports(entry.group(1)), "modulepreload links and imports differ"
    later = imports(entry.group(1), lazy=True) - imports(entry.group(1))
    assert not later & preloaded, f"{page} preloads modules its first screen does not need"


def test_no_absolute_paths_to_the_api_or_static_files():
    files = [p for p in WEB.iterdir() if p.suffix in {".js", ".html", ".css"}]
    assert any(p.suffix == ".js" for p in files)
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not ABSOLUTE.search(line), (
                f"{path.name}:{n} uses an absolute path; write it relative (static/..., v1/...) "
                f"so the page also works under the /api/ stage prefix: {line.strip()}")


# Any quoted literal shaped like a key ('day.full', 'wl.st.waiting') whose first part is one of
# the page's key prefixes: keys handed around in arrays or maps are checked too, not only t().
KEY_LITERAL = re.compile(r"""['"]([a-z]+(?:\.[a-z0-9_]+)+)['"]""")


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_key_shaped_literal_a_page_uses_exists(page):
    known = set(dictionaries("i18n.js")["id"]) | set(dictionaries(PAGES[page])["id"])
    prefixes = {k.split(".")[0] for k in known}
    html = (WEB / page).read_text(encoding="utf-8")
    entry = re.search(r'<script type="module" src="static/([^"]+)"', html).group(1)
    missing = set()
    for module in ({entry} | imports(entry)) - set(strings_modules()):
        for key in KEY_LITERAL.findall((WEB / module).read_text(encoding="utf-8")):
            if key.split(".")[0] in prefixes and not key.endswith(".js") and key not in known:
                missing.add(f"{module}: {key}")
    assert not missing, f"{page} uses keys no dictionary has: {sorted(missing)}"
