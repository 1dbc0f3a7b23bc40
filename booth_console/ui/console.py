"""The window manager: the booth window, one lane window per lane, Ctrl+1..9, screenshots.

Ctrl+1..9 (lane windows in ``[booth] lanes`` order) and Ctrl+0 (the booth window) work from
every window, also while a lane's dialog is open: a dialog is modal to its own lane window only,
so the attendant serves another lane and comes back to the dialog as it was left.
Ctrl+Shift+A tiles the lane windows over the screens.
"""

from __future__ import annotations

import asyncio
import logging
import math
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRect, QSettings, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QWidget

from booth_console.app.lane import LaneController
from booth_console.config import BoothConfig
from booth_console.ui.booth_window import BoothWindow
from booth_console.ui.lane_window import LaneWindow
from booth_console.ui.sign_on import LockOverlay, lock_shortcut

__all__ = ["Console", "tile"]

log = logging.getLogger("booth_console.ui")

#: after a sign-on with no shift open, the shift dialog is offered this much later (seconds)
SHIFT_OFFER_DELAY_S = 0.3


def tile(n: int, screens: list[QRect]) -> list[QRect]:
    """``n`` window frames over the available areas of ``screens``, in order.

    The windows are shared out over the screens (the first screens take one more when they do
    not divide evenly); on each screen they form a grid as square as it allows, two side by side.
    """
    if n <= 0 or not screens:
        return []
    per_screen = math.ceil(n / len(screens))
    cells: list[QRect] = []
    for s_index, avail in enumerate(screens):
        k = min(per_screen, n - s_index * per_screen)
        if k <= 0:
            break
        cols = math.ceil(math.sqrt(k))
        rows = math.ceil(k / cols)
        if k == 2 and avail.width() >= avail.height():
            cols, rows = 2, 1
        w, h = avail.width() // cols, avail.height() // rows
        cells += [QRect(avail.x() + (i % cols) * w, avail.y() + (i // cols) * h, w, h)
                  for i in range(k)]
    return cells


class Console(QObject):
    """Owns the windows of a running console."""

    def __init__(self, booth_window: BoothWindow, config: BoothConfig, settings: QSettings | None,
                 language: str = "en", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.booth_window = booth_window
        self.config = config
        self.settings = settings
        self.language = language
        self.session: Any = None
        self.lane_windows: dict[str, LaneWindow] = {}
        #: the lock overlay of each window (once a session with operators is bound)
        self.overlays: dict[QWidget, LockOverlay] = {}
        self.operators: Any = None
        self._signed_on: str | None = None  # who signed on last (kept while locked)
        self._shift_offer: asyncio.Future[Any] | None = None
        self._install_shortcuts(booth_window)
        booth_window.lane_requested.connect(self.show_lane)
        booth_window.arrange_requested.connect(self.arrange_lanes)

    def __repr__(self) -> str:
        return f"<Console lanes={list(self.lane_windows)}>"

    def bind(self, session: Any) -> None:
        """Render ``session``: the booth window now, lane windows once the lanes are known."""
        self.session = session
        self.booth_window.bind(session)
        operators = getattr(session, "operators", None)
        if operators is not None and self.operators is None:
            self.operators = operators
            self._cover(self.booth_window)
            self._lock_key = lock_shortcut(self.booth_window, operators)  # Ctrl+L, app-wide
            operators.changed.connect(self._on_operator)
        session.booth.lanes_loaded.connect(self._on_lanes)
        if session.booth.controllers:
            self._on_lanes(list(session.booth.controllers.values()))

    def _on_lanes(self, controllers: list[LaneController]) -> None:
        for ctl in controllers:
            if ctl.lane_no in self.lane_windows:
                continue
            win = LaneWindow(
                ctl, runner=self.session.runner, booth=self.session.booth, images=self.session.images,
                messages=self.session.messages, config=self.config, settings=self.settings,
                language=self.language,
            )
            self._install_arrange(win)
            self.lane_windows[ctl.lane_no] = win
            if self.operators is not None:
                self._cover(win)
            win.show()
        if self.operators is not None and self.operators.state.operator is None:
            # nobody signed on: the keyboard goes to the booth window's sign-on form, not to
            # whichever lane window happened to be shown last
            self.booth_window.raise_()
            self.booth_window.activateWindow()

    # -- sign-on and lock ------------------------------------------------------------------

    def _cover(self, win: QWidget) -> None:
        """A lock overlay on ``win``: shown while the console is locked or nobody signed on."""
        self.overlays[win] = LockOverlay(win, self.operators)

    def _on_operator(self, state: Any) -> None:
        """Locked or signed off: the dialogs open at any window are closed (their command is
        cancelled, nothing is sent), so the overlays are what the windows show. Signed on (not
        an unlock) while no shift is open: the shift is offered at once (the float; Esc leaves
        it for later), so that the cash taken counts in a cash-up."""
        who = state.operator.name if state.operator is not None else None
        if who is not None and state.locked is None:
            if who != self._signed_on and self._shift_offer is None:  # not an unlock
                self._shift_offer = asyncio.ensure_future(self._offer_shift())
            self._signed_on = who
            return
        if who is None:
            self._signed_on = None
        for win in self.windows():
            for dlg in win.findChildren(QDialog):
                if dlg.isVisible():
                    dlg.reject()

    async def _offer_shift(self) -> None:
        try:
            await asyncio.sleep(SHIFT_OFFER_DELAY_S)  # the sign-on screen closes first
            manager = getattr(self.session, "shifts", None)
            state = self.operators.state if self.operators is not None else None
            if (manager is None or manager.current is not None or state is None
                    or state.operator is None or state.locked is not None):
                return
            log.info("no shift is open at sign-on: offering one")
            await self.booth_window.shift_action()
        except Exception:
            log.exception("offering a shift at sign-on failed")
        finally:
            self._shift_offer = None

    def _install_shortcuts(self, window: QWidget) -> None:
        # application-wide, held by the booth window (always open): they work from every lane
        # window and from a lane's dialog (modal to that lane only, it does not shadow the booth)
        for i in range(1, 10):
            sc = QShortcut(QKeySequence(f"Ctrl+{i}"), window)
            sc.setContext(Qt.ShortcutContext.ApplicationShortcut)
            sc.activated.connect(lambda n=i: self.raise_lane(n))
        sc = QShortcut(QKeySequence("Ctrl+0"), window)
        sc.setContext(Qt.ShortcutContext.ApplicationShortcut)
        sc.activated.connect(self.show_booth)

    def _install_arrange(self, window: QWidget) -> None:
        sc = QShortcut(QKeySequence("Ctrl+Shift+A"), window)
        sc.setContext(Qt.ShortcutContext.WindowShortcut)
        sc.activated.connect(self.arrange_lanes)

    def raise_lane(self, n: int) -> LaneWindow | None:
        """Bring lane window number ``n`` (1-based, in ``[booth] lanes`` order) to the front."""
        wins = list(self.lane_windows.values())
        if not 1 <= n <= len(wins):
            return None
        self._bring(wins[n - 1])
        return wins[n - 1]

    def show_booth(self) -> None:
        """Bring the booth window to the front, its waiting list focused (Ctrl+0, then Enter:
        the lane waiting longest)."""
        self._bring(self.booth_window)
        self.booth_window.focus_waiting()

    def show_lane(self, lane_no: str) -> None:
        """Bring the window of ``lane_no`` to the front."""
        win = self.lane_windows.get(lane_no)
        if win is not None:
            self._bring(win)

    @staticmethod
    def _bring(win: QWidget) -> None:
        win.show()
        win.setWindowState(win.windowState() & ~Qt.WindowState.WindowMinimized)
        win.raise_()
        # a dialog left open at this lane comes back with it, where the attendant left it
        dialogs = [d for d in win.findChildren(QDialog)
                   if d.isVisible() and d.windowModality() != Qt.WindowModality.NonModal]
        target = dialogs[-1] if dialogs else win
        target.raise_()
        target.activateWindow()

    def arrange_lanes(self) -> dict[str, QRect]:
        """Tile the lane windows over the available area of the screens (Ctrl+Shift+A).

        Lanes are shared out over the screens in order; on each screen they form a grid as
        square as the screen allows (four lanes on 1920x1080: four 960x540 quarters).
        Returns the frame rectangle given to each lane.
        """
        wins = list(self.lane_windows.items())
        cells = tile(len(wins), [sc.availableGeometry() for sc in QGuiApplication.screens()])
        placed: dict[str, QRect] = {}
        for (lane_no, win), cell in zip(wins, cells, strict=False):
            win.show()
            win.setWindowState(Qt.WindowState.WindowNoState)
            frame, inner = win.frameGeometry(), win.geometry()
            left, top = inner.x() - frame.x(), inner.y() - frame.y()
            right = frame.right() - inner.right()
            bottom = frame.bottom() - inner.bottom()
            win.setGeometry(cell.adjusted(left, top, -right, -bottom))
            placed[lane_no] = cell
        return placed

    def windows(self) -> list[QWidget]:
        """Every window: the booth window first, then the lanes."""
        return [self.booth_window, *self.lane_windows.values()]

    def screenshots(self, folder: Path) -> list[Path]:
        """Render every window to ``folder`` as PNG (``booth.png``, ``lane-<no>.png``, and
        ``find-entry.png`` while a find-entry dialog is open)."""
        folder.mkdir(parents=True, exist_ok=True)
        out: list[Path] = []
        targets: list[tuple[str, QWidget]] = [("booth", self.booth_window)]
        targets += [(f"lane-{no}", w) for no, w in self.lane_windows.items()]
        from booth_console.ui.find_entry_dialog import FindEntryDialog

        for lane_win in self.lane_windows.values():
            dialog = getattr(lane_win, "last_dialog", None)
            if isinstance(dialog, FindEntryDialog) and dialog.isVisible():
                targets.append(("find-entry", dialog))
        for name, win in targets:
            path = folder / f"{name}.png"
            if win.grab().save(str(path), "PNG"):
                out.append(path)
            else:
                log.error("cannot save screenshot %s", path)
        return out

    def sign_on_screenshot(self, folder: Path, size: tuple[int, int] = (1366, 768)) -> Path | None:
        """Render the sign-on screen (as the console starts) to ``folder / "sign-on.png"``."""
        if self.operators is None:
            return None
        from booth_console.ui.sign_on import SignOnScreen

        folder.mkdir(parents=True, exist_ok=True)
        screen = SignOnScreen(self.operators)
        screen.resize(*size)
        path = folder / "sign-on.png"
        try:
            if screen.grab().save(str(path), "PNG"):
                return path
            log.error("cannot save screenshot %s", path)
            return None
        finally:
            screen.deleteLater()

    async def shift_report_screenshot(self, folder: Path,
                                      size: tuple[int, int] = (1366, 768)) -> Path | None:
        """Render the report of the open shift so far (or of the last closed one) to
        ``folder / "shift-report.png"``."""
        shifts = getattr(self.session, "shifts", None)
        if shifts is None:
            return None
        from booth_console.ui.shift_report import ShiftReportView

        report = await shifts.report(shifts.current.shift_id if shifts.current else None)
        if report is None:
            return None
        folder.mkdir(parents=True, exist_ok=True)
        view = ShiftReportView(report)
        view.resize(*size)
        path = folder / "shift-report.png"
        try:
            if view.grab().save(str(path), "PNG"):
                return path
            log.error("cannot save screenshot %s", path)
            return None
        finally:
            view.deleteLater()

    def close_all(self) -> None:
        """Close every window without asking (shutdown)."""
        if self._shift_offer is not None:
            self._shift_offer.cancel()
        for win in self.lane_windows.values():
            win.save_geometry()
            win._force_close = True
            win.close()
        self.booth_window._force_close = True
        self.booth_window.close()
