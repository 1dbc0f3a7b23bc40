"""Installer tools: ``booth-console sign`` and ``booth-console call``."""
