"""Content credentials: with `publish.content_credentials`, every rendition, the social card,
the thumbnail and the published original carry a C2PA manifest signed with the newsroom's
certificate, read back with c2pa-python's own Reader (trusting the test's root): valid, with the
right actions, the Digital Source Type, the newsroom as author and the original as parent
ingredient; a camera-signed original keeps its manifest; a changed byte fails validation.
The certificate chain is made in the test (cryptography), as C2PA requires: an ES256 end-entity
certificate with key usage digitalSignature and extended key usage emailProtection, issued by a CA."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest

from tests.conftest import NEWSROOM_YAML, make_photo

NOW = ("--now", "2026-11-25T10:00+01:00")
DST = "http://cv.iptc.org/newscodes/digitalsourcetype/"
HEAD = """\
title: Testbedrijf opent een winkel
date: 2026-11-24T09:00:00+01:00
summary: Vandaag opent Testbedrijf een winkel.
"""


def make_chain(folder: Path, name: str = "Testbedrijf persdienst", ca_name: str = "Test root CA") -> dict:
    """A root CA and an end-entity certificate it issued, as PEM files: chain.pem (the
    certificate, then the CA), key.pem, root.pem (what a reader trusts)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    def subject(cn):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Testbedrijf")])

    def usage(**on):
        names = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
                 "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only")
        return x509.KeyUsage(**{n: on.get(n, False) for n in names})

    start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(subject(ca_name)).issuer_name(subject(ca_name))
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(start).not_valid_after(start + dt.timedelta(days=60))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(usage(digital_signature=True, key_cert_sign=True, crl_sign=True), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder().subject_name(subject(name)).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage(digital_signature=True), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"chain": folder / "chain.pem", "key": folder / "key.pem", "root": folder / "root.pem"}
    paths["chain"].write_bytes(cert.public_bytes(pem) + ca.public_bytes(pem))
    paths["key"].write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    paths["root"].write_bytes(ca.public_bytes(pem))
    return paths


def read(path: Path, *roots: Path) -> tuple[str, dict]:
    """c2pa's own reading of a file: its validation state (Trusted: valid and issued by one of
    `roots`) and its manifest store."""
    import c2pa

    anchors = "".join(r.read_text() for r in roots)
    context = c2pa.Context.from_dict({"trust": {"trust_anchors": anchors}, "verify": {"verify_trust": True}})
    with open(path, "rb") as stream:
        reader = c2pa.Reader({".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}[path.suffix],
                             stream, context=context)
        return reader.get_validation_state(), json.loads(reader.json())


def active(store: dict) -> dict:
    return store["manifests"][store["active_manifest"]]


def assertion(manifest: dict, label: str) -> dict:
    return next(a["data"] for a in manifest["assertions"] if a["label"].startswith(label))


def credentials_yaml(chain: dict, key: bool = True) -> str:
    lines = f"publish:\n  content_credentials:\n    certificate: {chain['chain']}\n"
    return lines + (f"    key: {chain['key']}\n" if key else "")


def build(newsroom):
    result = newsroom.run("build", *NOW)
    assert result.exit_code == 0, result.output
    return newsroom.site


@pytest.fixture
def chain(tmp_path):
    return make_chain(tmp_path / "keys")   # outside the newsroom, as keys belong


def test_every_published_photo_is_signed_and_reads_back_valid(newsroom, chain):
    newsroom.write("newsroom.yaml", NEWSROOM_YAML + credentials_yaml(chain) + "  source: camera\n")
    make_photo(newsroom.root / "releases/r/images/team.jpg", size=(2000, 1200))
    make_photo(newsroom.root / "releases/r/images/logo.png", size=(700, 500), fmt="PNG")
    newsroom.release("r", HEAD + """\
images:
  - file: images/team.jpg
    alt: Het team
    credit: 'Foto: Piet Bakker'
    source: ai-edited
    lead: true
  - file: images/logo.png
    alt: Het logo
""")
    site = build(newsroom)
    files = sorted((site / "r" / "img").iterdir()) + sorted(p for p in (site / "r" / "hires").iterdir()
                                                            if p.suffix != ".zip")
    kinds = {p.name.rsplit(".", 2)[-2] for p in files}
    assert {"og", "thumb", "1600", "960", "480", "700"} <= kinds
    for path in files:
        state, store = read(path, chain["root"])
        assert state == "Trusted", (path.name, store.get("validation_status"))
        manifest = active(store)
        assert manifest["signature_info"]["common_name"] == "Testbedrijf persdienst"
        ingredient, = manifest["ingredients"]
        original = path.name.split(".", 1)[0]
        assert ingredient["relationship"] == "parentOf" and ingredient["title"].startswith(original + ".")
        actions = assertion(manifest, "c2pa.actions")["actions"]
        assert actions[0]["action"] == "c2pa.opened"
        term = "compositeWithTrainedAlgorithmicMedia" if original == "team" else "digitalCapture"
        assert actions[0]["digitalSourceType"] == DST + term
        done = {a["action"] for a in actions[1:]}
        size = path.name.rsplit(".", 2)[-2]
        if size in ("og", "thumb"):
            assert {"c2pa.cropped", "c2pa.resized"} <= done, path.name
        elif size.isdigit() and int(size) < 2000 and original == "team":
            assert "c2pa.resized" in done, path.name
        if path.suffix == ".webp" or (path.suffix == ".jpg") != (original == "team"):
            assert "c2pa.converted" in done, path.name
        work = assertion(manifest, "stds.schema-org.CreativeWork")
        assert work["author"] == [{"@type": "Organization", "name": "Testbedrijf"}]
        if original == "team":
            assert work["creator"] == [{"@type": "Person", "name": "Piet Bakker"}]
            assert work["creditText"] == "Foto: Piet Bakker"
    kit, = (site / "r" / "hires").glob("*.zip")
    with zipfile.ZipFile(kit) as zf:   # the media kit holds the signed originals
        assert zf.read("team.jpg") == (site / "r" / "hires" / "team.jpg").read_bytes()

    signed = min((site / "r" / "img").glob("team.*.960.jpg"))
    broken = newsroom.root / "broken.jpg"
    data = bytearray(signed.read_bytes())
    data[-200] ^= 0xFF   # one byte of the picture
    broken.write_bytes(bytes(data))
    state, store = read(broken, chain["root"])
    assert state == "Invalid"
    assert any(s["code"] == "assertion.dataHash.mismatch" for s in store["validation_status"])


def test_a_camera_signed_original_keeps_its_manifest(newsroom, chain, tmp_path):
    """The camera's manifest stays in every published file's store, as the parent ingredient's."""
    from generator.photos.credentials import load, sign

    camera = make_chain(tmp_path / "camera", name="Bakkercam BC-1", ca_name="Bakkercam CA")
    photo = make_photo(newsroom.root / "releases/r/images/team.jpg")

    class Cam:   # what a camera signs with: only its organisation's name is asked for
        publish = type("P", (), {"content_credentials": type("C", (), {"certificate": str(camera["chain"]),
                                                                     "key": str(camera["key"])})()})()
        organization = type("O", (), {"name": "Bakkercam"})()

    credentials = load(Cam, tmp_path)
    what = {"title": "team.jpg", "actions": [{"action": "c2pa.created", "digitalSourceType": DST + "digitalCapture"}]}
    photo.write_bytes(sign(photo.read_bytes(), "jpeg", credentials, what))
    state, store = read(photo, camera["root"])
    assert state == "Trusted"
    camera_label = store["active_manifest"]

    newsroom.write("newsroom.yaml", NEWSROOM_YAML + credentials_yaml(chain))
    newsroom.release("r", HEAD + "images:\n  - file: images/team.jpg\n    alt: Het team\n    lead: true\n")
    site = build(newsroom)
    for path in [*(site / "r" / "img").iterdir(), site / "r" / "hires" / "team.jpg"]:
        state, store = read(path, chain["root"], camera["root"])
        assert state == "Trusted", (path.name, store.get("validation_status"))
        assert camera_label in store["manifests"], path.name
        ingredient, = active(store)["ingredients"]
        assert ingredient["active_manifest"] == camera_label, path.name
        assert store["manifests"][camera_label]["signature_info"]["common_name"] == "Bakkercam BC-1"
        # the camera said digitalCapture, and the YAML says nothing: so does every file
        assert assertion(active(store), "c2pa.actions")["actions"][0]["digitalSourceType"] == DST + "digitalCapture"


def test_the_key_may_come_from_the_environment_and_is_never_kept(newsroom, chain, monkeypatch):
    newsroom.write("newsroom.yaml", NEWSROOM_YAML + credentials_yaml(chain, key=False))
    make_photo(newsroom.root / "releases/r/images/team.jpg")
    newsroom.release("r", HEAD + "images:\n  - file: images/team.jpg\n    alt: Het team\n    lead: true\n")
    result = newsroom.run("check", *NOW)
    assert result.exit_code == 1
    assert ("error: newsroom.yaml: publish.content_credentials: has no key: give `key:` (the path of its PEM file, "
            "outside the newsroom's git) or the key's PEM text in $SMR_CONTENT_CREDENTIALS_KEY") in result.output
    key = chain["key"].read_text()
    monkeypatch.setenv("SMR_CONTENT_CREDENTIALS_KEY", key)
    site = build(newsroom)
    state, _ = read(next((site / "r" / "img").glob("*.og.jpg")), chain["root"])
    assert state == "Trusted"
    secret = "".join(key.strip().splitlines()[1:-1])[:40].encode()   # a piece of the key itself
    for path in [*newsroom.root.rglob("*")]:
        if path.is_file():
            assert secret not in path.read_bytes().replace(b"\n", b""), path


def test_credentials_that_cannot_sign_are_refused_in_words(newsroom, chain, tmp_path):
    other = make_chain(tmp_path / "other")
    make_photo(newsroom.root / "releases/r/images/team.jpg")
    newsroom.release("r", HEAD + "images:\n  - file: images/team.jpg\n    alt: Het team\n")
    newsroom.write("newsroom.yaml", NEWSROOM_YAML + f"publish:\n  content_credentials:\n    certificate: "
                   f"{chain['chain']}\n    key: {other['key']}\n")
    for command in ("check", "build"):
        result = newsroom.run(command, *NOW)
        assert result.exit_code == 1
        assert ("error: newsroom.yaml: publish.content_credentials.key: is not the key of the certificate "
                "(the first in its file): give the key the certificate was issued for") in result.output
    assert not newsroom.site.exists()
    newsroom.write("newsroom.yaml", NEWSROOM_YAML + "publish:\n  content_credentials:\n    certificate: "
                   "keys/missing.pem\n    key: keys/missing.key\n")
    result = newsroom.run("check", *NOW)
    assert result.exit_code == 1
    assert ("error: newsroom.yaml: publish.content_credentials.certificate: cannot read the certificate "
            "keys/missing.pem (No such file or directory): give the path of its PEM file, absolute or from the "
            "newsroom's folder") in result.output
    chain["chain"].write_text("not a certificate")
    newsroom.write("newsroom.yaml", NEWSROOM_YAML + credentials_yaml(chain))
    result = newsroom.run("check", *NOW)
    assert "publish.content_credentials.certificate: is not a PEM certificate chain" in result.output


def test_without_credentials_nothing_is_signed(newsroom):
    import c2pa

    photo = make_photo(newsroom.root / "releases/r/images/team.jpg")
    newsroom.release("r", HEAD + "images:\n  - file: images/team.jpg\n    alt: Het team\n    lead: true\n")
    site = build(newsroom)
    assert (site / "r" / "hires" / "team.jpg").read_bytes() == photo.read_bytes()
    for path in (site / "r" / "img").iterdir():
        with pytest.raises(c2pa.C2paError):
            read(path)


def test_a_translation_offers_its_partners_photo_as_published_there(newsroom, chain):
    """A photo named from the translation's folder is published once, signed and with its source:
    the translation's own media kit holds that very file, and its page gives that file's size."""
    newsroom.write("newsroom.yaml", NEWSROOM_YAML + credentials_yaml(chain))
    make_photo(newsroom.root / "releases/r/images/team.jpg")
    make_photo(newsroom.root / "releases/r-en/images/shop.jpg")
    newsroom.release("r", HEAD + "images:\n  - file: images/team.jpg\n    alt: Het team\n    source: ai-edited\n")
    newsroom.release("r-en", HEAD + """\
language: en
translations: [../r]
images:
  - file: ../r/images/team.jpg
    alt: The team
    source: ai-edited
  - file: images/shop.jpg
    alt: The shop
""")
    site = build(newsroom)
    published = (site / "r" / "hires" / "team.jpg").read_bytes()
    kit, = (site / "r-en" / "hires").glob("*.zip")
    with zipfile.ZipFile(kit) as zf:
        assert zf.read("team.jpg") == published
    assert read(site / "r" / "hires" / "team.jpg", chain["root"])[0] == "Trusted"
    from bs4 import BeautifulSoup

    page = BeautifulSoup((site / "r-en" / "index.html").read_text("utf-8"), "html.parser")
    link = next(a for a in page.select("a.download") if a["download"] == "team.jpg")
    assert f"{len(published) / 1000:.1f} KB" in link.get_text()
