"""Content credentials: every published photo signed with the newsroom's C2PA certificate.

A signed file says who published it (the newsroom, by its certificate), what it is (the
Digital Source Type), who made it (creator and credit) and what was done to the original
(resized, cropped, converted), with the original as its parent ingredient: an original that
carries a manifest of its own (a camera's, an AI tool's) stays in the signed file's store, so
readers follow the chain back to it. c2pa-python (the Content Authenticity Initiative's
library) builds, signs and embeds the manifest.

The key is read from its file or from $SMR_CONTENT_CREDENTIALS_KEY, handed to the workers in
memory, and never written, published, logged or put in a cache key (the certificate's digest is).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path

from generator.errors import SmrError

ENV_KEY = "SMR_CONTENT_CREDENTIALS_KEY"
FIELD = "publish.content_credentials"
MIME = {"jpeg": "image/jpeg", "mpo": "image/jpeg", "png": "image/png", "webp": "image/webp",
        "tiff": "image/tiff", "gif": "image/gif"}


def load(newsroom, root: Path, env=None) -> dict | None:
    """The newsroom's signing credentials ({"certificate", "key", "alg", "fingerprint",
    "author"}), or None without `publish.content_credentials`. A file that cannot be read, a
    key that is not the certificate's, or a certificate C2PA refuses is an error that says so,
    before anything is built."""
    settings = newsroom.publish.content_credentials
    if settings is None:
        return None
    env = os.environ if env is None else env
    certificate = _read(root, settings.certificate, f"{FIELD}.certificate", "certificate")
    if settings.key:
        key = _read(root, settings.key, f"{FIELD}.key", "key")
    elif env.get(ENV_KEY):
        key = env[ENV_KEY].encode()
    else:
        raise SmrError(f"has no key: give `key:` (the path of its PEM file, outside the newsroom's git) or the "
                       f"key's PEM text in ${ENV_KEY}", file="newsroom.yaml", field=FIELD)
    return _checked(certificate, key, newsroom.organization.name)


def _read(root: Path, name: str, field: str, what: str) -> bytes:
    path = Path(os.path.expanduser(name))
    path = path if path.is_absolute() else Path(root) / path
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SmrError(f"cannot read the {what} {name} ({exc.strerror or exc}): give the path of its PEM file, "
                       "absolute or from the newsroom's folder", file="newsroom.yaml", field=field) from None


@functools.lru_cache(maxsize=8)
def _checked(certificate: bytes, key: bytes, author: str) -> dict:
    """The credentials, once checked by signing a small picture with them (C2PA's own checks
    of the certificate: its key usage, its chain), remembered per process."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    try:
        chain = x509.load_pem_x509_certificates(certificate)
    except ValueError:
        raise SmrError("is not a PEM certificate chain (-----BEGIN CERTIFICATE-----, the newsroom's certificate "
                       "first, then its issuers)", file="newsroom.yaml", field=f"{FIELD}.certificate") from None
    try:
        private = serialization.load_pem_private_key(key, password=None)
    except (ValueError, TypeError):
        raise SmrError("is not an unencrypted PEM private key (-----BEGIN PRIVATE KEY-----)",
                       file="newsroom.yaml", field=f"{FIELD}.key") from None
    raw = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if private.public_key().public_bytes(*raw) != chain[0].public_key().public_bytes(*raw):
        raise SmrError("is not the key of the certificate (the first in its file): give the key the "
                       "certificate was issued for", file="newsroom.yaml", field=f"{FIELD}.key")
    if isinstance(private, ec.EllipticCurvePrivateKey):
        alg = {256: "es256", 384: "es384", 521: "es512"}.get(private.curve.key_size)
    elif isinstance(private, ed25519.Ed25519PrivateKey):
        alg = "ed25519"
    elif isinstance(private, rsa.RSAPrivateKey):
        alg = "ps256"
    else:
        alg = None
    if alg is None:
        raise SmrError("is a kind of key C2PA does not sign with; use an EC P-256 key (ES256)",
                       file="newsroom.yaml", field=f"{FIELD}.key")
    found = {"certificate": certificate.decode(), "key": key.decode(), "alg": alg, "author": author,
             "fingerprint": hashlib.sha256(chain[0].public_bytes(serialization.Encoding.DER)).hexdigest()[:16]}
    _try(found)
    return found


def _try(credentials: dict) -> None:
    import io

    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (8, 8), (255, 255, 255)).save(picture, "PNG")
    try:
        sign(picture.getvalue(), "png", credentials, {"actions": [{"action": "c2pa.created", "digitalSourceType":
                                                                   "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCreation"}]})
    except Exception as exc:   # c2pa says why in its own words; none of them are the key
        raise SmrError(f"C2PA cannot sign with this certificate: {_reason(exc)} (a C2PA certificate needs key usage "
                       "digitalSignature, an extended key usage such as emailProtection, and its issuers after it)",
                       file="newsroom.yaml", field=f"{FIELD}.certificate") from None


def _reason(exc: Exception) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__


def manifest(name: str, source: str | None, rights: dict, actions: list[str], author: str) -> dict:
    """What a published file's manifest says: its actions (the Digital Source Type on the
    first), the newsroom as author, the photo's creator and credit line."""
    first = {"action": "c2pa.opened", "parameters": {"ingredientIds": ["original"]}}
    if source:
        first["digitalSourceType"] = source
    work = {"@context": "https://schema.org", "@type": "CreativeWork",
            "author": [{"@type": "Organization", "name": author}]}
    if rights.get("creator"):
        work["creator"] = [{"@type": "Person", "name": rights["creator"]}]
    if rights.get("credit"):
        work["creditText"] = rights["credit"]
    if rights.get("copyright"):
        work["copyrightNotice"] = rights["copyright"]
    return {"title": name, "actions": [first, *({"action": a} for a in actions)], "work": work}


def sign(data: bytes, fmt: str, credentials: dict, what: dict, parent: Path | None = None,
         parent_fmt: str | None = None) -> bytes:
    """`data` (a file of format `fmt`) with a C2PA manifest signed by `credentials`: `what`
    from `manifest` (or bare actions), `parent` the original it was made from."""
    import io

    import c2pa

    from generator import __version__

    definition = {"claim_generator_info": [{"name": "smr", "version": __version__}],
                  "title": what.get("title", "photo"),
                  "assertions": [{"label": "c2pa.actions", "data": {"actions": what["actions"]}}]}
    if what.get("work"):
        definition["assertions"].append({"label": "stds.schema-org.CreativeWork", "data": what["work"]})
    context = c2pa.Context.from_dict({"builder": {"thumbnail": {"enabled": False}}})
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(alg=credentials["alg"].encode(),
                                                       sign_cert=credentials["certificate"].encode(),
                                                       private_key=credentials["key"].encode(), ta_url=None))
    with c2pa.Builder(json.dumps(definition), context) as builder:
        if parent is not None:
            with open(parent, "rb") as stream:
                builder.add_ingredient(json.dumps({"title": parent.name, "relationship": "parentOf",
                                                   "instance_id": "original", "label": "original"}),
                                       MIME.get(parent_fmt or "", "image/jpeg"), stream)
        out = io.BytesIO()
        builder.sign(signer, MIME[fmt], io.BytesIO(data), out)
    signer.close()
    return out.getvalue()
