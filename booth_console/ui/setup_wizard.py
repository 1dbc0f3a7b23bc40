"""First-run setup: a keyboard-friendly wizard that writes the configuration file.

Pages: the server and credentials (HTTP V2.0 or MQTT V3.0 with the broker), a connection test
with exact diagnoses (:mod:`booth_console.setup_checks`, run on a worker thread so the window
never freezes), the lanes this booth serves (read with the ``Lane`` query), the callback
listener's address (this PC's LAN addresses, the port checked free) with the choice to register
callbacks (``SetCallbackParams`` replaces the server's whole table) and to start at login, then
where to write the file. The AppSecret and MQTT password go to the OS keyring when it works; the
file then holds only ``keyring:`` references (otherwise the plain value, in a file only this user
may read).
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from booth_console import platform_paths
from booth_console import secrets as secret_store
from booth_console.config import Config, ListenerConfig, MqttConfig, ServerConfig
from booth_console.errors import ConfigError
from booth_console.setup_checks import (
    TR_CONTEXT,
    CheckReport,
    LaneChoice,
    Text,
    check_listener_port,
    crashed,
    lan_addresses,
    run_checks,
)

__all__ = ["SetupWizard", "StartErrorBox", "config_toml"]

log = logging.getLogger(__name__)


def _shown(text: Text) -> str:
    """A check's text in the UI language."""
    return text.render(lambda source: QCoreApplication.translate(TR_CONTEXT, source))


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def config_toml(cfg: Config, *, app_secret: str, mqtt_password: str) -> str:
    """The configuration file's text; the two secrets are given as they should be written
    (normally ``keyring:`` references)."""
    s, li, m = cfg.server, cfg.listener, cfg.mqtt
    lines = [
        "# Booth Console configuration written by `booth-console setup`.",
        "[server]",
        f"base_url = {_q(s.base_url)}",
        f"app_id = {_q(s.app_id)}",
        f"app_secret = {_q(app_secret)}",
        f"park_key = {_q(s.park_key)}",
        f"transport = {_q(s.transport)}",
        "",
        "[listener]",
        f"host = {_q(li.host)}",
        f"port = {li.port}",
        f"register_callbacks = {'true' if li.register_callbacks else 'false'}",
        "",
        "[booth]",
        "lanes = [" + ", ".join(_q(n) for n in cfg.booth.lanes) + "]",
    ]
    if cfg.booth.language:
        lines.append(f"language = {_q(cfg.booth.language)}")
    if s.transport == "mqtt":
        lines += ["", "[mqtt]", f"host = {_q(m.host)}", f"port = {m.port}",
                  f"username = {_q(m.username)}", f"password = {_q(mqtt_password)}"]
    return "\n".join(lines) + "\n"


class _CheckRunner(QObject):
    """Runs the checks on a worker thread and hands the report back on the Qt thread."""

    finished = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        #: why the OS keyring cannot be used ("" when it can; None until a run has looked)
        self.keyring_problem: str | None = None

    def start(self, cfg: Config, listener: bool) -> None:
        def work() -> None:
            try:
                report = asyncio.run(run_checks(cfg, listener=listener))
            except Exception as exc:  # a bug in a check must not leave the page waiting
                log.exception("setup checks failed")
                report = crashed(exc)
            # the keyring's backend is looked up here: on Linux that asks D-Bus, which may be slow
            self.keyring_problem = secret_store.keyring_problem()
            self.finished.emit(report)

        threading.Thread(target=work, name="booth-setup-checks", daemon=True).start()


class ServerPage(QWizardPage):
    """Server address, credentials and transport."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Parking server"))
        self.setSubTitle(self.tr("Copy these from the parking software's System Settings page."))
        form = QFormLayout(self)
        self.url = QLineEdit("http://")
        self.app_id = QLineEdit()
        self.app_secret = QLineEdit()
        self.app_secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.park_key = QLineEdit()
        self.transport = QComboBox()
        self.transport.addItem(self.tr("HTTP (V2.0)"), "http")
        self.transport.addItem(self.tr("MQTT (V3.0)"), "mqtt")
        self.mqtt_host = QLineEdit("127.0.0.1")
        self.mqtt_port = QSpinBox()
        self.mqtt_port.setRange(1, 65535)
        self.mqtt_port.setValue(1883)
        self.mqtt_user = QLineEdit()
        self.mqtt_password = QLineEdit()
        self.mqtt_password.setEchoMode(QLineEdit.EchoMode.Password)
        for label, widget in (
            (self.tr("&Server address:"), self.url), (self.tr("App&Id:"), self.app_id),
            (self.tr("AppS&ecret:"), self.app_secret), (self.tr("&ParkKey:"), self.park_key),
            (self.tr("&Transport:"), self.transport), (self.tr("Broker &host:"), self.mqtt_host),
            (self.tr("Broker p&ort:"), self.mqtt_port), (self.tr("Broker &user:"), self.mqtt_user),
            (self.tr("Broker pass&word:"), self.mqtt_password),
        ):
            form.addRow(label, widget)
        for edit in (self.url, self.app_id, self.app_secret, self.park_key):
            edit.textChanged.connect(self.completeChanged)
        self.transport.currentIndexChanged.connect(self._transport_changed)
        self._transport_changed()

    def _transport_changed(self) -> None:
        mqtt = self.transport.currentData() == "mqtt"
        for w in (self.mqtt_host, self.mqtt_port, self.mqtt_user, self.mqtt_password):
            w.setEnabled(mqtt)

    def isComplete(self) -> bool:
        return all(e.text().strip() for e in (self.app_id, self.app_secret, self.park_key)) \
            and self.url.text().strip() not in ("", "http://", "https://")

    def base_url(self) -> str:
        """The server address as typed, with ``http://`` put in front when no scheme was typed
        (the field starts with ``http://`` selected, so typing the address replaces it)."""
        url = self.url.text().strip().rstrip("/")
        if url and "://" not in url:
            url = "http://" + url
        return url

    def config(self) -> Config:
        """The configuration typed so far."""
        return Config(
            server=ServerConfig(base_url=self.base_url(), app_id=self.app_id.text().strip(),
                                app_secret=self.app_secret.text().strip(), park_key=self.park_key.text().strip(),
                                transport=str(self.transport.currentData())),
            mqtt=MqttConfig(host=self.mqtt_host.text().strip(), port=self.mqtt_port.value(),
                            username=self.mqtt_user.text().strip(), password=self.mqtt_password.text()),
        )


class TestPage(QWizardPage):
    """Connection test; Next is enabled only when every check passed."""

    def __init__(self, server: ServerPage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.server = server
        self.report: CheckReport | None = None
        self.setTitle(self.tr("Connection test"))
        self.setSubTitle(self.tr("Booth Console signs a Lane query with these credentials."))
        layout = QVBoxLayout(self)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.retry = QPushButton(self.tr("&Test again"))
        self.retry.clicked.connect(self.start_test)
        layout.addWidget(self.status)
        layout.addWidget(self.output)
        layout.addWidget(self.retry)
        self._runner = _CheckRunner(self)
        self._runner.finished.connect(self._done)
        self._running = False

    def initializePage(self) -> None:
        self.start_test()

    def start_test(self) -> None:
        """Run the checks in the background."""
        if self._running:
            return
        self._running = True
        self.report = None
        self.retry.setEnabled(False)
        self.status.setText(self.tr("Testing…"))
        self.output.clear()
        self.completeChanged.emit()
        self._runner.start(self.server.config(), listener=False)

    def _done(self, report: CheckReport) -> None:
        self._running = False
        self.report = report
        self.retry.setEnabled(True)
        self.output.setPlainText("\n".join(
            (self.tr("ok    {name}: {detail}") if c.ok else self.tr("FAIL  {name}: {detail}"))
            .format(name=_shown(c.name), detail=_shown(c.detail)) for c in report.checks))
        self.status.setText(self.tr("All checks passed.") if report.ok
                            else self.tr("A check failed: correct the settings (Back) and test again."))
        self.completeChanged.emit()
        if report.ok:
            self.wizard().button(QWizard.WizardButton.NextButton).setFocus()
        else:
            self.retry.setFocus()

    def isComplete(self) -> bool:
        return self.report is not None and self.report.ok

    def keyring_problem(self) -> str | None:
        """Why the OS keyring cannot be used ("" when it can; None when not looked at yet)."""
        return self._runner.keyring_problem


class LanesPage(QWizardPage):
    """The lanes this booth serves."""

    def __init__(self, test: TestPage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.test = test
        self.setTitle(self.tr("Lanes of this booth"))
        self.setSubTitle(self.tr("Tick the lanes this booth serves (Space ticks)."))
        layout = QVBoxLayout(self)
        self.list = QListWidget()
        self.list.itemChanged.connect(self.completeChanged)
        layout.addWidget(self.list)

    def initializePage(self) -> None:
        self.list.clear()
        lanes: list[LaneChoice] = self.test.report.lanes if self.test.report else []
        directions = {"entry": self.tr("entry"), "exit": self.tr("exit")}
        for lane in lanes:
            kind = [directions[lane.direction]] if lane.direction in directions else []
            if lane.lane_type == 2:
                kind.append(self.tr("non-vehicle lane"))
            text = f"{lane.no}  {lane.name}" + (f"  ({', '.join(kind)})" if kind else "")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, lane.no)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.setFocus()

    def lanes(self) -> tuple[str, ...]:
        """The ticked lane numbers."""
        items = [self.list.item(i) for i in range(self.list.count())]
        return tuple(str(it.data(Qt.ItemDataRole.UserRole)) for it in items
                     if it.checkState() == Qt.CheckState.Checked)

    def isComplete(self) -> bool:
        return bool(self.lanes())


class ListenerPage(QWizardPage):
    """Where the parking software posts its callbacks; whether to register them; autostart."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Callbacks from the parking server"))
        self.setSubTitle(self.tr("The parking software posts vehicle and payment events to this "
                                 "PC's address; choose the one on the parking network."))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.host = QComboBox()
        self.host.setEditable(True)
        self.host.addItems(lan_addresses() or ["127.0.0.1"])
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(8890)
        form.addRow(self.tr("This PC's &address:"), self.host)
        form.addRow(self.tr("&Port:"), self.port)
        layout.addLayout(form)
        self.port_status = QLabel()
        self.port_status.setWordWrap(True)
        layout.addWidget(self.port_status)
        self.register = QCheckBox(self.tr("&Register these callbacks with the parking server now"))
        self.register.setChecked(True)
        layout.addWidget(self.register)
        self.warning = QLabel(self.tr(
            "Warning: SetCallbackParams replaces the parking server's WHOLE callback table. "
            "Callback addresses set by other programs (another booth, a display board) stop "
            "receiving events. Leave this unticked if anything else uses callbacks."))
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b00020; font-weight: bold;")
        layout.addWidget(self.warning)
        self.autostart = QCheckBox(self.tr("Start Booth Console when I &log in"))
        layout.addWidget(self.autostart)
        self.host.currentTextChanged.connect(self._check_port)
        self.port.valueChanged.connect(self._check_port)
        self._free = False
        self._check_port()

    def _check_port(self) -> None:
        self._free, detail = check_listener_port(self.host.currentText().strip(), self.port.value())
        self.port_status.setText((self.tr("Free: {detail}") if self._free
                                  else self.tr("Not usable: {detail}")).format(detail=_shown(detail)))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self._free


class FinishPage(QWizardPage):
    """Where to write the file; secrets to the keyring."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Save"))
        self.setSubTitle(self.tr("Finish writes the configuration and starts the console."))
        form = QFormLayout(self)
        self.path = QLineEdit(str(path))
        # not Alt+F: that is the Finish button's
        form.addRow(self.tr("&Configuration file:"), self.path)
        self.use_keyring = QCheckBox(self.tr("Keep the AppSecret and broker password in the &OS keyring"))
        self.use_keyring.setChecked(True)
        form.addRow(self.use_keyring)
        self.keyring_note = QLabel(self._store_name())
        self.keyring_note.setWordWrap(True)  # a long line would widen the wizard past the screen
        form.addRow(self.keyring_note)
        self.path.textChanged.connect(self.completeChanged)

    def _store_name(self) -> str:
        note = platform_paths.keyring_backend_note()
        names = {
            "Windows Credential Manager": self.tr("Windows Credential Manager"),
            "macOS Keychain": self.tr("macOS Keychain"),
            "Secret Service (GNOME Keyring or KWallet; needs a desktop session)":
                self.tr("Secret Service (GNOME Keyring or KWallet; needs a desktop session)"),
        }
        return names.get(note, note)

    def initializePage(self) -> None:
        wizard = self.wizard()
        assert isinstance(wizard, SetupWizard)
        problem = wizard.test_page.keyring_problem()
        usable = not problem
        if not usable:
            log.info("the OS keyring cannot be used: %s", problem)
        self.use_keyring.setChecked(usable)
        self.use_keyring.setEnabled(usable)
        self.keyring_note.setText(self._store_name() if usable else self.tr(
            "This PC has no usable OS keyring, so the AppSecret and broker password will be "
            "written into the configuration file, which only this user may read. To keep them "
            "out of the file, set up the keyring (on Linux: a desktop session with GNOME Keyring "
            "or KWallet) and run setup again, or give them in the environment "
            "(BOOTH_CONSOLE_APP_SECRET, BOOTH_CONSOLE_MQTT_PASSWORD)."))

    def isComplete(self) -> bool:
        return bool(self.path.text().strip())

    def validatePage(self) -> bool:
        wizard = self.wizard()
        assert isinstance(wizard, SetupWizard)
        try:
            wizard.written = wizard.write_config(Path(self.path.text().strip()),
                                                 use_keyring=self.use_keyring.isChecked())
        except Exception as exc:
            wizard.last_error = str(exc)
            if self.use_keyring.isChecked() and isinstance(exc, ConfigError):
                shown = self.tr("The OS keyring cannot be used: untick “Keep the AppSecret … in the "
                                "OS keyring” to write the secrets into the file (only this user "
                                "may read it), or set up the keyring and try again.\n\n{error}"
                                ).format(error=str(exc))
            else:
                shown = self.tr("The configuration could not be written: {error}").format(error=str(exc))
            QMessageBox.warning(self, self.tr("Cannot save"), shown)
            return False
        return True


class SetupWizard(QWizard):
    """The first-run wizard; after ``exec()`` returns Accepted, :attr:`written` is the file."""

    def __init__(self, config_path: Path, language: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Booth Console setup"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.language = language
        self.written: Path | None = None
        self.autostart_written: Path | None = None
        self.last_error = ""
        self.server_page = ServerPage()
        self.test_page = TestPage(self.server_page)
        self.lanes_page = LanesPage(self.test_page)
        self.listener_page = ListenerPage()
        self.finish_page = FinishPage(config_path)
        for page in (self.server_page, self.test_page, self.lanes_page, self.listener_page,
                     self.finish_page):
            self.addPage(page)

    def config(self) -> Config:
        """Everything chosen so far."""
        cfg = self.server_page.config()
        return replace(
            cfg,
            listener=ListenerConfig(host=self.listener_page.host.currentText().strip(),
                                    port=self.listener_page.port.value(),
                                    register_callbacks=self.listener_page.register.isChecked()),
            booth=replace(cfg.booth, lanes=self.lanes_page.lanes(), language=self.language),
        )

    def write_config(self, path: Path, *, use_keyring: bool) -> Path:
        """Store the secrets and write the file (only this user may read it); returns its path.

        Raises:
            booth_console.errors.ConfigError: the keyring cannot be used.
            OSError: the file cannot be written.
        """
        cfg = self.config()
        secret, password = cfg.server.app_secret, cfg.mqtt.password
        if use_keyring:
            secret = secret_store.store(secret_store.APP_SECRET_ENTRY, secret)
            if cfg.server.transport == "mqtt" and password:
                password = secret_store.store(secret_store.MQTT_PASSWORD_ENTRY, password)
        text = config_toml(cfg, app_secret=secret, mqtt_password=password)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
        if self.listener_page.autostart.isChecked():
            from booth_console.tools.autostart import enable

            self.autostart_written = enable(path.resolve())
        log.info("configuration written to %s", path)
        return path


class StartErrorBox(QMessageBox):
    """Why the console did not start (a bad configuration, a keyring entry it cannot read), for
    a console started from the autostart entry or an icon, whose stderr nobody sees."""

    def __init__(self, error: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle(self.tr("Booth Console cannot start"))
        self.setText(self.tr("Booth Console cannot start: the configuration cannot be used."))
        self.setInformativeText(self.tr(
            "{error}\n\nCorrect the configuration file, or run `booth-console setup` again."
        ).format(error=error))
        self.setStandardButtons(QMessageBox.StandardButton.Ok)

