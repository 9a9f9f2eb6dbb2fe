#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes resources/imagenet-1k-classes.txt: the 1000 ImageNet-1k class names, one per line,
in class-index order (line N+1 names classifier output N).

The source is torchvision's own list, `_IMAGENET_CATEGORIES` in torchvision/models/_meta.py
(Debian 12: python3-torchvision 0.14.1, /usr/lib/python3/dist-packages/torchvision/models/
_meta.py), the names torchvision's pretrained ImageNet weights report. The file is parsed, not
imported, so neither torch nor torchvision has to load.

    /usr/bin/python3 scripts/make-imagenet-labels.py            # rewrite the resource
    /usr/bin/python3 scripts/make-imagenet-labels.py --check    # exit 1 if it differs

Use Debian's /usr/bin/python3: a `python3` earlier on PATH may not see Debian's packages (the
script only needs the file, so --meta PATH works with any Python 3).
"""
import argparse
import ast
import importlib.util
import os
import sys

DEFAULT_META = "/usr/lib/python3/dist-packages/torchvision/models/_meta.py"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "resources", "imagenet-1k-classes.txt")


def find_meta():
    if os.path.exists(DEFAULT_META):
        return DEFAULT_META
    # find_spec locates the package without running its __init__ (which imports torch).
    spec = importlib.util.find_spec("torchvision")
    if spec and spec.origin:
        path = os.path.join(os.path.dirname(spec.origin), "models", "_meta.py")
        if os.path.exists(path):
            return path
    sys.exit("make-imagenet-labels: torchvision's models/_meta.py not found; install "
             "python3-torchvision or pass --meta PATH")


def read_categories(path):
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and getattr(node.targets[0], "id", None) == "_IMAGENET_CATEGORIES"):
            names = ast.literal_eval(node.value)
            break
    else:
        sys.exit(f"make-imagenet-labels: {path}: no _IMAGENET_CATEGORIES assignment")
    if len(names) != 1000:
        sys.exit(f"make-imagenet-labels: {path}: {len(names)} names, 1000 expected")
    for i, name in enumerate(names):
        if not isinstance(name, str) or not name.strip() or "\n" in name or name != name.strip():
            sys.exit(f"make-imagenet-labels: {path}: name {i} ({name!r}) cannot be one line")
    return names


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--meta", help="torchvision/models/_meta.py (default: Debian's)")
    ap.add_argument("-o", "--out", default=DEFAULT_OUT, help="file to write")
    ap.add_argument("--check", action="store_true",
                    help="compare with --out instead of writing; exit 1 if they differ")
    args = ap.parse_args()
    meta = args.meta or find_meta()
    text = "".join(name + "\n" for name in read_categories(meta))
    if args.check:
        with open(args.out, encoding="utf-8") as f:
            same = f.read() == text
        print(f"{args.out}: {'matches' if same else 'DIFFERS from'} {meta}")
        return 0 if same else 1
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, args.out)
    print(f"wrote {args.out}: 1000 names from {meta}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
