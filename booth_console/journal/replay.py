"""The replay decision: whether a received callback is new, a duplicate or a replay.

The listener (``listener/processor.py``) checks a callback's envelope, signature and TimeStamp;
what is left is decided here, on the journal's writer thread, in arrival order (so two copies
arriving at once cannot both be taken as new), against what the journal holds:

* a **duplicate** carries the identity of a callback already accepted: the same RequestId, or
  the same body hash when there is none (also earlier in the same batch). Nothing new is
  written; the parking software is answered 200 again (its retry, or a RetryCallback re-push);
* a **replay** carries the (Nonce, TimeStamp) of an accepted callback under another identity:
  a captured body sent again with a new RequestId. It is refused (1001) and journaled as such;
* a body that may only be taken as a duplicate (``only_if_duplicate``: e.g. its TimeStamp is
  outside the window) and is none is **refused** with the code and reason it came with;
* anything else is **new**.

Accepted (Nonce, TimeStamp) pairs are remembered for :data:`NONCE_MEMORY_S` (loaded from the
journal at open): older bodies are refused as stale by the TimeStamp window anyway.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Container, Sequence
from enum import Enum
from typing import Protocol

__all__ = ["NONCE_MEMORY_S", "REPLAY_REASON", "Candidate", "ReplayMemory", "Verdict", "decide"]

#: Replay detection remembers accepted (Nonce, TimeStamp) pairs this long (seconds). Older
#: bodies are refused as stale anyway (the TimeStamp window is 10 minutes by default).
NONCE_MEMORY_S = 7200.0

#: The reason journaled with a replay (answered 1001).
REPLAY_REASON = "replayed: Nonce and TimeStamp already used"


class Verdict(Enum):
    """What becomes of one received callback."""

    NEW = "new"
    DUPLICATE = "duplicate"
    REPLAY = "replay"
    REFUSED = "refused"


class Candidate(Protocol):
    """What the decision looks at in a received callback."""

    @property
    def code(self) -> int: ...  # the answer it was given so far (200: acceptable)
    @property
    def dedup_key(self) -> str | None: ...  # 'r:<RequestId>' / 'h:<body hash>'; None: rejected
    @property
    def nonce_key(self) -> str | None: ...  # '<Nonce>|<TimeStamp>' of an acceptable one
    @property
    def only_if_duplicate(self) -> bool: ...


class ReplayMemory:
    """Accepted (Nonce, TimeStamp) pairs of the last :attr:`memory_s` seconds, each with the
    identity (dedup key) of the callback that used it. Used on the writer thread only."""

    def __init__(self, memory_s: float = NONCE_MEMORY_S) -> None:
        #: how long accepted (Nonce, TimeStamp) pairs are remembered
        self.memory_s = memory_s
        self._nonces: dict[str, tuple[str, float]] = {}  # nonce key -> (dedup key, when)

    def load(self, conn: sqlite3.Connection, now: float) -> None:
        """Remember the pairs of the callbacks journaled in the last :attr:`memory_s`."""
        text = conn.execute(
            "SELECT group_concat(nonce_key || char(31) || dedup_key || char(31) || received_at,"
            " char(30)) FROM (SELECT nonce_key, dedup_key, received_at FROM callbacks"
            " WHERE received_at > ? AND nonce_key IS NOT NULL ORDER BY id)", (now - self.memory_s,),
        ).fetchone()[0]
        for item in (text.split("\x1e") if text else ()):
            nonce_key, dedup_key, at = item.split("\x1f")
            self._nonces[nonce_key] = (dedup_key, float(at))

    def used_by_another(self, nonce_key: str, dedup_key: str) -> bool:
        """Whether an accepted callback other than ``dedup_key`` used this Nonce and TimeStamp."""
        seen = self._nonces.get(nonce_key)
        return seen is not None and seen[0] != dedup_key

    def remember(self, nonce_key: str, dedup_key: str, now: float) -> None:
        self._nonces[nonce_key] = (dedup_key, now)

    def forget_old(self, now: float) -> None:
        horizon = now - self.memory_s
        while self._nonces:
            key = next(iter(self._nonces))
            if self._nonces[key][1] >= horizon:
                break
            del self._nonces[key]


def decide(batch: Sequence[Candidate], journaled: Container[str],
           memory: ReplayMemory) -> tuple[list[Verdict], dict[str, int]]:
    """The verdict on each callback of a batch, in arrival order.

    Args:
        batch: the received callbacks.
        journaled: the dedup keys among the batch's that the journal already holds.
        memory: the accepted (Nonce, TimeStamp) pairs.

    Returns:
        one verdict per callback, and the dedup key -> index of each NEW one (a later
        DUPLICATE of it in the same batch refers to that one).
    """
    verdicts: list[Verdict] = []
    new_keys: dict[str, int] = {}
    new, duplicate, replay, refused = Verdict.NEW, Verdict.DUPLICATE, Verdict.REPLAY, Verdict.REFUSED
    for i, j in enumerate(batch):
        key = j.dedup_key
        if key is None:
            verdicts.append(new if j.code == 200 else refused)
        elif key in journaled or key in new_keys:
            verdicts.append(duplicate)
        elif j.only_if_duplicate:
            verdicts.append(refused)
        elif j.nonce_key is not None and memory.used_by_another(j.nonce_key, key):
            verdicts.append(replay)
        else:
            new_keys[key] = i
            verdicts.append(new)
    return verdicts, new_keys
