#!/usr/bin/env python3
"""Generate a synthetic MDT deployment share of realistic shape, deterministically.

  python3 bench/generate_share.py OUT_DIR [--scale 1.0] [--seed 1]
  python3 bench/generate_share.py OUT_DIR --mutate 1.0 [--seed 2]   # change, add and delete ~1 % of files

Scale 1 is about 20,000 files and 3.8 GB: tens of thousands of small driver files with log-normally spread sizes
in deep Out-of-Box Drivers/<Vendor>/<Model>/<driver>/ folders, a few large WIMs, applications, packages,
Control/ metadata, scripts and tools. Content comes from one seeded random block, so it is incompressible and the
same for the same seed and scale.
"""
import argparse, math, os, random, uuid

BLOCK = None

def content(rng, size):
    global BLOCK
    if BLOCK is None:
        BLOCK = random.Random(12345).randbytes(64 << 20)
    out = bytearray()
    while len(out) < size:
        start = rng.randrange(0, len(BLOCK) - 1)
        out += BLOCK[start:start + min(size - len(out), len(BLOCK) - start)]
    return bytes(out)

def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)

def files_of(scale, rng):
    """Yield (relative path, size) for the whole share."""
    vendors = ["Dell", "HP", "Lenovo", "Microsoft"]
    drivers = int(18000 * scale)
    per_driver = 12
    for d in range(drivers // per_driver):
        vendor = vendors[d % len(vendors)]
        model = f"Model {d // 40:03d}"
        folder = f"Out-of-Box Drivers/{vendor}/{model}/drv{d:05d}_{rng.getrandbits(40):010x}"
        for f in range(per_driver):
            size = int(min(8 << 20, max(200, rng.lognormvariate(math.log(16 << 10), 1.4))))
            ext = [".inf", ".sys", ".cat", ".dll"][f % 4]
            yield f"{folder}/file{f:02d}{ext}", size
    for i, name in enumerate(["Windows 11 x64/install.wim", "Windows 10 x64/install.wim", "Server 2022/install.wim"]):
        yield f"Operating Systems/{name}", int(550 * scale) << 20
    yield "Boot/LiteTouchPE_x64.wim", int(160 * scale) << 20
    yield "Boot/LiteTouchPE_x86.wim", int(120 * scale) << 20
    for a in range(int(60 * scale)):
        for f in range(8):
            yield f"Applications/App{a:03d}/file{f}.bin", int(rng.lognormvariate(math.log(1 << 20), 1.2))
    for p in range(int(40 * scale)):
        yield f"Packages/KB{5000000 + p}/update.cab", int(rng.lognormvariate(math.log(4 << 20), 1.0))
    for s in range(170):
        yield f"Scripts/Script{s:03d}.vbs", rng.randrange(2 << 10, 60 << 10)
    for t in range(400):
        yield f"Tools/{['x64', 'x86'][t % 2]}/Tool{t:03d}.dll", int(rng.lognormvariate(math.log(100 << 10), 1.3))
    for c in ["Settings.xml", "Version.xml", "Applications.xml", "Drivers.xml", "TaskSequences.xml"]:
        yield f"Control/{c}", rng.randrange(1 << 10, 1 << 20)
    for ts in range(20):
        yield f"Control/TS{ts:03d}/ts.xml", rng.randrange(8 << 10, 200 << 10)

def generate(out, scale, seed):
    rng = random.Random(seed)
    total = count = 0
    for rel, size in files_of(scale, rng):
        write(os.path.join(out, rel), content(rng, size))
        total += size
        count += 1
    write(os.path.join(out, "Control/Bootstrap.ini"),
          b"[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nDeployRoot=\\\\MDT01\\DeploymentShare$\r\n")
    write(os.path.join(out, "Control/OperatingSystems.xml"), operating_systems_xml(rng))
    print(f"{count + 2} files, {total / 2**30:.2f} GiB in {out}")

def operating_systems_xml(rng):
    """OperatingSystems.xml as the Deployment Workbench writes it (UTF-8 with BOM, CRLF), naming the three images,
    Windows 11 by two editions."""
    entries = [("Windows 11 Pro", "Windows 11 x64", 6), ("Windows 11 Enterprise", "Windows 11 x64", 3),
               ("Windows 10 Enterprise", "Windows 10 x64", 3), ("Windows Server 2022 Standard", "Server 2022", 2)]
    lines = ["<oss>"]
    for name, folder, index in entries:
        lines += [f'  <os guid="{{{uuid.UUID(int=rng.getrandbits(128))}}}" enable="True">', f"    <Name>{name}</Name>",
                  "    <Platform>x64</Platform>", f"    <Source>.\\Operating Systems\\{folder}</Source>",
                  f"    <ImageFile>.\\Operating Systems\\{folder}\\install.wim</ImageFile>",
                  f"    <ImageIndex>{index}</ImageIndex>", f"    <ImageName>{name}</ImageName>", "  </os>"]
    lines.append("</oss>")
    return b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n"

def mutate(out, percent, seed):
    rng = random.Random(seed)
    paths = sorted(os.path.relpath(os.path.join(d, f), out) for d, _, fs in os.walk(out) for f in fs)
    k = max(1, int(len(paths) * percent / 100 / 3))
    for rel in rng.sample(paths, k):                      # change
        path = os.path.join(out, rel)
        write(path, content(rng, max(100, os.path.getsize(path) + rng.randrange(1, 4096))))
    for rel in rng.sample(paths, k):                      # delete
        if os.path.exists(os.path.join(out, rel)) and not rel.startswith("Control"):
            os.remove(os.path.join(out, rel))
    for i in range(k):                                    # add
        write(os.path.join(out, f"Out-of-Box Drivers/Added/drv{seed}_{i:05d}/file.sys"), content(rng, rng.randrange(1 << 10, 1 << 20)))
    print(f"mutated {k} changed, {k} deleted, {k} added")

if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--mutate", type=float)
    a = p.parse_args()
    mutate(a.out, a.mutate, a.seed) if a.mutate else generate(a.out, a.scale, a.seed)
