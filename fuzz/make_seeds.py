#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes the fuzz corpora's seeds (fuzz/corpus/<target>/) from real files: torch.save
checkpoints made here with python3-torch, the shipped model and profiles cut down to a few KB
(their format kept exactly), the sysfs fixtures, the scenario files and real IDX headers.
Run from the repository root: /usr/bin/python3 fuzz/make_seeds.py. Deterministic: reruns give the same
files. Needs python3-torch (test-time only, never a dependency of dofa)."""
import collections
import hashlib
import io
import json
import os
import struct
import sys
import zipfile

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def write(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def checkpoints():
    torch.manual_seed(0)
    sd = collections.OrderedDict()
    sd["first_conv.conv.weight"] = torch.randn(4, 3, 3, 3)
    sd["first_conv.bn.running_mean"] = torch.zeros(4)
    sd["first_conv.bn.num_batches_tracked"] = torch.tensor(7)
    sd._metadata = collections.OrderedDict({"": {"version": 1}, "first_conv": {"version": 1}})
    base = torch.arange(32, dtype=torch.float32)
    yield "state_dict", sd
    yield "wrapped", {"state_dict": sd, "epoch": 3, "best_acc": 77.5, "name": "ofa"}
    yield "dtypes", {
        "half": torch.ones(3, dtype=torch.float16),
        "double": torch.ones(2, dtype=torch.float64),
        "int": torch.arange(5, dtype=torch.int32),
        "long": torch.arange(3),
        "bool": torch.tensor([True, False]),
        "uint8": torch.arange(4, dtype=torch.uint8),
        "bf16": torch.ones(2, dtype=torch.bfloat16),
    }
    # Views: shared storage, offsets, strides, a transposed (non-contiguous) tensor.
    yield "views", {"a": base, "b": base[4:12], "t": base[:12].view(3, 4).t(), "s": base[::3]}
    yield "nested", {"list": [torch.ones(2), 3, "x", (1.5, None, True)], "tuple": (torch.zeros(1),),
                     "empty": torch.empty(0), "scalar": torch.tensor(2.5)}


def torch_seeds():
    for name, obj in checkpoints():
        buf = io.BytesIO()
        torch.save(obj, buf)
        data = buf.getvalue()
        write("torch_zip", name + ".pth", data)
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            pkl = [n for n in z.namelist() if n.endswith("/data.pkl")][0]
            write("torch_pickle", name + ".pkl", z.read(pkl))
    # The legacy (pre-1.6, not zip) format: refused with a message.
    buf = io.BytesIO()
    torch.save({"w": torch.ones(2)}, buf, _use_new_zipfile_serialization=False)
    write("torch_zip", "legacy.pth", buf.getvalue())


def model_seed():
    with open(os.path.join(ROOT, "resources", "fmnist-mbv3.dofa"), "rb") as f:
        data = f.read()
    magic, (hlen,) = data[:8], struct.unpack("<Q", data[8:16])
    header = json.loads(data[16:16 + hlen])
    blob = data[16 + hlen:-32]
    kept, new_blob = [], b""
    for t in header["tensors"][:4]:
        part = blob[t["offset"]:t["offset"] + t["bytes"]]
        kept.append(dict(t, offset=len(new_blob)))
        new_blob += part
    header["tensors"] = kept
    header["metadata"] = {"note": "cut down from the shipped model for fuzzing"}
    text = json.dumps(header, separators=(",", ":")).encode()
    body = magic + struct.pack("<Q", len(text)) + text + new_blob
    # The fuzz target appends the SHA-256 itself (fuzz_model_file.cpp).
    write("model_file", "shipped-cut.dofa-body", body)
    header.pop("input")  # a file written before input contracts
    text = json.dumps(header, separators=(",", ":")).encode()
    write("model_file", "no-contract.dofa-body", magic + struct.pack("<Q", len(text)) + text + new_blob)


def profile_seeds():
    for name in ("fmnist-mbv3.cpu-1t.json", "fmnist-mbv3.cpu-2t.json"):
        with open(os.path.join(ROOT, "profiles", name)) as f:
            p = json.load(f)
        p["candidates"] = p["candidates"][:3]
        p["levels"] = p["levels"][:2]
        write("profile_json", name, json.dumps(p, indent=1))
    # Operating points on the levels (a `dofa profile --sweep` of threads and cores).
    for level in p["levels"]:
        lat = level["latency"]
        level["operating_points"] = [
            {"knobs": {"app.threads": "1", "app.affinity": "0"}, "latency": lat, "simulated": False},
            {"knobs": {"app.threads": "2", "app.affinity": "0-1"}, "latency": lat,
             "latency_paced": level["latency_paced"], "simulated": False},
            {"knobs": {"app.threads": "1", "app.backend": "opencv", "cpu.policy0.max": "1190400"},
             "latency": lat, "power_mw": 2500.0, "energy_mj": 3.1, "simulated": True},
        ]
    write("profile_json", "operating-points.json", json.dumps(p, indent=1))


def text_seeds():
    for arch in ("max", "min", "r28-k3.3.3.3-e2.2.2.2", "r24-k35.57.3.753-e24.2.46.642",
                 "r224-k3.3.3.3.3-e3.3.3.3.3", "r224-k7777.5555.3333.7777.5555-e6666.4444.3333.6666.4444",
                 '{"ks": [3, 5, 7, 3], "e": [2, 4, 6, 2], "d": [2, 3, 4, 2], "r": 24}',
                 '{"ks": [7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7], '
                 '"e": [6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6], '
                 '"d": [4, 4, 4, 4, 4], "r": 224}'):
        write("arch", hashlib.sha1(arch.encode()).hexdigest()[:12], arch)
    scenarios = os.path.join(ROOT, "resources", "scenarios")
    for name in sorted(os.listdir(scenarios)):
        with open(os.path.join(scenarios, name), "rb") as f:
            write("scenario", name, f.read())
    write("scenario", "every-command",
          "0s latency 40\n250ms power 5000\n@30 accuracy 90\n1.5s latency off model 1\n"
          "2s load cpu 2\n2.5s load cpu 1 on 0-1,3\n3s load model max\n3.5s load model "
          "r24-k3.3.3.3-e2.2.2.2 2\n4s load off\n# comment\n\n5s stop\n")
    write("scenario", "stdin-commands",
          "latency 12.5\npower off\naccuracy 91 model 1\nload cpu 1 on 1\nload model min 1\n"
          "load off\nstop\n")
    for spec in ("dataset:test", "dataset", "dataset:train", "train", "camera:0", "camera:12", "file:/tmp/clip.mp4",
                 "gst:videotestsrc num-buffers=30 ! videoconvert ! appsink",
                 "folder:/data/imagenet/val", "0", "/etc/hostname"):
        write("source_spec", hashlib.sha1(spec.encode()).hexdigest()[:12], spec)
    write("image_folder_csv", "labels.csv",
          "file,label\nimages/a.png,tench\nimages/b.jpg,1\nc.JPEG,great white shark\n"
          "\"d e.png\",goldfish\nx/y/z.bmp,tench\n")
    write("image_folder_csv", "bom-crlf.csv", b"\xef\xbb\xbfFile,Label\r\nimages/a.png,0\r\n\"c.JPEG\",2\r\n")


def idx_seeds():
    # Real IDX headers (Fashion-MNIST's layout): images u8 3-d, labels u8 1-d, cut to 2 items.
    images = struct.pack(">BBBB", 0, 0, 8, 3) + struct.pack(">III", 2, 28, 28) + bytes(range(256)) * 6 + bytes(32)
    labels = struct.pack(">BBBB", 0, 0, 8, 1) + struct.pack(">I", 2) + bytes([9, 0])
    write("idx", "images", images)
    write("idx", "labels", labels)
    write("idx", "float", struct.pack(">BBBB", 0, 0, 0x0D, 2) + struct.pack(">II", 2, 2) + struct.pack(">4f", 1, 2, 3, 4))


def sysfs_seeds():
    # NUL-separated replacements of the files fuzz_sysfs.cpp lists, in its order.
    orin = ["115200 192000 268800 1984000\n", "115200\n", "1984000\n", "1190400\n", "115200\n",
            "2201600\n", "0 1 2 3\n", "0 1 2 3\n", "schedutil\n",
            "interactive conservative ondemand userspace powersave performance schedutil \n",
            "306000000 408000000 1300500000\n", "306000000\n", "1300500000\n", "306000000\n",
            "nvhost_podgov\n", "nvhost_podgov userspace performance simple_ondemand\n", "0\n",
            "ina3221\n", "VDD_GPU_SOC\n", "4992\n", "1232\n", "VDD_CPU_CV\n", "4992\n", "604\n",
            "CPU-therm\n", "45500\n", "package-0\n", "123456789\n", "262143328850\n", "1\n", "1\n",
            "# R35 (release), REVISION: 2.1\n"]
    write("sysfs", "orin-like", "\0".join(orin))
    for k, value in enumerate(orin[:10] + ["0-3,8-11\n", "0,2,4-5\n", "VDD_IN\n", "1984000 \n"]):
        write("sysfs_values", "value-%02d" % k, value)
    write("sysfs", "odd-values", "\0".join(["1 2 x 3\n", "-5\n", "99999999999999999999\n", "", "0\n",
                                             "0\n", "3-1\n", "0-4095\n", "  \n", "\n"]))


def main():
    torch_seeds()
    model_seed()
    profile_seeds()
    text_seeds()
    idx_seeds()
    sysfs_seeds()
    for target in sorted(os.listdir(CORPUS)):
        files = os.listdir(os.path.join(CORPUS, target))
        size = sum(os.path.getsize(os.path.join(CORPUS, target, f)) for f in files)
        print(f"{target}: {len(files)} seeds, {size} bytes")


if __name__ == "__main__":
    sys.exit(main())
