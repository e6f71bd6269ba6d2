"""Where the views' cells are drawn: one place per cell, blocks wrapped to a legible width."""
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from conv_teach.views.layout import BLOCK_GAP, MAX_BLOCKS_WIDTH, grid

KINDS = {"nhwc": 4, "nhwo": 4, "kernel": 4, "kernel_wide": 4, "matrix": 2, "matrix_t": 2, "seq": 3,
         "kernel1d": 3}


@given(st.sampled_from(sorted(KINDS)), st.data())
def test_every_cell_has_its_own_square(kind, data):
    shape = tuple(data.draw(st.integers(1, 12 if i in (1, 2) else 3)) for i in range(KINDS[kind]))
    gx, gy, captions = grid(kind, shape)
    assert gx.shape == gy.shape == (int(np.prod(shape)),)
    # unit squares at (gx, gy) never overlap: distinct corners on the same lattice per block
    corners = set(zip(np.round(gx, 6), np.round(gy, 6)))
    assert len(corners) == gx.size
    for x0, y0 in corners:
        near = [(x, y) for x, y in corners if abs(x - x0) < 1 - 1e-6 and abs(y - y0) < 1 - 1e-6]
        assert near == [(x0, y0)]
    assert gx.min() == 0 and gy.min() >= 0
    if kind in ("nhwc", "nhwo", "kernel", "kernel_wide"):
        block_w = shape[1] if kind.startswith("kernel") else shape[2]
        # wrapped unless a single block is already wider than the limit
        assert gx.max() + 1 <= max(MAX_BLOCKS_WIDTH, block_w)
        n_blocks = shape[2] * shape[3] if kind.startswith("kernel") else shape[0] * shape[3]
        assert len(captions) == (n_blocks if n_blocks > 1 else 0)


def test_channels_side_by_side_when_they_fit():
    gx, gy, captions = grid("nhwc", (2, 3, 4, 2))       # X[n, r, c, ch]
    X = np.arange(2 * 3 * 4 * 2).reshape(2, 3, 4, 2)
    k = np.ravel_multi_index((1, 2, 3, 1), X.shape)
    assert gx[k] == 1 * (4 + BLOCK_GAP) + 3            # channel 1 is the second block column
    assert [c[0] for c in captions] == ["n0 c0", "n0 c1", "n1 c0", "n1 c1"]


def test_a_square_of_channel_blocks_and_wide_kernels():
    """per_line=2 puts 4 channels in a 2 x 2 square; kernel_wide puts kernel o in block column o."""
    gx, gy, captions = grid("nhwc", (1, 3, 3, 4), per_line=2)
    X = np.zeros((1, 3, 3, 4))
    corner = {ch: (gx[np.ravel_multi_index((0, 0, 0, ch), X.shape)],
                   gy[np.ravel_multi_index((0, 0, 0, ch), X.shape)]) for ch in range(4)}
    assert corner[0][0] == corner[2][0] < corner[1][0] == corner[3][0]
    assert corner[0][1] == corner[1][1] < corner[2][1] == corner[3][1]
    assert sorted(c[0] for c in captions) == ["n0 c0", "n0 c1", "n0 c2", "n0 c3"]
    W = np.zeros((2, 2, 2, 4))
    gx, gy, captions = grid("kernel_wide", W.shape)
    for o in range(4):
        for c in range(2):
            k = np.ravel_multi_index((0, 0, c, o), W.shape)
            assert gx[k] == o * (2 + BLOCK_GAP)
            assert [t for t, x, y in captions if x == gx[k] and y < gy[k] + 1 and y > gy[k] - 1][0] == f"o{o} c{c}"


def test_matrix_t_is_the_transpose():
    gx, gy, _ = grid("matrix", (3, 5))
    tx, ty, _ = grid("matrix_t", (3, 5))
    np.testing.assert_array_equal(tx, gy)
    np.testing.assert_array_equal(ty, gx)
