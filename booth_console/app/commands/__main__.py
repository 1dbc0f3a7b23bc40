"""``python3 -m booth_console.app.commands > docs/booth.example.toml``: the example configuration,
with the operator commands declared (their default keys fill ``[booth.shortcuts]``)."""

import sys

import booth_console.app.commands  # noqa: F401  (declares the commands)
from booth_console.config import example_toml

sys.stdout.write(example_toml())
