"""Fixtures shared with the other console tests."""

from tests.ui.test_main import simulator_in_thread  # noqa: F401 (a fixture: a simulator on its own thread)
