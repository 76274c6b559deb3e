"""The user's language: choose it, and install Qt translators for it.

Strings in code are English; Chinese is the first language of the users, so
Chinese is the default unless the command line, QJGIS_LANG, the saved
preference or an English system locale says otherwise. The compiled `.qm` is a
build product: when it is missing or older than its `.ts` it is rebuilt with the
`pyside6-lrelease` installed beside this Python.

`python -m ui.i18n --update` re-extracts the strings of ui/ and layers/ into
the `.ts` (pyside6-lupdate) and compiles it.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS_DIR = ROOT / "resources" / "translations"
SOURCE_PACKAGES = ("ui", "layers")
LANGUAGES = ("zh", "en")
_QT_LOCALE = {"zh": "zh_CN", "en": "en"}

# Keeps translators alive as long as the application: Qt does not own them.
_installed: list[QTranslator] = []


def normalise_language(value: str | None) -> str | None:
    """ "zh" or "en" for the spellings people type (zh_CN, zh-Hans, en_US, chinese); else None."""
    if not value:
        return None
    v = value.strip().lower().replace("-", "_")
    if v in ("c", "posix"):
        return None
    if v.startswith(("zh", "chinese", "中文")):
        return "zh"
    if v.startswith(("en", "english")):
        return "en"
    return None


def choose_language(
    cli: str | None = None,
    *,
    env: Mapping[str, str] | None = None,
    saved: str | None = None,
    system_locale: str | None = None,
) -> str:
    """The language to run in: --lang, then QJGIS_LANG, the saved choice, the locale.

    Chinese unless the first of those that is set says English.
    """
    environ = os.environ if env is None else env
    for candidate in (cli, environ.get("QJGIS_LANG"), saved):
        chosen = normalise_language(candidate)
        if chosen:
            return chosen
    locale = system_locale if system_locale is not None else QLocale.system().name()
    return "en" if normalise_language(locale) == "en" else "zh"


def ts_path(lang: str = "zh") -> Path:
    return TRANSLATIONS_DIR / f"qjgis_{_QT_LOCALE[lang]}.ts"


def qm_path(lang: str = "zh") -> Path:
    return ts_path(lang).with_suffix(".qm")


def qt_tool(name: str) -> Path | None:
    """A pyside6 tool (pyside6-lrelease, pyside6-lupdate) installed beside this Python."""
    folder = Path(sys.executable).parent
    for candidate in (folder / name, folder / f"{name}.exe", folder / "Scripts" / f"{name}.exe"):
        if candidate.is_file():
            return candidate
    return None


def compile_ts(ts: Path, qm: Path) -> bool:
    """Compile `ts` into `qm` with pyside6-lrelease; False when that cannot be done."""
    tool = qt_tool("pyside6-lrelease")
    if tool is None:
        log.warning("pyside6-lrelease not found beside %s: %s not compiled", sys.executable, ts)
        return False
    result = subprocess.run(
        [str(tool), "-silent", str(ts), "-qm", str(qm)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not qm.is_file():
        log.warning("lrelease failed for %s: %s", ts, result.stderr.strip())
        return False
    return True


def ensure_qm(lang: str = "zh") -> Path | None:
    """The compiled translation, rebuilt first when missing or older than its source."""
    ts, qm = ts_path(lang), qm_path(lang)
    if not ts.is_file():
        return qm if qm.is_file() else None
    if not qm.is_file() or qm.stat().st_mtime < ts.stat().st_mtime:
        try:
            if not compile_ts(ts, qm):
                return qm if qm.is_file() else None
        except OSError as exc:  # a read-only install: use what is there
            log.warning("cannot compile %s: %s", ts, exc)
            return qm if qm.is_file() else None
    return qm


def install_translators(app: QCoreApplication, lang: str) -> list[QTranslator]:
    """Install Qt's own and qjgis's translators for `lang`; English needs none.

    Translators installed by an earlier call are removed first, so the language
    can change while the application runs.
    """
    from ui.presenters import words

    words.set_language(lang)  # the Qt-free texts follow the same choice
    remove_translators(app)
    if lang != "zh":
        return []
    qt = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt.load(f"qtbase_{_QT_LOCALE[lang]}", qt_dir):
        app.installTranslator(qt)
        _installed.append(qt)
    ours = QTranslator(app)
    qm = ensure_qm(lang)
    if qm is not None and ours.load(str(qm)):
        app.installTranslator(ours)
        _installed.append(ours)
    else:
        log.warning("no qjgis translation for %s: the interface stays in English", lang)
    return list(_installed)


def remove_translators(app: QCoreApplication) -> None:
    while _installed:
        app.removeTranslator(_installed.pop())


def source_files() -> list[Path]:
    return sorted(p for pkg in SOURCE_PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def update_translations(lang: str = "zh") -> int:
    """Re-extract the strings into the .ts (keeping translations) and compile it."""
    tool = qt_tool("pyside6-lupdate")
    if tool is None:
        print("pyside6-lupdate not found beside", sys.executable, file=sys.stderr)
        return 1
    ts = ts_path(lang)
    ts.parent.mkdir(parents=True, exist_ok=True)
    files = [str(p.relative_to(ROOT)) for p in source_files()]
    # -no-obsolete: the .ts holds exactly the strings the code uses, so a test can
    # require every entry to be finished; git keeps the old translations.
    cmd = [str(tool), "-locations", "none", "-no-obsolete", *files, "-ts", str(ts)]
    result = subprocess.run(cmd, cwd=ROOT, check=False)
    if result.returncode != 0:
        return result.returncode
    return 0 if compile_ts(ts, qm_path(lang)) else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui.i18n", description=__doc__)
    parser.add_argument("--update", action="store_true", help="run lupdate, then lrelease")
    parser.add_argument("--lang", default="zh", choices=["zh"], help="translation to update")
    args = parser.parse_args(argv)
    if args.update:
        return update_translations(args.lang)
    qm = ensure_qm(args.lang)
    print(qm if qm else "no translation compiled")
    return 0 if qm else 1


if __name__ == "__main__":
    sys.exit(main())
