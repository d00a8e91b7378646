"""Person identifiers replaced on read by a keyed hash, so reports count distinct people and never hold the raw value.

The key is MPD's: a random secret in a file of the workspace's private folder (`private/person_key`, made on
first use, readable by its owner only), never in an output and never in git. The same person gets the same
key in every export read with the same secret; without the secret the hash cannot be worked back.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import pandas as pd

from sro_reporting.paths import workspace

KEY_ENV = "SRO_PERSON_KEY"  # a key file elsewhere (tests use a temporary one)
IDENTIFIERS = ("student_id", "person_id")  # the export columns hashed, the first present one wins
COLUMN = "person_key"
DIGITS = 20  # 80 bits: no two people of a city's records share a key by chance


def key_file() -> Path:
    """Return the key file: `$SRO_PERSON_KEY`, else `private/person_key` in the workspace."""
    if found := os.environ.get(KEY_ENV, "").strip():
        return Path(found).expanduser()
    return workspace() / "private" / "person_key"


def secret() -> bytes:
    """Return the workspace's key, made (32 random bytes, owner-only) on first use."""
    path = key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


def keyed(ids: pd.Series, key: bytes) -> pd.Series:
    """Return each identifier's HMAC-SHA256 under `key` (trimmed, leading zeros kept); blank stays blank.

    >>> k = keyed(pd.Series(["0042", " 0042", "042", ""]), b"k")
    >>> k[0] == k[1], k[0] == k[2], k.isna().tolist()
    (True, False, [False, False, False, True])
    """
    text = ids.astype("str").str.strip()
    out = [hmac.new(key, v.encode(), hashlib.sha256).hexdigest()[:DIGITS] if isinstance(v, str) and v else None
           for v in text]
    return pd.Series(out, index=ids.index, dtype="str")
