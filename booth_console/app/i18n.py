"""Translations: our ``booth_console_<lang>.qm`` plus Qt's own ``qtbase_<lang>.qm``."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from booth_console.app.resources import resource_path

__all__ = ["choose_language", "current_language", "install_translators"]

log = logging.getLogger("booth_console.i18n")

_installed: list[QTranslator] = []
_language = "en"


def current_language() -> str:
    """The UI language last installed (``"en"`` until :func:`install_translators` runs)."""
    return _language


def choose_language(configured: str = "") -> str:
    """``"en"`` or ``"zh_CN"``: the configured language, else the system locale's."""
    if configured:
        return configured
    name = QLocale.system().name()
    return "zh_CN" if name.lower().startswith("zh") else "en"


def install_translators(app: QCoreApplication, language: str) -> bool:
    """Install the translators for ``language``; returns whether ours loaded.

    English is the source language: nothing is loaded for it.
    """
    global _language
    for tr in _installed:
        app.removeTranslator(tr)
    _installed.clear()
    _language = language or "en"
    if language in ("", "en"):
        return True
    ok = False
    qm = resource_path("i18n", f"booth_console_{language}.qm")
    ours = QTranslator(app)
    if qm is not None and ours.load(str(qm)):
        app.installTranslator(ours)
        _installed.append(ours)
        ok = True
    else:
        log.warning("translation booth_console_%s.qm not found or not loadable (%s)", language, qm)
    qt = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt.load(f"qtbase_{language}", qt_dir):
        app.installTranslator(qt)
        _installed.append(qt)
    else:
        log.info("Qt's own qtbase_%s.qm not found in %s", language, qt_dir)
    return ok
