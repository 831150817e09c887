"""Refresh the message catalogs: extract -> ckanext-provincialstats.pot -> merge into
th/en .po -> compile .mo.  Run from the repository root:

    .venv/bin/python i18n/update.py

Thai translations are written in ``th/LC_MESSAGES/ckanext-provincialstats.po``; the
English catalog is the identity (msgstr = msgid) so English never falls back oddly.
"""
import pathlib

import polib
from babel.messages.extract import extract_from_file

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "ckanext" / "provincialstats"
HERE = ROOT / "i18n"
DOMAIN = "ckanext-provincialstats"
KEYWORDS = {"_": None, "ungettext": (1, 2)}
# CKAN's JavaScript translation build (run by `ckan run`) needs the header.
PLURAL_FORMS = {"th": "nplurals=1; plural=0;", "en": "nplurals=2; plural=(n != 1);"}


def _sources():
    # Every module: a message outside the extracted ones would be dropped from the .po
    # files on the next merge (search/, datastore/, plugin.py, cli.py have messages too).
    for path in sorted(PACKAGE.rglob("*.py")):
        yield "python", path
    for path in sorted((PACKAGE / "templates").rglob("*.html")):
        # CKAN's extractor knows its template tags (ckan_extends, snippet, asset);
        # jinja2's own skips, silently, every template that uses one.
        yield "ckan.lib.extract:extract_ckan", path


def extract() -> polib.POFile:
    pot = polib.POFile()
    pot.metadata = {"Project-Id-Version": "ckanext-provincialstats 0.1.0",
                    "Content-Type": "text/plain; charset=UTF-8"}
    seen = {}
    for method, path in _sources():
        for lineno, msgid, _comments, _context in extract_from_file(
                method, str(path), keywords=KEYWORDS):
            plural = ""
            if isinstance(msgid, tuple):  # ungettext: (singular, plural)
                msgid, plural = msgid[0], msgid[1]
            where = (str(path.relative_to(ROOT)), str(lineno))
            if msgid in seen:
                seen[msgid].occurrences.append(where)
                continue
            entry = polib.POEntry(msgid=msgid, msgid_plural=plural, msgstr="",
                                  occurrences=[where])
            if "%(" in msgid or "%s" in msgid:
                entry.flags.append("python-format")
            seen[msgid] = entry
            pot.append(entry)
    pot.sort(key=lambda e: e.msgid)
    return pot


def merge(pot: polib.POFile, lang: str) -> polib.POFile:
    path = HERE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    # A plural entry's translation is its first form (Thai has one); older catalogues
    # kept plurals as plain entries.
    old = {e.msgid: e.msgstr or e.msgstr_plural.get(0, "")
           for e in polib.pofile(str(path))} if path.exists() else {}
    po = polib.POFile()
    po.metadata = dict(pot.metadata, Language=lang, **{"Plural-Forms": PLURAL_FORMS[lang]})
    for entry in pot:
        msgstr = entry.msgid if lang == "en" else old.get(entry.msgid, "")
        if entry.msgid_plural:
            # ngettext only finds plural entries: a plain one left "1 dataset" English
            forms = ({0: entry.msgid, 1: entry.msgid_plural} if lang == "en"
                     else {0: msgstr})
            po.append(polib.POEntry(msgid=entry.msgid, msgid_plural=entry.msgid_plural,
                                    msgstr_plural=forms, flags=list(entry.flags),
                                    occurrences=entry.occurrences))
            continue
        po.append(polib.POEntry(msgid=entry.msgid, msgstr=msgstr, flags=list(entry.flags),
                                occurrences=entry.occurrences))
    po.save(str(path))
    po.save_as_mofile(str(path.with_suffix(".mo")))
    return po


def main():
    pot = extract()
    pot.save(str(HERE / f"{DOMAIN}.pot"))
    for lang in ("th", "en"):
        po = merge(pot, lang)
        missing = [e.msgid for e in po if not (e.msgstr or any(e.msgstr_plural.values()))]
        print(f"{lang}: {len(po)} messages, {len(missing)} untranslated")
        for msgid in missing:
            print("   ", msgid)


if __name__ == "__main__":
    main()
