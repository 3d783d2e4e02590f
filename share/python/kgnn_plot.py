"""Shared by the plotting scripts: matplotlib without a display, and atomic PNG writes."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402,F401  (re-exported)


def save_atomic(fig, path, dpi=120):
    """Write the figure to a temporary file beside path, then rename it into place."""
    tmp = os.path.join(os.path.dirname(os.path.abspath(path)), "." + os.path.basename(path) + ".tmp.png")
    fig.savefig(tmp, dpi=dpi)
    os.replace(tmp, path)
