"""Exercise 7's checker (conv_teach.exercises.pool_checks): a right answer passes, a stub says
"not implemented yet", and each classic max-pool backward mistake gets its own hint."""
import numpy as np
import pytest

from conv_teach.exercises import pool_checks as P


def right(dZ, X, pool, stride):
    dX = np.zeros(X.shape)
    for n in range(dZ.shape[0]):
        for i in range(dZ.shape[1]):
            for j in range(dZ.shape[2]):
                for c in range(dZ.shape[3]):
                    window = X[n, i * stride:i * stride + pool, j * stride:j * stride + pool, c]
                    r, q = np.unravel_index(np.argmax(window), window.shape)
                    dX[n, i * stride + r, j * stride + q, c] += dZ[n, i, j, c]
    return dX


def test_right_answer_passes(capsys):
    assert P.check_maxpool2D_backward(right, draw=False) is True
    assert "all 12 cases pass" in capsys.readouterr().out


def test_stub_is_not_implemented_yet(capsys):
    def stub(dZ, X, pool, stride):
        raise NotImplementedError()
    assert P.check_maxpool2D_backward(stub, draw=False) is False
    assert "not implemented yet" in capsys.readouterr().out


@pytest.mark.parametrize("mistake", list(P.POOL_HINTS))
def test_each_mistake_gets_its_hint(mistake):
    def wrong(dZ, X, pool, stride):
        return P.wrong_maxpool2D_backward(dZ, X, pool, stride, mistake)
    with pytest.raises(AssertionError) as info:
        P.check_maxpool2D_backward(wrong, draw=False)
    text = str(info.value)
    assert "Hint: " + P.POOL_HINTS[mistake] in text
    others = [k for k in P.POOL_HINTS if k != mistake]
    assert not any(P.POOL_HINTS[k] in text for k in others), text


def test_a_wrong_answer_is_shown_the_input_whose_ties_decide():
    """The report prints the failing case's X and dZ before expected and received: a tie that
    decides the answer is in X's values, which a tester could not see."""
    from conv_teach.exercises.runner import fmt_array

    def ties_twice(dZ, X, pool, stride):
        return P.wrong_maxpool2D_backward(dZ, X, pool, stride, "pool_ties_twice")
    with pytest.raises(AssertionError) as info:
        P.check_maxpool2D_backward(ties_twice, draw=False)
    text = str(info.value)
    k = int(text.split("Case ")[1].split(" of")[0]) - 1
    dZ, X = P._cases(8)[k].args[:2]
    shown_X, shown_dZ = f"\nX:\n{fmt_array(X)}\n", f"\ndZ:\n{fmt_array(dZ)}\n"
    assert shown_X in text and shown_dZ in text, text
    assert text.index(shown_X) < text.index(shown_dZ) < text.index("\nexpected:\n")


def test_the_mistakes_really_differ_from_the_right_answer():
    """On the fixed cases each wrong version is wrong somewhere, and the right one nowhere."""
    rng = np.random.default_rng(0)
    X = rng.integers(1, 5, size=(2, 5, 6, 2)).astype(float)
    dZ = rng.integers(1, 6, size=(2, 2, 2, 2)).astype(float)
    for key in P.POOL_HINTS:
        assert not np.allclose(P.wrong_maxpool2D_backward(dZ, X, 3, 2, key), right(dZ, X, 3, 2)), key
    assert np.allclose(P.wrong_maxpool2D_backward(dZ, X, 3, 2, "none"), right(dZ, X, 3, 2))


def test_not_a_function():
    with pytest.raises(TypeError, match="pass your function itself"):
        P.check_maxpool2D_backward(np.zeros(3))
