"""PCGNN weight files (format in share/doc/model.md) from and to a PyTorch state_dict.

    save(model, "model.h5")      # every tensor under its state_dict name, float64
    save(model, "model.h5", normalisation="jacobi")  # a model trained on D^-1/2 A D^-1/2
    model = load("model.h5")     # a kgnn_model.KGNNModel with those weights
"""
import os

import h5py
import numpy as np
import torch

from kgnn_model import KGNNModel

FORMAT_VERSION = 1


def save(model, path, extra=None, normalisation="max_abs"):
    """extra(h5file) may add groups (test fixtures) before the file is closed; normalisation is
    how PCGNN scales A for this model (-pc_gnn_scale model): max_abs (A / max|A|, the paper's) or
    jacobi (D^-1/2 A D^-1/2, D = diag A)"""
    if normalisation not in ("max_abs", "jacobi"):
        raise ValueError(f"normalisation {normalisation!r}: not one of max_abs, jacobi")
    tmp = path + ".tmp"
    with h5py.File(tmp, "w", track_order=True) as f:
        f.attrs["format"] = np.bytes_("kgnn-model")  # fixed-length ASCII, as the C reader expects
        f.attrs["format_version"] = FORMAT_VERSION
        f.attrs["node_model"] = np.bytes_(model.node_model)
        f.attrs["depth"] = model.depth
        f.attrs["hidden"] = model.hidden
        f.attrs["positional"] = int(model.positional)
        f.attrs["virtual_node"] = int(model.virtual_node)
        f.attrs["normalisation"] = np.bytes_(normalisation)
        for key, t in model.state_dict().items():
            f.create_dataset(key, data=t.detach().cpu().double().numpy())
        if extra:
            extra(f)
    os.replace(tmp, path)


def load(path):
    with h5py.File(path, "r") as f:
        # version 2 is a cascade's root (share/doc/model.md): its first network, read here; the
        # group /breakdown, PCGNN's second network, is not
        if f.attrs.get("format") != b"kgnn-model" or int(f.attrs["format_version"]) > FORMAT_VERSION + 1:
            raise ValueError(f"{path}: not a kgnn model file of a version this reader knows")
        model = KGNNModel(f.attrs["node_model"].decode(), int(f.attrs["depth"]), int(f.attrs["hidden"]), bool(f.attrs["positional"]), bool(f.attrs["virtual_node"])).double()
        state = {key: torch.from_numpy(np.array(f[key])) for key in model.state_dict()}
    model.load_state_dict(state)
    return model.eval()
