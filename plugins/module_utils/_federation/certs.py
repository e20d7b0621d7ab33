# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# PRIVATE: not a public API of this collection
"""PEM certificates: splitting, fingerprints, CA check, expiry.

Fingerprints need only the standard library; the CA check and expiry need ``cryptography`` and return
``None`` when it is not installed.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import re

try:
    from cryptography import x509
    from cryptography.x509.oid import ExtensionOID
    HAS_CRYPTOGRAPHY = True
except ImportError:  # pragma: no cover - exercised only without cryptography
    HAS_CRYPTOGRAPHY = False

PEM_CERTIFICATE = re.compile(r"-----BEGIN CERTIFICATE-----\s*(?P<body>[A-Za-z0-9+/=\s]+?)\s*-----END CERTIFICATE-----")


class CertificateError(ValueError):
    """Text that should hold PEM certificates does not."""


def split_pem(text: str) -> list[str]:
    """Each certificate of a PEM bundle, normalised (64-column base64, trailing newline)."""
    if not isinstance(text, str):
        raise CertificateError(f"expected PEM text, got {type(text).__name__}")
    blocks = []
    for match in PEM_CERTIFICATE.finditer(text):
        body = "".join(match.group("body").split())
        lines = [body[i:i + 64] for i in range(0, len(body), 64)]
        blocks.append("-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n")
    return blocks


def pem_to_der(pem: str) -> bytes:
    """DER bytes of the first certificate of ``pem``."""
    blocks = split_pem(pem)
    if not blocks:
        raise CertificateError("no PEM certificate (-----BEGIN CERTIFICATE-----) found")
    body = "".join(blocks[0].splitlines()[1:-1])
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError) as error:
        raise CertificateError(f"the PEM certificate is not valid base64: {error}") from None


def fingerprint_sha256(pem: str, separator: str = "") -> str:
    """SHA-256 fingerprint (lower-case hex) of the first certificate of ``pem``."""
    digest = hashlib.sha256(pem_to_der(pem)).hexdigest()
    return separator.join(digest[i:i + 2] for i in range(0, len(digest), 2)) if separator else digest


def bundle_fingerprint(pem: str) -> str:
    """SHA-256 (lower-case hex) over the DER of every certificate of a bundle, in order.

    For a single certificate this is its usual fingerprint; whitespace and text outside the PEM blocks do
    not change it.
    """
    blocks = split_pem(pem)
    if not blocks:
        raise CertificateError("no PEM certificate (-----BEGIN CERTIFICATE-----) found")
    digest = hashlib.sha256()
    for block in blocks:
        digest.update(pem_to_der(block))
    return digest.hexdigest()


def _load(pem: str):  # type: ignore[no-untyped-def]
    return x509.load_der_x509_certificate(pem_to_der(pem))


def is_ca(pem: str) -> bool | None:
    """Whether the first certificate has basicConstraints CA:TRUE; ``None`` without ``cryptography``."""
    if not HAS_CRYPTOGRAPHY:
        return None
    certificate = _load(pem)
    try:
        constraints = certificate.extensions.get_extension_for_oid(ExtensionOID.BASIC_CONSTRAINTS).value
    except x509.ExtensionNotFound:
        return False
    return bool(constraints.ca)


def not_after(pem: str) -> datetime.datetime | None:
    """Expiry (UTC, timezone-aware) of the first certificate; ``None`` without ``cryptography`` or when the
    PEM block does not hold a parsable X.509 certificate (:func:`certificate_problem` says why)."""
    if not HAS_CRYPTOGRAPHY:
        return None
    try:
        certificate = _load(pem)
    except ValueError:
        return None
    expiry = getattr(certificate, "not_valid_after_utc", None)
    if expiry is None:  # cryptography < 42
        expiry = certificate.not_valid_after.replace(tzinfo=datetime.timezone.utc)
    return expiry


PRIVATE_KEY_MARKER = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")


def certificate_problem(pem: object) -> str | None:
    """Why ``pem`` cannot serve as a root certificate that peers trust; ``None`` when it can.

    It must be text of PEM ``CERTIFICATE`` blocks only (no private key), each a parsable X.509
    certificate, the first one a CA (basicConstraints CA:TRUE). Without ``cryptography`` only the PEM
    structure is checked.
    """
    if not isinstance(pem, str) or not pem.strip():
        return "is empty"
    if PRIVATE_KEY_MARKER.search(pem):
        return "holds a PRIVATE KEY block; only public certificates may be shared with peers"
    blocks = split_pem(pem)
    if not blocks:
        return "holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
    for index, block in enumerate(blocks):
        try:
            der = pem_to_der(block)
            if HAS_CRYPTOGRAPHY:
                x509.load_der_x509_certificate(der)
        except ValueError:
            return f"holds a PEM block (certificate {index + 1}) that is not a parsable X.509 certificate"
    if is_ca(blocks[0]) is False:
        return "holds a certificate that is not a CA (basicConstraints CA:TRUE missing), so it cannot be a mesh's root certificate"
    return None


def expires_within(pem: str, seconds: float, now: datetime.datetime | None = None) -> bool | None:
    """Whether the first certificate expires within ``seconds`` from ``now``; ``None`` without ``cryptography``."""
    expiry = not_after(pem)
    if expiry is None:
        return None
    current = now or datetime.datetime.now(datetime.timezone.utc)
    return expiry - current <= datetime.timedelta(seconds=seconds)
