"""First-run setup: the wizard driven by keyboard against the simulator, and ``setup --check``."""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from booth_console.config import load_config
from booth_console.ui.setup_wizard import SetupWizard
from tests.app.helpers import simulator_api
from tests.boothpc.keyring_backend import FileKeyring
from tests.processes import kill_if_running
from tests.processes import wait_for_text as _wait_for

ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", BOOTH_CONSOLE_NO_SOUND="1",
                PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port some other program listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield int(s.getsockname()[1])


# --- headless -----------------------------------------------------------------------------------

def _check(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    cfg = tmp_path / "check.toml"
    cfg.write_text(text, encoding="utf-8")
    cfg.chmod(0o600)
    return subprocess.run([sys.executable, "-m", "booth_console", "setup", "--check", "--config", str(cfg)],
                          capture_output=True, text=True, timeout=60, env=_env())


def _toml(url: str, app_id: str, secret: str, park_key: str, port: int = 0) -> str:
    return (f'[server]\nbase_url = "{url}"\napp_id = "{app_id}"\napp_secret = "{secret}"\n'
            f'park_key = "{park_key}"\n[listener]\nhost = "127.0.0.1"\nport = {port}\n')


@pytest.mark.slow
def test_check_headless(tmp_path: Path, simulator_in_thread: Any, busy_port: int) -> None:
    _s, _c, (app_id, secret, park_key) = simulator_api()
    url = str(simulator_in_thread.base_url)
    good = _check(tmp_path, _toml(url, app_id, secret, park_key))
    assert good.returncode == 0, good.stdout
    lines = good.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["ok"] * len(lines)  # a 600 file: no warning
    assert any("credentials: AppId, AppSecret and ParkKey accepted" in line for line in lines)
    assert any(line.startswith("ok    lanes: ") for line in lines)

    wrong_secret = _check(tmp_path, _toml(url, app_id, "not-the-secret", park_key))
    assert wrong_secret.returncode == 1
    assert "FAIL  credentials: ResultCode 1001" in wrong_secret.stdout
    assert "clocks agree, so the AppSecret (or AppId) is wrong" in wrong_secret.stdout
    assert "not-the-secret" not in wrong_secret.stdout + wrong_secret.stderr

    wrong_key = _check(tmp_path, _toml(url, app_id, secret, "999999"))
    assert wrong_key.returncode == 1 and "ResultCode 1002" in wrong_key.stdout
    assert "wrong ParkKey" in wrong_key.stdout

    port = _free_port()
    closed = _check(tmp_path, _toml(f"http://127.0.0.1:{port}", app_id, secret, park_key))
    assert closed.returncode == 1
    assert f"FAIL  server reachable: nothing listens on port {port} at 127.0.0.1" in closed.stdout

    taken = _check(tmp_path, _toml(url, app_id, secret, park_key, port=busy_port))
    assert taken.returncode == 1
    assert f"FAIL  listener: port {busy_port} on 127.0.0.1 is in use by another program" in taken.stdout

    (tmp_path / "check.toml").chmod(0o644)
    shared = subprocess.run([sys.executable, "-m", "booth_console", "setup", "--check", "--config",
                             str(tmp_path / "check.toml")], capture_output=True, text=True, timeout=60, env=_env())
    assert "warn  secrets: [server] app_secret in plain text" in shared.stdout

    bad = _check(tmp_path, "[server\n")
    assert bad.returncode == 2 and bad.stdout.startswith("FAIL  configuration:")


# --- the wizard ---------------------------------------------------------------------------------

def _fill_server_page(qtbot: Any, wizard: SetupWizard, url: str, app_id: str, secret: str, park_key: str) -> None:
    page = wizard.server_page
    page.url.setFocus()
    page.url.selectAll()
    qtbot.keyClicks(page.url, url)
    for edit, text in ((page.app_id, app_id), (page.app_secret, secret), (page.park_key, park_key)):
        qtbot.keyClick(wizard.focusWidget(), Qt.Key.Key_Tab)
        assert wizard.focusWidget() is edit  # the tab order follows the form
        qtbot.keyClicks(edit, text)


def _next(qtbot: Any, wizard: SetupWizard) -> None:
    """Alt+N, as an installer would press it."""
    before = wizard.currentId()
    qtbot.keyClick(wizard, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: wizard.currentId() != before, timeout=3000)


def _wait_report(qtbot: Any, wizard: SetupWizard) -> str:
    qtbot.waitUntil(lambda: wizard.test_page.report is not None, timeout=20000)
    return wizard.test_page.output.toPlainText()


@pytest.fixture
def wizard(qtbot: Any, tmp_path: Path, test_keyring: FileKeyring) -> SetupWizard:
    w = SetupWizard(tmp_path / "conf" / "booth.toml", language="en")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.mark.slow
def test_wizard_reports_each_mistake_exactly(
    qtbot: Any, wizard: SetupWizard, simulator_in_thread: Any, busy_port: int,
) -> None:
    _s, _c, (app_id, secret, park_key) = simulator_api()
    url = str(simulator_in_thread.base_url)
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    cases = [
        (url, "wrong-secret", park_key, "ResultCode 1001"),
        (url, secret, "424242", "wrong ParkKey"),
        (f"http://127.0.0.1:{_free_port()}", secret, park_key, "nothing listens on port"),
    ]
    for case_url, case_secret, case_key, expected in cases:
        wizard.restart()
        page = wizard.server_page
        for edit in (page.url, page.app_id, page.app_secret, page.park_key):
            edit.clear()
        _fill_server_page(qtbot, wizard, case_url, app_id, case_secret, case_key)
        _next(qtbot, wizard)
        text = _wait_report(qtbot, wizard)
        assert expected in text, text
        assert not next_button.isEnabled()
        assert "FAIL" in wizard.test_page.status.text() or "failed" in wizard.test_page.status.text()
    # a port in use is refused on the listener page
    wizard.restart()
    page = wizard.server_page
    for edit in (page.url, page.app_id, page.app_secret, page.park_key):
        edit.clear()
    _fill_server_page(qtbot, wizard, url, app_id, secret, park_key)
    _next(qtbot, wizard)
    assert "FAIL" not in _wait_report(qtbot, wizard)
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    listener = wizard.listener_page
    listener.host.setCurrentText("127.0.0.1")
    listener.port.setValue(busy_port)
    assert "in use by another program" in listener.port_status.text()
    assert not next_button.isEnabled()
    listener.port.setValue(_free_port())
    assert listener.port_status.text().startswith("Free")
    assert next_button.isEnabled()


@pytest.mark.slow
def test_wizard_writes_a_configuration_that_run_uses(
    qtbot: Any, wizard: SetupWizard, simulator_in_thread: Any, tmp_path: Path, test_keyring: FileKeyring,
) -> None:
    _s, _c, (app_id, secret, park_key) = simulator_api()
    _fill_server_page(qtbot, wizard, str(simulator_in_thread.base_url), app_id, secret, park_key)
    _next(qtbot, wizard)
    assert "FAIL" not in _wait_report(qtbot, wizard)
    _next(qtbot, wizard)
    # lanes: all ticked; untick the first with the keyboard
    lanes = wizard.lanes_page
    assert lanes.list.count() >= 2
    all_lanes = lanes.lanes()
    qtbot.keyClick(lanes.list, Qt.Key.Key_Space)
    assert lanes.lanes() == all_lanes[1:]
    _next(qtbot, wizard)
    listener = wizard.listener_page
    assert "127.0.0.1" in [listener.host.itemText(i) for i in range(listener.host.count())]
    assert "SetCallbackParams replaces the parking server's WHOLE callback table" in listener.warning.text()
    listener.host.setCurrentText("127.0.0.1")
    listener.port.setValue(_free_port())
    _next(qtbot, wizard)
    assert wizard.button(QWizard.WizardButton.FinishButton).isDefault()
    qtbot.keyClick(wizard.focusWidget(), Qt.Key.Key_Return)  # Enter presses Finish
    qtbot.waitUntil(lambda: wizard.written is not None, timeout=5000)
    path = wizard.written
    assert path is not None and path.exists()
    text = path.read_text(encoding="utf-8")
    assert secret not in text and 'app_secret = "keyring:app_secret"' in text
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    cfg = load_config(path)
    assert cfg.server.app_secret == secret and cfg.booth.lanes == all_lanes[1:]
    assert cfg.listener.register_callbacks

    data = tmp_path / "data"
    proc = subprocess.Popen(
        [sys.executable, "-m", "booth_console", "run", "--config", str(path), "--data-dir", str(data)],
        env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        assert _wait_for(data / "booth-console.log", "booth ready", 30), proc.poll()
        assert simulator_in_thread.engine.pusher.targets  # registered with the keyring's secret
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
    finally:
        kill_if_running(proc)
    assert secret not in (data / "booth-console.log").read_text(encoding="utf-8")


def test_wizard_speaks_chinese(qtbot: Any, qapp: Any, tmp_path: Path) -> None:
    from booth_console.app.i18n import install_translators

    assert install_translators(qapp, "zh_CN")
    try:
        w = SetupWizard(tmp_path / "booth.toml", language="zh_CN")
        qtbot.addWidget(w)
        assert w.windowTitle() == "岗亭收费台设置"
        assert w.server_page.title() == "停车场服务器"
        assert "整张回调表" in w.listener_page.warning.text()
    finally:
        install_translators(qapp, "en")


#: English words that stay in the Chinese wizard: protocol field names and the transport
_KEPT_WORDS = {"ResultCode", "AppId", "AppSecret", "ParkKey", "MQTT", "HTTP"}


def _english_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[A-Za-z][A-Za-z']{2,}", text) if w not in _KEPT_WORDS}


@pytest.mark.slow
def test_chinese_wizard_explains_failed_checks_in_chinese(
    qtbot: Any, qapp: Any, tmp_path: Path, test_keyring: FileKeyring, simulator_in_thread: Any, busy_port: int,
) -> None:
    from booth_console.app.i18n import install_translators

    _s, _c, (app_id, secret, park_key) = simulator_api()
    url = str(simulator_in_thread.base_url)
    closed = _free_port()
    server_msg = "Signature verification failed"  # the server's own ResultMsg, quoted as it is
    assert install_translators(qapp, "zh_CN")
    try:
        w = SetupWizard(tmp_path / "booth.toml", language="zh_CN")
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
        cases = [
            (url, "wrong-secret", f"失败  凭据：ResultCode 1001（{server_msg}）：签名被拒绝：AppSecret 或 "
                                  "AppId 错误，或时钟偏差；时钟一致，因此是 AppSecret（或 AppId）错误"),
            (f"http://127.0.0.1:{closed}", secret,
             f"失败  服务器连通：127.0.0.1 的 {closed} 端口无程序监听（端口错误，或服务未运行）"),
        ]
        for case_url, case_secret, expected in cases:
            w.restart()
            page = w.server_page
            for edit, text in ((page.url, case_url), (page.app_id, app_id), (page.app_secret, case_secret),
                               (page.park_key, park_key)):
                edit.setText(text)
            w.next()
            shown = _wait_report(qtbot, w)
            assert shown.splitlines()[-1] == expected, shown  # after "通过  服务器连通：…" for the 1001 case
            assert not _english_words(shown.replace(server_msg, "")), shown
            assert not w.button(QWizard.WizardButton.NextButton).isEnabled()
        listener = w.listener_page
        listener.host.setCurrentText("127.0.0.1")
        listener.port.setValue(busy_port)
        status = listener.port_status.text()
        assert status == f"不可用：127.0.0.1 的 {busy_port} 端口已被其他程序占用：请换一个", status
        listener.host.setCurrentText("192.0.2.1")  # TEST-NET: not an address of this PC
        assert listener.port_status.text() == "不可用：192.0.2.1 不是本机的地址"
        listener.host.setCurrentText("127.0.0.1")
        listener.port.setValue(closed)
        assert listener.port_status.text() == f"可用：127.0.0.1:{closed} 空闲"
    finally:
        install_translators(qapp, "en")


def test_run_without_a_configuration_points_to_setup(tmp_path: Path) -> None:
    env = dict(_env(), BOOTH_CONSOLE_CONFIG=str(tmp_path / "none" / "booth.toml"))
    done = subprocess.run([sys.executable, "-m", "booth_console", "run"], capture_output=True, text=True,
                          timeout=60, env=env)
    assert done.returncode == 2
    assert f"no configuration at {tmp_path / 'none' / 'booth.toml'}" in done.stderr
    assert "booth-console setup" in done.stderr


def test_run_finds_the_configuration_setup_wrote(tmp_path: Path) -> None:
    # the default file exists but is broken: run reads it (and says what is wrong in it)
    path = tmp_path / "conf" / "booth.toml"
    path.parent.mkdir()
    path.write_text("[booth]\nlanguage = 'fr'\n", encoding="utf-8")
    env = dict(_env(), BOOTH_CONSOLE_CONFIG=str(path))
    done = subprocess.run([sys.executable, "-m", "booth_console", "run"], capture_output=True, text=True,
                          timeout=60, env=env)
    assert done.returncode == 2 and "language" in done.stderr


def test_without_a_usable_keyring_the_secret_stays_in_a_private_file(
    qtbot: Any, wizard: SetupWizard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import keyring
    from keyring.backends import fail

    import booth_console.ui.setup_wizard as sw

    shown: list[str] = []
    monkeypatch.setattr(sw.QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    keyring.set_keyring(fail.Keyring())
    page = wizard.server_page
    page.url.setText("http://192.0.2.10:8888")
    page.app_id.setText("app")
    page.app_secret.setText("plain-but-private")
    page.park_key.setText("7")
    target = tmp_path / "conf" / "booth.toml"
    assert not wizard.finish_page.validatePage()  # the keyring cannot be used: say so, write nothing
    assert shown and "keyring cannot be used" in shown[0] and not target.exists()
    wizard.finish_page.use_keyring.setChecked(False)
    assert wizard.finish_page.validatePage()
    assert 'app_secret = "plain-but-private"' in target.read_text(encoding="utf-8")
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert load_config(target).server.app_secret == "plain-but-private"


# --- what an installer met on a booth PC --------------------------------------------------------

def _mnemonics(text: str) -> list[str]:
    return [m.lower() for m in re.findall(r"(?<!&)&([^&\s])", text)]


def _page_mnemonics(wizard: SetupWizard, page: Any) -> list[str]:
    from PySide6.QtWidgets import QAbstractButton, QLabel

    keys: list[str] = []
    for label in page.findChildren(QLabel):
        if label.buddy() is not None:
            keys += _mnemonics(label.text())
    for button in page.findChildren(QAbstractButton):
        keys += _mnemonics(button.text())
    wanted = [QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton,
              QWizard.WizardButton.FinishButton if page is wizard.finish_page else QWizard.WizardButton.NextButton]
    for which in wanted:
        keys += _mnemonics(wizard.button(which).text())
    return keys


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_each_alt_key_of_a_wizard_page_does_one_thing(qtbot: Any, qapp: Any, tmp_path: Path, language: str) -> None:
    # Alt+S was both "Server address" and "AppSecret", Alt+F both "Configuration file" and Finish
    # (Alt+F then only moved the focus), Alt+B both "Broker host" and Back
    from booth_console.app.i18n import install_translators

    assert install_translators(qapp, language)
    try:
        w = SetupWizard(tmp_path / "booth.toml", language=language)
        qtbot.addWidget(w)
        for page_id in w.pageIds():
            page = w.page(page_id)
            keys = _page_mnemonics(w, page)
            assert len(keys) >= 2, (page.title(), keys)  # at least Back and Next/Finish
            assert len(keys) == len(set(keys)), (page.title(), sorted(keys))
    finally:
        install_translators(qapp, "en")


@pytest.mark.slow
def test_address_without_http_and_lane_directions(
    qtbot: Any, wizard: SetupWizard, simulator_in_thread: Any,
) -> None:
    # the address field starts with "http://" selected: typing "127.0.0.1:8888" replaces it
    _s, _c, (app_id, secret, park_key) = simulator_api()
    bare = str(simulator_in_thread.base_url).removeprefix("http://")
    _fill_server_page(qtbot, wizard, bare, app_id, secret, park_key)
    _next(qtbot, wizard)
    assert "FAIL" not in _wait_report(qtbot, wizard)
    assert wizard.config().server.base_url == str(simulator_in_thread.base_url).rstrip("/")
    _next(qtbot, wizard)
    # the simulated lot: 1 Entrance A, 2 Exit A, 3 Entrance B, 4 Exit B (InOutMode of their
    # areas); every one a vehicle lane (LaneType 1), which was shown as "entry" for all of them
    shown = [wizard.lanes_page.list.item(i).text() for i in range(wizard.lanes_page.list.count())]
    assert shown == ["1  Entrance A  (entry)", "2  Exit A  (exit)", "3  Entrance B  (entry)",
                     "4  Exit B  (exit)"]


def test_save_page_without_a_keyring_says_so_and_keeps_the_file_private(
    qtbot: Any, wizard: SetupWizard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import keyring
    from keyring.backends import fail

    import booth_console.ui.setup_wizard as sw

    shown: list[str] = []
    monkeypatch.setattr(sw.QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    page = wizard.server_page
    page.url.setText(f"http://127.0.0.1:{_free_port()}")  # nothing there: the check fails fast
    page.app_id.setText("app")
    page.app_secret.setText("no-keyring-secret-17")
    page.park_key.setText("7")
    # with a keyring, the box stays ticked and names the store
    wizard.test_page.start_test()
    qtbot.waitUntil(lambda: wizard.test_page.report is not None, timeout=20000)
    assert wizard.test_page.keyring_problem() == ""
    finish = wizard.finish_page
    finish.initializePage()
    assert finish.use_keyring.isChecked() and finish.use_keyring.isEnabled()
    assert "GNOME Keyring" in finish.keyring_note.text() or "Credential Manager" in finish.keyring_note.text()
    # without one (the bundle on a PC with no Secret Service), the page says so before Finish
    keyring.set_keyring(fail.Keyring())
    wizard.test_page.start_test()
    qtbot.waitUntil(lambda: wizard.test_page.report is not None, timeout=20000)
    assert wizard.test_page.keyring_problem()
    finish.initializePage()
    assert not finish.use_keyring.isChecked() and not finish.use_keyring.isEnabled()
    assert "no usable OS keyring" in finish.keyring_note.text()
    assert finish.validatePage() and not shown  # no error box to get past
    target = tmp_path / "conf" / "booth.toml"
    assert 'app_secret = "no-keyring-secret-17"' in target.read_text(encoding="utf-8")
    assert oct(target.stat().st_mode & 0o777) == "0o600"


@pytest.mark.slow
def test_run_without_a_configuration_goes_through_the_wizard_to_the_console(
    qtbot: Any, qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, test_keyring: FileKeyring,
    simulator_in_thread: Any,
) -> None:
    """First run on a booth PC: `booth-console run` finds no configuration, the wizard (by
    keyboard) writes one, and Finish goes on to start the console with it; a later `run` (no
    options, as the autostart entry does) starts with that file and registers the callbacks."""
    from collections.abc import Generator

    from PySide6.QtCore import QTimer

    from booth_console.ui import bootstrap, main

    _s, _c, (app_id, secret, park_key) = simulator_api()
    config = tmp_path / "conf" / "booth.toml"
    data = tmp_path / "data"
    monkeypatch.setenv("BOOTH_CONSOLE_CONFIG", str(config))
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)  # "offscreen" there means: no one to show it to
    monkeypatch.setenv("DISPLAY", os.environ.get("DISPLAY", ":0"))  # as in a desktop session
    started: list[Any] = []
    # the console itself runs in the subprocess below; here, what Finish starts it with
    monkeypatch.setattr(bootstrap, "run_console", lambda opts: started.append(opts) or 0)
    listener_port = _free_port()
    failures: list[BaseException] = []

    def steps() -> Generator[None, None, None]:
        while not any(isinstance(w, SetupWizard) and w.isVisible() for w in qapp.topLevelWidgets()):
            yield
        wizard = next(w for w in qapp.topLevelWidgets() if isinstance(w, SetupWizard) and w.isVisible())

        def enter(page: Any) -> Generator[None, None, None]:
            # Enter presses the default button (Next, on the last page Finish). (Alt+N, sent by
            # QTest to this modal wizard from inside its exec(), does not reach the button.)
            qtbot.keyClick(wizard.focusWidget(), Qt.Key.Key_Return)
            while wizard.currentPage() is not page:
                yield

        _fill_server_page(qtbot, wizard, str(simulator_in_thread.base_url), app_id, secret, park_key)
        yield from enter(wizard.test_page)
        while wizard.test_page.report is None:
            yield
        assert wizard.test_page.report.ok, wizard.test_page.output.toPlainText()
        yield from enter(wizard.lanes_page)  # all lanes ticked
        yield from enter(wizard.listener_page)
        listener = wizard.listener_page
        listener.host.setCurrentText("127.0.0.1")
        listener.port.setValue(listener_port)
        yield from enter(wizard.finish_page)
        qtbot.keyClick(wizard.focusWidget(), Qt.Key.Key_Return)  # Finish

    driver = steps()
    timer = QTimer()

    def tick() -> None:
        try:
            next(driver)
        except StopIteration:
            timer.stop()
        except BaseException as exc:  # the wizard is modal: end it, or the test would hang
            failures.append(exc)
            timer.stop()
            for w in qapp.topLevelWidgets():
                if isinstance(w, SetupWizard):
                    w.reject()

    timer.timeout.connect(tick)
    timer.start(20)
    def give_up() -> None:
        for w in qapp.topLevelWidgets():
            if isinstance(w, SetupWizard):
                failures.append(TimeoutError(
                    f"wizard still on page {w.currentId()}, active {w.isActiveWindow()}, focus "
                    f"{w.focusWidget()}, url {w.server_page.url.text()!r}, key {w.server_page.park_key.text()!r}"))
                w.reject()

    QTimer.singleShot(40000, give_up)
    parser = argparse.ArgumentParser()
    main.add_arguments(parser)
    code = main.run(parser.parse_args(["--lang", "en", "--data-dir", str(data)]))
    timer.stop()
    assert not failures, failures
    assert code == 0 and len(started) == 1
    opts = started[0]
    assert opts.data_dir == data
    assert opts.cfg.server.base_url == str(simulator_in_thread.base_url).rstrip("/")
    assert opts.cfg.server.app_secret == secret  # read back from the keyring
    assert opts.cfg.listener.port == listener_port and opts.cfg.listener.register_callbacks
    text = config.read_text(encoding="utf-8")
    assert secret not in text and 'app_secret = "keyring:app_secret"' in text

    env = dict(_env(), BOOTH_CONSOLE_CONFIG=str(config))
    proc = subprocess.Popen([sys.executable, "-m", "booth_console", "run", "--data-dir", str(data)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert _wait_for(data / "booth-console.log", "booth ready", 30), proc.poll()
        urls = [t.url for t in simulator_in_thread.engine.pusher.targets.values()]
        assert urls and all(f"127.0.0.1:{listener_port}" in url for url in urls), urls
        proc.send_signal(signal.SIGTERM)
        err = proc.communicate(timeout=20)[1]
        assert proc.returncode == 0, err
    finally:
        kill_if_running(proc)
        if proc.stderr is not None:
            proc.stderr.close()
    assert secret not in err
    assert secret not in (data / "booth-console.log").read_text(encoding="utf-8")


def test_a_start_that_fails_on_its_configuration_says_why_on_screen(
    qtbot: Any, qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, test_keyring: FileKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Started from the autostart entry, a console whose AppSecret is not in the keyring (say,
    the keyring was reset) must not just vanish with a line on a stderr nobody reads."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    from booth_console.ui import main

    config = tmp_path / "booth.toml"
    config.write_text('[server]\nbase_url = "http://127.0.0.1:9"\napp_id = "a"\n'
                      'app_secret = "keyring:app_secret"\npark_key = "7"\n', encoding="utf-8")
    config.chmod(0o600)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setenv("DISPLAY", os.environ.get("DISPLAY", ":0"))  # as in a desktop session
    seen: list[str] = []

    def read_box() -> None:
        box = qapp.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, read_box)
            return
        seen.append(f"{box.windowTitle()}|{box.text()}|{box.informativeText()}")
        box.accept()

    QTimer.singleShot(0, read_box)
    parser = argparse.ArgumentParser()
    main.add_arguments(parser)
    code = main.run(parser.parse_args(["--config", str(config), "--lang", "en",
                                       "--data-dir", str(tmp_path / "data")]))
    assert code == 2
    assert len(seen) == 1 and seen[0].startswith("Booth Console cannot start|")
    assert "keyring has no entry 'app_secret'" in seen[0] and "booth-console setup" in seen[0]
    assert "keyring has no entry" in capsys.readouterr().err  # and still one line on stderr
    # headless (tests, scripts): no window, only the line
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert main.run(parser.parse_args(["--config", str(config), "--data-dir", str(tmp_path / "data")])) == 2
    assert len(seen) == 1
