"""Benchmark: smr's image pipeline against the naive way, on 6000 x 4000 photo-like JPEGs.

    python3 benchmarks/images.py [--photos 8] [--memory-photos 20] [--dir /tmp/smr-bench]

Generates seeded photos (quality 92, fine noise, about 8 MB each), then times, each in a
fresh process so memory figures do not mix:
  naive      for each of 480/960/1600: open the original, resize(LANCZOS) at full size, save
             (as JPEG, and again with WebP too: each smr row is compared with the same work)
  smr jpeg   smr's pipeline, cold cache, the same three JPEG widths (plus the lead's og/thumb)
  smr full   smr's pipeline, cold cache, JPEG + WebP, as `smr build` does
  smr warm   the same again with the cache filled (no image work)
  smr signed smr full with content credentials (every file signed with C2PA, an ES256 test
             certificate made here)
Peak memory is the largest sum of RSS over the phase's process and its workers, sampled
every 20 ms from outside.
CPU seconds (all processes) are printed too: on a shared, busy machine wall-clock ratios
swing with other load, while CPU time shows how much work each way does.
Each row is the fastest of --repeat runs (cold rows start from an empty cache every run).
It prints a table. Not a test: run it by hand on a quiet machine.

    python3 benchmarks/images.py --big [--compare /tmp/smr-before] [--dir /tmp/smr-bench]

builds a newsroom holding one 150 MP JPEG (14144 x 10608, photo-like, quality 90; made once
and kept in --dir) with `smr build` and `smr check` in a child process each, and prints
each one's peak RSS (the child's ru_maxrss from wait4, and the sum over its process tree
sampled every 20 ms) against a 400 MB budget. `--compare DIR` runs another smr checkout
(say `git archive main | tar -x -C /tmp/smr-before`) on the same photo: as it is, and once
more with Pillow's pixel limit lifted, to see what its decoding would have cost.

    python3 benchmarks/images.py --check 1000 [--dir /tmp/smr-bench]

times `smr check` on a newsroom of that many releases with one 6000 x 4000 photo each: cold
(every photo opened, in worker processes) and warm (outcomes read from .smr-cache).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SIZE = (6000, 4000)
WIDTHS = (480, 960, 1600)


def make_photos(folder: Path, count: int, seed: int = 1) -> list[Path]:
    """Seeded photo-like JPEGs: soft gradients and shapes under fine noise, quality 92."""
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"photo{n:02d}.jpg"
        paths.append(path)
        if path.is_file():
            continue
        rng = random.Random(seed * 1000 + n)
        base = Image.linear_gradient("L").resize(SIZE)
        img = Image.merge("RGB", (base, base.transpose(Image.Transpose.ROTATE_90).resize(SIZE),
                                  base.transpose(Image.Transpose.FLIP_TOP_BOTTOM)))
        draw = ImageDraw.Draw(img)
        for _ in range(40):
            x, y, s = rng.randrange(SIZE[0]), rng.randrange(SIZE[1]), rng.randrange(100, 1500)
            draw.ellipse((x, y, x + s, y + s * 2 // 3), fill=tuple(rng.randrange(256) for _ in range(3)))
        noise = Image.frombytes("RGB", SIZE, rng.randbytes(SIZE[0] * SIZE[1] * 3))
        Image.blend(img, noise, 0.12).save(path, "JPEG", quality=92)
    return paths


class PeakRss:
    """Largest total RSS of process `pid` and all its descendants, sampled in a thread."""

    def __init__(self, pid: int, interval: float = 0.02):
        self.pid, self.peak, self.interval, self._stop = pid, 0, interval, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, _tree_rss(self.pid))
            time.sleep(self.interval)


def _tree_rss(root: int) -> int:
    """Sum of VmRSS over `root` and its descendants. Only processes started after `root`
    (higher PIDs) are looked at, so sampling takes little CPU from the workers measured."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) > root:
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree = {root}
    for pid in sorted(parents):  # a child's PID is higher than its parent's
        if parents[pid] in tree:
            tree.add(pid)
    total = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


# ---------------------------------------------------------------- phases (each in its own process)

def phase_naive(photos: list[Path], out: Path, formats: tuple[str, ...]) -> None:
    from PIL import Image

    from generator.photos.renditions import SETTINGS

    out.mkdir(parents=True, exist_ok=True)
    for path in photos:
        for width in WIDTHS:
            with Image.open(path) as img:
                height = round(img.height * width / img.width)
                small = img.resize((width, height), Image.LANCZOS)
                small.save(out / f"{path.stem}.{width}.jpg", "JPEG", quality=SETTINGS["jpeg_quality"],
                           optimize=True, progressive=True)
                if "webp" in formats:
                    small.save(out / f"{path.stem}.{width}.webp", "WEBP", quality=SETTINGS["webp_quality"])


def bench_credentials(folder: Path) -> str:
    """newsroom.yaml's content_credentials: a test CA and the ES256 certificate it issued."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    def usage(**on):
        names = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
                 "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only")
        return x509.KeyUsage(**{n: on.get(n, False) for n in names})

    start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Bench CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(start + dt.timedelta(days=9))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(usage(digital_signature=True, key_cert_sign=True, crl_sign=True), critical=True)
          .sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Bench")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + dt.timedelta(days=9))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage(digital_signature=True), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "chain.pem").write_bytes(cert.public_bytes(pem) + ca.public_bytes(pem))
    (folder / "key.pem").write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return f"publish:\n  content_credentials:\n    certificate: {folder / 'chain.pem'}\n    key: {folder / 'key.pem'}\n"


def phase_smr(photos: list[Path], out: Path, formats: tuple[str, ...], signed: bool = False) -> None:
    import datetime as dt

    from generator.photos.renditions import SETTINGS
    from generator.photos.pipeline import prepare_images
    from generator.newsroom.site import load_site

    release = out / "releases" / "bench"
    (release / "images").mkdir(parents=True, exist_ok=True)
    for path in photos:
        target = release / "images" / path.name
        if not target.exists():
            os.link(path, target)
    (out / "newsroom.yaml").write_text(
        "title: Bench\nbase_url: https://example.org/\norganization:\n  name: Bench\n"
        + (bench_credentials(out.parent / "keys") if signed else ""), "utf-8")
    images = "".join(f"  - file: images/{p.name}\n    alt: Foto {p.stem}\n    credit: Foto Bench\n"
                     "    license_url: https://example.org/licence\n" for p in photos)   # renditions carry rights metadata
    (release / "release.yaml").write_text(
        f"title: Bench\ndate: 2026-11-24\nsummary: Bench.\nimages:\n{images}", "utf-8")
    site = load_site(out, dt.datetime(2026, 11, 25, tzinfo=dt.timezone.utc))
    from generator.photos.pipeline import newsroom_rights

    prepare_images(site.rendered, site.root, settings={**SETTINGS, "formats": formats},
                   rights=newsroom_rights(site.newsroom, site.root))


def run_phase(args: argparse.Namespace) -> None:
    photos = sorted(Path(args.dir, "photos").glob("photo*.jpg"))[: args.count]
    out = Path(args.dir, f"{args.phase}-{args.count}")
    if not args.warm:
        shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()  # single-threaded on purpose: smr then forks its workers as in `smr build`
    if args.phase.startswith("naive"):
        phase_naive(photos, out, ("jpeg",) if args.phase == "naive" else ("jpeg", "webp"))
    else:
        phase_smr(photos, out, ("jpeg",) if args.phase == "smr-jpeg" else ("jpeg", "webp"),
                  signed=args.phase == "smr-signed")
    print(json.dumps({"seconds": time.perf_counter() - started}))


def measure(dir: Path, phase: str, count: int, warm: bool = False, repeat: int = 3) -> dict:
    """The best of `repeat` runs (least disturbed by other load on a shared machine)."""
    runs = [measure_once(dir, phase, count, warm) for _ in range(repeat)]
    return {**min(runs, key=lambda r: r["seconds"]), "peak": max(r["peak"] for r in runs)}


def measure_once(dir: Path, phase: str, count: int, warm: bool = False) -> dict:
    cmd = [sys.executable, __file__, "--dir", str(dir), "--phase", phase, "--count", str(count)]
    if warm:
        cmd.append("--warm")
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    with PeakRss(proc.pid) as rss:
        out, _ = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"{phase} failed")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the phase and the workers it waited for
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {**json.loads(out.strip().splitlines()[-1]), "cpu": cpu, "peak": rss.peak}


# ---------------------------------------------------------------- one very large photo

BIG = (14144, 10608)  # 150 MP, 4:3 like medium-format backs (an 11648 x 8736 file is 102 MP)
BIG_BUDGET = 400 * 2**20
NEWSROOM_YAML = "title: Bench\nbase_url: https://example.org/\norganization:\n  name: Bench\n"


def make_big_photo(path: Path) -> Path:
    """A photo-like 150 MP JPEG: gradients and shapes under fine noise (about 1.5 GB of
    memory to make, once; the file is kept)."""
    from PIL import Image, ImageDraw

    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    base = Image.linear_gradient("L").resize(BIG)
    img = Image.merge("RGB", (base, base.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
                              base.transpose(Image.Transpose.FLIP_TOP_BOTTOM)))
    draw = ImageDraw.Draw(img)
    for _ in range(60):
        x, y, s = rng.randrange(BIG[0]), rng.randrange(BIG[1]), rng.randrange(300, 4000)
        draw.ellipse((x, y, x + s, y + s * 2 // 3), fill=tuple(rng.randrange(256) for _ in range(3)))
    noise = Image.effect_noise(BIG, 40).convert("RGB")
    Image.blend(img, noise, 0.1).save(path, "JPEG", quality=90)
    return path


def big_newsroom(root: Path, photo: Path) -> Path:
    shutil.rmtree(root, ignore_errors=True)
    (root / "releases/big/images").mkdir(parents=True)
    os.link(photo, root / "releases/big/images" / photo.name)
    (root / "newsroom.yaml").write_text(NEWSROOM_YAML, "utf-8")
    (root / "releases/big/release.yaml").write_text(
        "title: Groot\ndate: 2026-11-24\nsummary: Een foto van 150 megapixel.\n"
        f"images:\n  - file: images/{photo.name}\n    alt: Groot\n", "utf-8")
    return root


LIFT_LIMIT = ("import sys, PIL.Image; PIL.Image.MAX_IMAGE_PIXELS = None; sys.argv[0] = 'smr'; "
              "from generator.cli import main; main()")


FULL_DECODE = ("import sys; from PIL import Image; Image.MAX_IMAGE_PIXELS = None; "
               "Image.open(sys.argv[1]).load()")  # what decoding without draft() costs: the reference


def run_child(cmd: list[str], repo: Path) -> dict:
    """Run `cmd` in `repo`; its exit code, last stderr line, seconds and peak memory: the
    child's own ru_maxrss (wait4: the largest process of its tree) and the sampled tree sum."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=repo,
                            env={**os.environ, "PYTHONPATH": str(repo)})
    with PeakRss(proc.pid) as rss:
        _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace").strip().splitlines()
    proc.stderr.close()
    return {"code": proc.returncode, "said": err[-1] if err else "", "seconds": time.perf_counter() - started,
            "maxrss": usage.ru_maxrss * 1024, "tree": rss.peak}


def run_big(args: argparse.Namespace) -> None:
    photo = args.dir / "big" / "big-150mp.jpg"
    # made in a child: a child's ru_maxrss starts at what its parent held when it forked
    subprocess.run([sys.executable, __file__, "--make-big", str(photo)], check=True)
    print(f"one JPEG of {BIG[0]} x {BIG[1]} ({BIG[0] * BIG[1] / 1e6:.0f} MP), "
          f"{photo.stat().st_size / 1e6:.0f} MB; budget {BIG_BUDGET // 2**20} MB; {os.cpu_count()} cores\n")
    checkouts = [("smr", REPO)] + ([("before", args.compare.resolve())] if args.compare else [])
    rows = []
    for name, repo in checkouts:
        commands = [("build", [sys.executable, "-m", "generator", "build"]),
                    ("check", [sys.executable, "-m", "generator", "check"])]
        if name == "before":
            commands.append(("build, Pillow limit lifted", [sys.executable, "-c", LIFT_LIMIT, "build"]))
        for what, cmd in commands:
            root = big_newsroom(args.dir / "big" / "newsroom", photo)  # cold: no cache, no site
            rows.append((f"{name} {what}", run_child(cmd + ["--root", str(root), "--now", "2026-11-25T10:00Z"], repo)))
    rows.append(("naive: decode at full size", run_child([sys.executable, "-c", FULL_DECODE, str(photo)], REPO)))
    print(f"{'run':34} {'exit':>4} {'seconds':>8} {'ru_maxrss':>10} {'tree peak':>10} {'budget':>7}")
    for name, r in rows:
        verdict = "ok" if r["maxrss"] <= BIG_BUDGET and r["tree"] <= BIG_BUDGET else "OVER"
        print(f"{name:34} {r['code']:>4} {r['seconds']:>8.1f} {r['maxrss'] / 2**20:>7.0f} MB "
              f"{r['tree'] / 2**20:>7.0f} MB {verdict:>7}")
    for name, r in rows:
        if r["code"]:
            print(f"\n{name} said: {r['said']}")


# ---------------------------------------------------------------- smr check on many releases

def run_check(args: argparse.Namespace) -> None:
    photos = make_photos(args.dir / "photos", 8)
    root = args.dir / f"check-{args.check}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    (root / "newsroom.yaml").write_text(NEWSROOM_YAML, "utf-8")
    for n in range(args.check):
        folder = root / "releases" / f"r{n:04d}"
        (folder / "images").mkdir(parents=True)
        photo = photos[n % len(photos)]
        os.link(photo, folder / "images" / photo.name)  # a path of its own: opened on its own
        (folder / "release.yaml").write_text(
            f"title: R {n}\ndate: 2026-11-24\nsummary: S.\nimages:\n  - file: images/{photo.name}\n    alt: A\n",
            "utf-8")
    cmd = [sys.executable, "-m", "generator", "check", "--root", str(root), "--now", "2026-11-25T10:00Z"]
    cold = run_child(cmd, REPO)
    warm = [run_child(cmd, REPO) for _ in range(3)]
    print(f"smr check, {args.check} releases with one {SIZE[0]} x {SIZE[1]} JPEG each; {os.cpu_count()} cores\n")
    print(f"{'run':34} {'exit':>4} {'seconds':>8} {'tree peak':>10}")
    for name, r in [("cold (opens every photo)", cold), ("warm (best of 3)", min(warm, key=lambda r: r["seconds"]))]:
        print(f"{name:34} {r['code']:>4} {r['seconds']:>8.2f} {r['tree'] / 2**20:>7.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=int, default=8)
    parser.add_argument("--memory-photos", type=int, default=20)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/smr-bench"))
    parser.add_argument("--phase")
    parser.add_argument("--count", type=int)
    parser.add_argument("--warm", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="runs per row; the fastest is shown")
    parser.add_argument("--big", action="store_true", help="peak memory of smr build and check on one 150 MP JPEG")
    parser.add_argument("--make-big", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--compare", type=Path, metavar="DIR", help="with --big: another smr checkout on the same photo")
    parser.add_argument("--check", type=int, metavar="RELEASES", help="time smr check, cold and warm, on this many releases")
    args = parser.parse_args()
    if args.phase:
        sys.path.insert(0, str(REPO))
        return run_phase(args)
    if args.make_big:
        return make_big_photo(args.make_big)
    if args.big:
        return run_big(args)
    if args.check:
        return run_check(args)

    started = time.perf_counter()
    photos = make_photos(args.dir / "photos", max(args.photos, args.memory_photos))
    mb = sum(p.stat().st_size for p in photos[: args.photos]) / len(photos[: args.photos]) / 1e6
    print(f"{len(photos)} photos of {SIZE[0]} x {SIZE[1]}, {mb:.1f} MB each on average "
          f"(generated in {time.perf_counter() - started:.0f} s); {os.cpu_count()} cores\n")
    megapixels = SIZE[0] * SIZE[1] / 1e6
    rows = [
        ("naive, 3 JPEG widths", measure(args.dir, "naive", args.photos, repeat=args.repeat), args.photos),
        ("naive, JPEG + WebP", measure(args.dir, "naive-full", args.photos, repeat=args.repeat), args.photos),
        ("smr, 3 JPEG widths, cold cache", measure(args.dir, "smr-jpeg", args.photos, repeat=args.repeat), args.photos),
        ("smr, JPEG + WebP, cold cache", measure(args.dir, "smr-full", args.photos, repeat=args.repeat), args.photos),
        ("smr, JPEG + WebP, warm cache", measure(args.dir, "smr-full", args.photos, warm=True, repeat=args.repeat), args.photos),
        ("smr, JPEG + WebP, signed (C2PA), cold cache", measure(args.dir, "smr-signed", args.photos, repeat=args.repeat),
         args.photos),
        (f"smr, 3 JPEG widths, cold, {args.memory_photos} photos", measure(args.dir, "smr-jpeg", args.memory_photos, repeat=args.repeat),
         args.memory_photos),
    ]
    # Ratios compare time per photo with the naive loop doing the same work (JPEG, or JPEG + WebP).
    baselines = {"JPEG + WebP": rows[1][1], "JPEG": rows[0][1]}
    print(f"{'run':44} {'photos':>6} {'seconds':>8} {'MP/s':>7} {'vs naive':>9} "
          f"{'CPU s':>7} {'CPU vs naive':>13} {'peak RSS':>9}")
    for name, result, count in rows:
        seconds, cpu = result["seconds"], result["cpu"]
        same_work = next(base for work, base in baselines.items() if work in name)
        naive, naive_cpu = same_work["seconds"], same_work["cpu"]
        print(f"{name:44} {count:>6} {seconds:>8.2f} {count * megapixels / seconds:>7.1f} "
              f"{(naive / args.photos) / (seconds / count):>8.1f}x "
              f"{cpu:>7.2f} {(naive_cpu / args.photos) / (cpu / count):>12.1f}x "
              f"{result['peak'] / 2**20:>6.0f} MB")
    print(f"\nseconds = wall clock of the fastest of {args.repeat} runs (both cores for smr); CPU s = user+system "
          "time of all its processes; peak RSS = the largest of the runs; ratios are per photo. "
          "Load average at the end: "
          f"{os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
