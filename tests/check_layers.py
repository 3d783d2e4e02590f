#!/usr/bin/env python3
"""The layering of src/ (share/doc/architecture.md), checked on the sources and on the objects.

Each directory of src/ is a layer and may use only the layers listed for it: an #include of a
header in another layer, or an undefined symbol of one of its objects that another layer's object
defines, is a violation. src/model must include neither PETSc nor HDF5. Prints one line per
violation and exits 1 if there is any; make check runs it."""
import os, re, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# who may use whom ("base" = src/kgnn_impl.h and the other top-level private headers, "api" = include/)
ALLOWED = {
    "model":   {"model"},
    "factor":  {"factor", "base", "api"},
    "io":      {"io", "model", "factor", "base", "api"},
    "pc":      {"pc", "factor", "model", "io", "base", "api"},
    "dataset": {"dataset", "pc", "io", "factor", "model", "base", "api"},
    "train":   {"train", "dataset", "io", "model", "base", "api"},
    "base":    {"base", "api"},
    "cli":     {"cli", "pc", "train", "dataset", "io", "factor", "model", "base", "api"},
    # the CUDA engine (lib/libkgnn-cuda.so): the model's engine table and kernel bodies only
    "cuda":    {"cuda", "model"},
}
# the files at the top of src/: the package's registration is a face (it creates the PCs), the
# command-line helpers belong to the programs; the rest (kgnn_impl.h, gallery.c) is the base
TOP = {"kgnn": "pc", "kgnn_cli": "cli"}
FORBIDDEN_SYSTEM = {"model": re.compile(r"^(petsc|slepc|hdf5|H5|mpi)"), "cuda": re.compile(r"^(petsc|slepc|hdf5|H5|mpi)")}

def layer(path):
    rel = os.path.relpath(path, ROOT)
    parts = rel.split(os.sep)
    if parts[0] == "include":
        return "api"
    if parts[0] != "src":
        return None
    if len(parts) == 2:
        return TOP.get(parts[1].split(".")[0], "base")
    return parts[1]

def includes(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r'\s*#\s*include\s*([<"])([^>"]+)[>"]', line)
            if m:
                yield m.group(1), m.group(2)

def main():
    bad = []
    for d, _, files in os.walk(os.path.join(ROOT, "src")):
        for fn in sorted(files):
            if not fn.endswith((".c", ".h", ".cu", ".cuh")):
                continue
            path = os.path.join(d, fn)
            me = layer(path)
            for kind, inc in includes(path):
                if kind == "<":
                    pat = FORBIDDEN_SYSTEM.get(me)
                    if pat and pat.match(inc):
                        bad.append(f"{os.path.relpath(path, ROOT)}: includes <{inc}> (src/{me} is plain C)")
                    if inc == "kgnn.h" and "api" not in ALLOWED[me]:
                        bad.append(f"{os.path.relpath(path, ROOT)}: includes <kgnn.h>")
                    continue
                target = os.path.normpath(os.path.join(d, inc))
                if not os.path.exists(target):
                    target = os.path.join(ROOT, "include", inc)
                    if not os.path.exists(target):
                        continue
                them = layer(target)
                if them and them not in ALLOWED[me]:
                    bad.append(f"{os.path.relpath(path, ROOT)}: includes {os.path.relpath(target, ROOT)} (src/{me} may not use src/{them})")
    # calls: an object's undefined symbols defined by an object of a layer it may not use
    build = os.path.join(ROOT, "build")
    defined, undefined = {}, {}
    for d, _, files in os.walk(build):
        if os.path.relpath(d, build).split(os.sep)[0] in ("tests", "examples"):
            continue
        for fn in files:
            if not fn.endswith(".o"):
                continue
            obj = os.path.join(d, fn)
            rel = os.path.relpath(obj, build)
            src = os.path.join(ROOT, "src", rel[:-2] + ".c")
            if not os.path.exists(src):  # a stale object of a moved or deleted source
                continue
            lay = layer(src)
            out = subprocess.run(["nm", obj], capture_output=True, text=True).stdout
            for line in out.splitlines():
                f = line.split()
                if len(f) == 2 and f[0] == "U":
                    undefined.setdefault(obj, (lay, set()))[1].add(f[1])
                elif len(f) == 3 and f[1] in "TDBR":
                    defined[f[2]] = (lay, rel)
    for obj, (lay, syms) in sorted(undefined.items()):
        if lay not in ALLOWED:
            continue
        for s in sorted(syms):
            if s in defined and defined[s][0] not in ALLOWED[lay]:
                bad.append(f"build/{os.path.relpath(obj, build)}: calls {s} from build/{defined[s][1]} (src/{lay} may not use src/{defined[s][0]})")
    for b in bad:
        print(b)
    print(f"layering: {len(bad)} violations")
    return 1 if bad else 0

if __name__ == "__main__":
    sys.exit(main())
