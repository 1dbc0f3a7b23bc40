"""Shared by the operator tests: cheap Argon2 parameters and a clock the test moves."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher

#: Argon2id with the least work: the tests check behaviour, not the cost (one test and the CLI
#: runs use the real parameters)
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@dataclass
class Clock:
    """Wall-clock seconds, moved by the test."""

    now: float = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now
