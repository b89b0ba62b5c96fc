"""Swedish is the interface language: every string in the catalogue has a Swedish text."""

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "sv" / "LC_MESSAGES" / "django.po"


def _join(quoted: str) -> str:
    return "".join(ast.literal_eval(f'"{part}"') for part in re.findall(r'"(.*)"', quoted))


def entries(text: str) -> list[tuple[str, str, bool]]:
    """(msgid, first msgstr, fuzzy) for each entry of a .po file, header excluded."""
    result = []
    for block in text.split("\n\n"):
        if "msgid " not in block or block.lstrip().startswith("#~"):
            continue
        match = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        strs = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block, re.M)
        msgid = _join(match.group(1)) if match else ""
        if msgid:
            result.append((msgid, _join(strs.group(1)) if strs else "", "#, fuzzy" in block))
    return result


def test_every_string_has_a_swedish_translation():
    catalogue = entries(CATALOGUE.read_text(encoding="utf-8"))
    assert len(catalogue) > 100
    assert [msgid for msgid, msgstr, _fuzzy in catalogue if not msgstr] == []
    assert [msgid for msgid, _msgstr, fuzzy in catalogue if fuzzy] == []


def test_compiled_catalogue_matches_the_po_file():
    """The committed .mo carries every translation of the .po (run `make messages` if not)."""
    with CATALOGUE.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        msgid
        for msgid, msgstr, _fuzzy in entries(CATALOGUE.read_text(encoding="utf-8"))
        if "%(counter)s" not in msgid and compiled.gettext(msgid) != msgstr
    ]
    assert stale == []


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext is not installed")
def test_catalogue_has_every_string_in_the_code(tmp_path):
    """makemessages finds no string that the Swedish catalogue lacks."""
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "staticfiles", "media", "*.sqlite3", "tests", "test-artifacts"
        ),
    )
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "makemessages", "--locale", "sv"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "ssr_portal.settings"},
    )
    regenerated = (copy / "locale" / "sv" / "LC_MESSAGES" / "django.po").read_text("utf-8")
    missing = [msgid for msgid, msgstr, _fuzzy in entries(regenerated) if not msgstr]
    assert missing == [], "run `make messages` and translate these"


def test_translations_keep_their_placeholders():
    """A Swedish text must use exactly the %(name)s placeholders of its English original."""
    mismatched = [
        (msgid, msgstr)
        for msgid, msgstr, _fuzzy in entries(CATALOGUE.read_text(encoding="utf-8"))
        if set(re.findall(r"%\((\w+)\)", msgid)) != set(re.findall(r"%\((\w+)\)", msgstr))
    ]
    assert mismatched == []
