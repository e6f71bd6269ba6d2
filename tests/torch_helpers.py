"""What every torch-oracle test module shares (torch is imported by the caller's importorskip).

``one_torch_thread``: import it into a test module (``from torch_helpers import
one_torch_thread``) and it runs there, autouse, module-scoped: the cases are tiny, and one
thread avoids torch's workers spin-waiting on a busy 2-core machine. ``T``: a numpy array with
its axes permuted, as a contiguous torch tensor (NHWC -> NCHW and the weight layouts).
``pair``: an int or a (rows, cols) pair as two Python ints, as torch's arguments take them.
"""
import numpy as np
import pytest


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    import torch
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def T(A, *axes):
    """``A.transpose(*axes)`` as a contiguous torch tensor (float64 stays float64)."""
    import torch
    return torch.tensor(np.ascontiguousarray(A.transpose(*axes)))


def pair(v):
    """``2 -> (2, 2)``; ``(1, 3)`` or ``[1, 3]`` -> ``(1, 3)``, as Python ints."""
    return (int(v[0]), int(v[1])) if isinstance(v, (tuple, list)) else (int(v), int(v))
