"""Secrets at rest: Fernet (AES-128-CBC + HMAC), keys from RETURNKIT_SECRET_KEY (comma-separated, newest first)."""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

log = logging.getLogger(__name__)


class SecretBox:
    """Encrypts and decrypts short secrets; older keys still decrypt during a rotation."""

    def __init__(self, keys: tuple[str, ...]):
        if not keys:
            raise ValueError("at least one key is needed")
        self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])
        self._primary = hashlib.sha256(b"returnkit-fingerprint|" + keys[0].encode()).digest()

    def encrypt(self, plaintext: str) -> str:
        """Ciphertext for a secret."""
        return self._fernet.encrypt(plaintext.encode()).decode()

    def fingerprint(self, text: str) -> str:
        """A keyed, one-way hash (HMAC-SHA256 under the newest key) for matching without storing."""
        return hmac.new(self._primary, text.encode(), hashlib.sha256).hexdigest()

    def derive(self, purpose: str) -> str:
        """A key for one purpose (e.g. signing browser sessions), derived from the newest key."""
        return hmac.new(self._primary, b"returnkit-derive|" + purpose.encode(), hashlib.sha256).hexdigest()

    def decrypt(self, ciphertext: str) -> str:
        """The secret back; raises ValueError when no key opens it."""
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken:
            raise ValueError("cannot decrypt a stored secret: is RETURNKIT_SECRET_KEY the key it was stored with?") from None


def embedded_key(data_dir: Path) -> str:
    """A key generated once into the data directory, for the embedded defaults only."""
    path = data_dir / "secret.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(Fernet.generate_key().decode())
        log.warning("secrets.generated-key: RETURNKIT_SECRET_KEY is not set; generated a key at %s "
                    "(embedded defaults only: set the variable in production)", path)
    return path.read_text().strip()
