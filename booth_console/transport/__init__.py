"""Transports carry a signed envelope to the parking software and bring its answer back."""

from booth_console.transport.base import Transport

__all__ = ["Transport"]
