"""Read kgnn dataset files (the schema is in share/doc/dataset-format.md).

    samples = read("synthetic.h5")               # list of dicts of numpy arrays (numpy + h5py only)
    graphs = load("synthetic.h5", split="train")  # list of torch_geometric.data.Data

Each Data has edge_index (2 x nnz, int64; edge_index[0] = row i = sender, edge_index[1] =
column j = receiver), edge_attr (nnz x 1, float64, the entries A_ij), y (nnz, float64, the target
factor L_ij for i >= j and 0 above the diagonal), x = ones (n x 1) and the sample's attributes.
"""
import h5py
import numpy as np

SCHEMA_VERSION = 1
FORMAT = "kgnn-dataset"


class DatasetError(Exception):
    """A file that is missing, not HDF5, not a kgnn dataset, newer than this reader, or damaged."""


def _str(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def _sample(path, f, k):
    name = "samples/%06d" % k
    if name not in f:
        raise DatasetError(f"{path}: /{name} missing (num_samples says {f.attrs['num_samples']})")
    g = f[name]
    s = {key: g[key][()] for key in ("edge_index", "edge_attr", "y")}
    s["n"] = int(g.attrs["n"])
    for key in ("name", "source", "split", "method", "category"):
        s[key] = _str(g.attrs[key])
    for key in ("kopt_iterations", "ic0_iterations"):
        s[key] = int(g.attrs[key])
    for key in ("kopt_cond", "ic0_cond"):
        s[key] = float(g.attrs[key])
    for key in ("kopt_eigenvalues", "ic0_eigenvalues"):
        s[key] = tuple(float(x) for x in g.attrs[key])
    nnz = s["edge_attr"].shape[0]
    if s["edge_index"].shape != (2, nnz) or s["y"].shape != (nnz,):
        raise DatasetError(f"{path}: /{name} arrays have inconsistent shapes")
    if nnz and (s["edge_index"].min() < 0 or s["edge_index"].max() >= s["n"]):
        raise DatasetError(f"{path}: /{name} has an edge outside 0..n-1")
    return s


def read(path, split=None):
    """All samples (or those of one split, "train"/"test") as dicts of numpy arrays."""
    try:
        f = h5py.File(path, "r")
    except (OSError, ValueError) as e:
        raise DatasetError(f"{path}: cannot open as HDF5: {e}") from None
    with f:
        fmt = _str(f.attrs.get("format", b""))
        if fmt != FORMAT:
            raise DatasetError(f"{path}: not a kgnn dataset (format attribute {fmt!r})")
        version = int(f.attrs["schema_version"])
        if version > SCHEMA_VERSION:
            raise DatasetError(f"{path}: schema version {version} is newer than this reader ({SCHEMA_VERSION})")
        samples = [_sample(path, f, k) for k in range(int(f.attrs["num_samples"]))]
    return [s for s in samples if split is None or s["split"] == split]


def load(path, split=None):
    """The samples as torch_geometric.data.Data graphs (needs torch and torch_geometric)."""
    import torch
    from torch_geometric.data import Data

    graphs = []
    for s in read(path, split):
        graphs.append(
            Data(
                x=torch.ones(s["n"], 1, dtype=torch.float64),
                edge_index=torch.from_numpy(np.ascontiguousarray(s["edge_index"])),
                edge_attr=torch.from_numpy(s["edge_attr"]).unsqueeze(1),
                y=torch.from_numpy(s["y"]),
                num_nodes=s["n"],
                name=s["name"],
                method=s["method"],
            )
        )
    return graphs
