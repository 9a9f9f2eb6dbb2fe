#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""What `dofa import-ofa` does with a real PyTorch checkpoint whose bytes were corrupted.

Run with Debian's python3-torch (and what tests/fixtures/ofa/make_ofa_end_to_end.py imports):
    /usr/bin/python3 bench/checkpoint_corruption.py [--dofa build/app/dofa] [--trials 100]
        [--region data.pkl|file] [--seed 1]

torch.save writes a full-size OFA MobileNetV3 w1.0 supernet (random weights, as published:
{'state_dict': ...}). Each trial XORs 1-3 random bytes with random non-zero masks, in the
stored bytes of data.pkl (--region data.pkl) or anywhere in the file (--region file), and runs
dofa import-ofa on the result twice:

  as corrupted   the file as it is: the zip's CRC-32s no longer match (what a bad disk, a
                 truncated copy or a bit flip in transfer gives);
  CRC rewritten  the same bytes with every CRC-32 field of the entry set to the corrupted
                 data's (what a hand-edited, re-zipped file gives): the pickle reader alone
                 must refuse it, or load what it says.

An import with exit 0 is compared with the clean file's import, tensor by tensor: "same
weights" (the corruption changed nothing that is loaded: zip padding, a FRAME length, a
memo index, a storage's 'cpu' location, the epoch) or "DIFFERENT weights", which is the
failure: a checkpoint that decodes to other numbers than were saved, imported silently.
"""
import argparse
import collections
import json
import os
import pickletools
import random
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "fixtures", "ofa"))


def entry_spans(path):
    """{name: (data_start, data_end, crc_field_offsets)} of each zip entry. The CRC-32 is in
    the central directory, and in the local header or the data descriptor after the data."""
    raw = open(path, "rb").read()
    spans = {}
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            h = info.header_offset
            name_len, extra_len = struct.unpack("<HH", raw[h + 26:h + 30])
            start = h + 30 + name_len + extra_len
            end = start + info.compress_size
            fields = [h + 14]
            if raw[end:end + 4] == b"PK\x07\x08":
                fields.append(end + 4)
            spans[info.filename] = (start, end, fields)
    # Central directory records (from the end of central directory record): signature
    # PK\1\2, CRC at +16, name at +46.
    eocd = raw.rfind(b"PK\x05\x06")
    (pos,) = struct.unpack("<I", raw[eocd + 16:eocd + 20])
    while pos >= 0 and raw[pos:pos + 4] == b"PK\x01\x02":
        n, e, c = struct.unpack("<HHH", raw[pos + 28:pos + 34])
        name = raw[pos + 46:pos + 46 + n].decode()
        if name in spans:
            spans[name][2].append(pos + 16)
        pos += 46 + n + e + c
    return spans


def model_tensors(path):
    """{name: bytes} of a dofa model file ("DOFAMDL1" | u64 header length | JSON | blob)."""
    data = open(path, "rb").read()
    (hlen,) = struct.unpack("<Q", data[8:16])
    header = json.loads(data[16:16 + hlen])
    blob = data[16 + hlen:-32]
    return {t["name"]: blob[t["offset"]:t["offset"] + t["bytes"]] for t in header["tensors"]}


def import_ofa(dofa, checkpoint, out):
    if os.path.exists(out):
        os.remove(out)
    p = subprocess.run([dofa, "import-ofa", "-o", out, checkpoint], capture_output=True,
                       text=True, errors="replace")
    err = p.stderr.strip().splitlines()
    why = err[-1] if err else ""
    return p.returncode, why.replace(checkpoint, "FILE")


def classify(rc, why, out, clean):
    """(outcome, detail) of one import."""
    if rc != 0:
        if rc < 0:
            return "CRASH (signal %d)" % -rc, ""
        kind = why.split("FILE: ", 1)[-1]
        for key, label in (("is corrupt: CRC-32", "CRC-32 mismatch"),
                           ("stack underflow", "pickle stack underflow"),
                           ("unsupported pickle opcode", "unsupported pickle opcode"),
                           ("not a readable PyTorch zip", "not a readable zip"),
                           ("are missing", "weights missing (a key changed)"),
                           ("pickle ends", "pickle ends early"),
                           ("memo", "unknown memo"),
                           ("unknown persistent id", "bad storage reference"),
                           ("malformed tensor record", "malformed tensor record"),
                           ("unsupported storage type", "unsupported storage type"),
                           ("storage data/", "storage size mismatch"),
                           ("top level is not a dict", "top level not a dict"),
                           ("holds no tensors", "no tensors"),
                           ("shape", "wrong shape")):
            if key in kind:
                return "exit %d: %s" % (rc, label), ""
        return "exit %d: other" % rc, kind[:100]
    got = model_tensors(out)
    changed = sorted(k for k in clean if got.get(k) != clean[k])
    if not changed:
        return "exit 0, same weights", ""
    return "exit 0, DIFFERENT weights", "%d tensors, e.g. %s" % (len(changed), changed[0])


def pickle_ops(pickle):
    """[(start, end, 'OPCODE arg')] of a pickle, for naming what a corrupted byte was."""
    ops = list(pickletools.genops(pickle))
    spans = []
    for i, (op, arg, pos) in enumerate(ops):
        end = ops[i + 1][2] if i + 1 < len(ops) else len(pickle)
        spans.append((pos, end, "%s %r" % (op.name, arg) if arg is not None else op.name))
    return spans


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dofa", default=os.path.join(HERE, "..", "build", "app", "dofa"))
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--region", choices=("data.pkl", "tensors", "outside", "file"),
                    default="data.pkl",
                    help="where the corrupted bytes lie: data.pkl's stored bytes, the tensor "
                    "entries' bytes, bytes outside every entry's data (headers, padding, "
                    "central directory), or anywhere")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", help="directory for the files (default: a temporary one)")
    args = ap.parse_args()
    import torch
    from make_ofa_end_to_end import random_state_dict

    work = args.keep or tempfile.mkdtemp(prefix="dofa-corruption-")
    os.makedirs(work, exist_ok=True)
    clean_path = os.path.join(work, "ofa_w1.0_random.pth")
    torch.save({"state_dict": random_state_dict(7)}, clean_path)
    rc, why = import_ofa(args.dofa, clean_path, os.path.join(work, "clean.dofa"))
    if rc != 0:
        sys.exit("the clean checkpoint does not import: " + why)
    clean = model_tensors(os.path.join(work, "clean.dofa"))
    raw = open(clean_path, "rb").read()
    spans = entry_spans(clean_path)
    pkl = next(n for n in spans if n.endswith("/data.pkl"))
    pkl_start = spans[pkl][0]
    ops = pickle_ops(raw[pkl_start:spans[pkl][1]])
    in_data = bytearray(len(raw))  # 1 where a byte belongs to some entry's data
    for n, (s, e, _) in spans.items():
        in_data[s:e] = b"\x01" * (e - s)
    if args.region == "data.pkl":
        candidates = range(pkl_start, spans[pkl][1])
    elif args.region == "tensors":
        candidates = [p for n, (s, e, _) in spans.items() if "/data/" in n for p in range(s, e)]
    elif args.region == "outside":
        candidates = [p for p in range(len(raw)) if not in_data[p]]
    else:
        candidates = range(len(raw))
    print("%s: %d bytes, %d entries, data.pkl %d bytes at %d; %d trials of 1-3 bytes among "
          "the %d bytes of region '%s'" % (clean_path, len(raw), len(spans),
                                           spans[pkl][1] - pkl_start, pkl_start, args.trials,
                                           len(candidates), args.region))

    rng = random.Random(args.seed)
    tally = {"as corrupted": collections.Counter(), "CRC rewritten": collections.Counter()}
    out = os.path.join(work, "out.dofa")
    for trial in range(args.trials):
        data = bytearray(raw)
        where = sorted(rng.sample(candidates, rng.randint(1, 3)))
        for pos in where:
            data[pos] ^= rng.randint(1, 255)
        hit = [n for n, (s, e, _) in spans.items() if any(s <= p < e for p in where)]
        corrupt = os.path.join(work, "corrupt.pth")
        open(corrupt, "wb").write(data)
        results = {"as corrupted": classify(*import_ofa(args.dofa, corrupt, out), out, clean)}
        if hit:
            # Same bytes, every CRC field of each hit entry made to match its corrupted data.
            fixed = bytearray(data)
            for n in hit:
                s, e, fields = spans[n]
                crc = struct.pack("<I", zlib.crc32(bytes(fixed[s:e])))
                for f in fields:
                    fixed[f:f + 4] = crc
            open(corrupt, "wb").write(fixed)
            results["CRC rewritten"] = classify(*import_ofa(args.dofa, corrupt, out), out, clean)
        else:
            results["CRC rewritten"] = ("(no entry's data hit: same file)", "")
        for mode, (r, _) in results.items():
            tally[mode][r] += 1
        entries = ",".join(n.split("/", 1)[1] for n in hit) or "no entry's data"
        line = "%3d  bytes %-24s %-16s | %s | %s" % (trial, where, entries,
                                                    results["as corrupted"][0],
                                                    results["CRC rewritten"][0])
        details = [d for _, d in results.values() if d]
        if any(r.startswith("exit 0") for r, _ in results.values()) and pkl in hit:
            # What the corrupted bytes of data.pkl were, in the clean pickle.
            details += sorted({op for p in where for s, e, op in ops
                               if s <= p - pkl_start < e})
        print(line + ("  [%s]" % "; ".join(details) if details else ""), flush=True)
    for mode, counts in tally.items():
        ok = sum(v for k, v in counts.items() if k.startswith("exit 0"))
        print("\n%s: %d of %d imported with exit 0" % (mode, ok, args.trials))
        for k, v in counts.most_common():
            print("  %4d  %s" % (v, k))


if __name__ == "__main__":
    main()
