"""Booth Console: a parking-booth attendant's desktop console for the vendor's LAN interface."""

__version__ = "0.1.0"
