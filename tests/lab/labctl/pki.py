# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Certificates for the lab: API server CAs, serving certificates, service-account keys and the
per-mesh Istio root (and optional intermediate) CA with SPIFFE workload certificates."""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def key_pem(key) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def public_key_pem(key) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def cert_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def load_key(pem: str):
    return serialization.load_pem_private_key(pem.encode(), password=None)


def load_cert(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode())


def _name(common_name: str, org: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if org:
        attrs.insert(0, x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    return x509.Name(attrs)


def make_ca(common_name: str, org: str | None = None, issuer_cert=None, issuer_key=None,
            days: int = 3650, path_length: int | None = None):
    """A CA certificate (self-signed root, or an intermediate when issuer_* are given)."""
    key = new_key()
    subject = _name(common_name, org)
    issuer = issuer_cert.subject if issuer_cert is not None else subject
    signing_key = issuer_key if issuer_key is not None else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_now() - datetime.timedelta(minutes=5))
        .not_valid_after(_now() + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer_key is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    return builder.sign(signing_key, hashes.SHA256()), key


def make_leaf(ca_cert, ca_key, common_name: str, *, dns: list[str] = (), ips: list[str] = (),
              uris: list[str] = (), server: bool = True, client: bool = True, org: str | None = None,
              days: int = 365):
    key = new_key()
    sans: list[x509.GeneralName] = [x509.DNSName(d) for d in dns]
    sans += [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    sans += [x509.UniformResourceIdentifier(u) for u in uris]
    usages = []
    if server:
        usages.append(ExtendedKeyUsageOID.SERVER_AUTH)
    if client:
        usages.append(ExtendedKeyUsageOID.CLIENT_AUTH)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, org))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_now() - datetime.timedelta(minutes=5))
        .not_valid_after(_now() + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=True,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
    )
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=bool(uris) and not dns)
    return builder.sign(ca_key, hashes.SHA256()), key


@dataclass
class MeshCA:
    """A mesh's Istio CA: a root, and optionally an intermediate that issues workload certificates."""

    root_pem: str
    root_key_pem: str
    intermediate_pem: str = ""
    intermediate_key_pem: str = ""

    @classmethod
    def generate(cls, mesh: str, intermediate: bool = False, generation: int = 1) -> "MeshCA":
        root, root_key = make_ca(f"Root CA {mesh} #{generation}", org=f"{mesh}.local")
        ca = cls(cert_pem(root), key_pem(root_key))
        if intermediate:
            inter, inter_key = make_ca(f"Intermediate CA {mesh} #{generation}", org=f"{mesh}.local",
                                       issuer_cert=root, issuer_key=root_key, path_length=0)
            ca.intermediate_pem, ca.intermediate_key_pem = cert_pem(inter), key_pem(inter_key)
        return ca

    def published_pem(self) -> str:
        """What istio-ca-root-cert carries: the root, and the intermediate when there is one."""
        return self.root_pem + self.intermediate_pem

    def issuer(self):
        if self.intermediate_pem:
            return load_cert(self.intermediate_pem), load_key(self.intermediate_key_pem)
        return load_cert(self.root_pem), load_key(self.root_key_pem)

    def workload(self, spiffe_id: str) -> tuple[str, str]:
        """A leaf certificate (PEM, key PEM) for a SPIFFE identity; only the leaf is presented."""
        cert, key = make_leaf(*self.issuer(), common_name=spiffe_id.rsplit("/", 1)[-1], uris=[spiffe_id])
        return cert_pem(cert), key_pem(key)

    def to_dict(self) -> dict:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict) -> "MeshCA":
        return cls(**data)


def fingerprint(pem: str) -> str:
    return load_cert(pem).fingerprint(hashes.SHA256()).hex()
