"""``ct.exercises.verify``: what every lesson's predict-then-verify cell prints, for any answer.

The table is the fresh tester's (report of 2026-11-30, finding 1: answers that printed nothing,
were marked wrong although right, raised AssertionError or ended in a TypeError), plus odd
inputs. Each row asserts the printed text. The truths are worked out by hand here, from the
lessons' questions, not taken from the library:

* 01: n=7, k=4, stride 3, 'same': ceil(7/3) = 3 rows; (3-1)*3 + 4 - 7 = 3 zeros, the odd one after.
* 02: n=9, k=3, stride 2, dilation 1: eff 5, (9-5)//2 + 1 = 3 rows; output (1, 0) reads rows 2, 4, 6
  and columns 0, 2, 4, row by row.
* 03: X (3, 4, 4, 2), 3 x 3, pad 1, stride 2: 2 x 2 outputs; X_col is (2*9, 2*2*3) = (18, 12);
  output (1, 0) of example 2 is column (1*2 + 0)*3 + 2 = 8.
* 06: 5 x 5, 3 x 3, stride 2: windows start at 0 and 2; pixel (2, 2) is in 2*2 = 4, (1, 3) in 1*1 = 1.
* 07: (8-1)*2 + 4 - 2*1 = 16.   * 08: (6-3)//2 + 1 = 2 rows; cell (2, 2) is in 2*2 = 4 windows.
* 09: W_col 16 x 72 = 1152 entries, 18 nonzero per row: 1152 - 16*18 = 864 zeros.
* 10: a 2 x 2 tie, 2 x 2 windows, stride 1, pad 1: the first maximum of each of the nine windows
  gives dX = [[4, 2], [2, 1]].
"""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from conv_teach.exercises import verify

F01, T01 = "((top, bottom), out_rows), e.g. ((1, 1), 3)", ((1, 2), 3)
H01 = {"pads": "the odd zero goes after", "out_rows": "= ceil(7 / 3)"}
F02 = "(out_rows, [(row, col), ...]), e.g. (3, [(0, 0), (0, 1), ...])"
TAPS = [(r, c) for r in (2, 4, 6) for c in (0, 2, 4)]
T02, H02 = (3, TAPS), {"out_rows": "= (9 - 5) // 2 + 1", "taps": "row 1*2 = 2 first"}
F03, T03, H03 = "(X_col.shape, column), e.g. ((18, 12), 5)", ((18, 12), 8), {"shape": "s", "column": "c"}
F06, T06 = "(windows reading (2, 2), windows reading (1, 3)), e.g. (1, 1)", (4, 1)
H06 = {"pixel (2, 2)": "count the starts", "pixel (1, 3)": "count the starts"}
F07, H07 = "an int, e.g. 10", "= (in - 1) * stride + k - 2 * pad"
F08, T08 = "(out_rows, windows reading cell (2, 2)), e.g. (3, 1)", (2, 4)
H08 = {"out_rows": "= (6 - 3) // 2 + 1", "windows reading (2, 2)": "= 2 * 2"}
T10 = np.array([[4., 2.], [2., 1.]])


def said(capsys, *args, **kw):
    """What verify printed (it must print something and never raise)."""
    assert verify(*args, **kw) is None          # nothing for a notebook to echo as Out[]
    out = capsys.readouterr().out
    assert out.strip(), "verify printed nothing"
    assert "could not check" not in out, out    # the last-resort guard is not how answers are read
    return out


# ---- the tester's table, row by row --------------------------------------------------------

@pytest.mark.parametrize("answer", [([1, 2], 3), [(1, 2), 3], [[1, 2], 3], ((1, 2), 3),
                                    ((np.int64(1), np.int32(2)), np.int8(3)), ((1.0, 2.0), 3.0)],
                         ids=["list-in-tuple", "tuple-in-list", "lists", "tuples", "numpy-ints", "floats"])
def test_01_right_numbers_in_any_container_are_right(capsys, answer):
    assert said(capsys, answer, T01, F01, H01) == "right: ((1, 2), 3)\n"


@pytest.mark.parametrize("answer", [(3, tuple(TAPS)), (3, [list(t) for t in TAPS]),
                                    [3, np.array(TAPS)]], ids=["taps-tuple", "taps-lists", "taps-array"])
def test_02_right_taps_in_any_container_are_right(capsys, answer):
    assert said(capsys, answer, T02, F02, H02) == f"right: (3, {TAPS})\n"


def test_02_wrong_number_of_taps_is_a_wrong_answer_with_the_hint(capsys):
    out = said(capsys, (4, [(2, 0)]), T02, F02, H02)
    assert out == ("out_rows: you said 4, it is 3 = (9 - 5) // 2 + 1\n"
                   f"taps: you said [(2, 0)], it is {TAPS}: row 1*2 = 2 first\n")


def test_07_and_09_a_number_typed_as_text_is_the_number_and_told_so(capsys):
    assert said(capsys, "16", 16, F07, H07, why="= (8 - 1) * 2 + 4 - 2 * 1") == (
        "right: 16 = (8 - 1) * 2 + 4 - 2 * 1 (you typed the text '16'; without quotes it is 16)\n")
    assert said(capsys, " 864 ", np.int64(864), "an int, e.g. 100") == (
        "right: 864 (you typed the text ' 864 '; without quotes it is 864)\n")
    out = said(capsys, "15", 16, F07, H07)
    assert out.startswith("not quite: you said '15', it is 16 = (in - 1) * stride + k - 2 * pad")
    assert "it is 16 = (in" in out and "you said 16" not in out      # never "you said 16, it is 16"


def test_08_a_wrong_answer_gets_a_hint_not_an_assertion_error(capsys):
    assert said(capsys, (2, 1), T08, F08, H08) == "windows reading (2, 2): you said 1, it is 4 = 2 * 2\n"
    assert said(capsys, [2, 4], T08, F08, H08) == "right: (2, 4)\n"
    assert said(capsys, (3, 1), T08, F08, H08) == ("out_rows: you said 3, it is 2 = (6 - 3) // 2 + 1\n"
                                                   "windows reading (2, 2): you said 1, it is 4 = 2 * 2\n")


@pytest.mark.parametrize("answer, truth, form, hints, expected", [
    (3, T01, F01, H01, f"expected {F01}; you gave 3 (the answer should be 2 items, not the number 3)"),
    ((3, (1, 2)), T01, F01, H01,
     f"expected {F01}; you gave (3, (1, 2)) (pads should be 2 numbers, not the number 3)"),
    ((18, 12), T03, F03, H03, f"expected {F03}; you gave (18, 12) (shape should be 2 numbers, not the number 18)"),
    (4, T06, F06, H06, f"expected {F06}; you gave 4 (the answer should be 2 numbers, not the number 4)"),
], ids=["01-a-number", "01-order-swapped", "03-shape-only", "06-a-number"])
def test_malformed_answers_get_the_expected_form_not_a_type_error(capsys, answer, truth, form, hints, expected):
    assert said(capsys, answer, truth, form, hints) == expected + "\n"


@pytest.mark.parametrize("answer, truth, form, hints", [
    (((1, 2), 3), T01, F01, H01), ((4, 1), T06, F06, H06), (16, 16, F07, H07), (864, 864, F07, None),
    ((2, 4), T08, F08, H08), ([[4, 2], [2, 1]], T10, "a 2 x 2 list", None)])
def test_the_lessons_own_forms_still_work(capsys, answer, truth, form, hints):
    assert said(capsys, answer, truth, form, hints).startswith("right: ")


def test_none_is_not_answered_yet(capsys):
    assert said(capsys, None, T01, F01, H01) == "not answered yet\n"


# ---- wrong answers: which part, and the lesson's words ---------------------------------------

def test_only_the_parts_that_differ_are_named(capsys):
    assert said(capsys, ((1, 1), 3), T01, F01, H01) == (
        "pads: you said (1, 1), it is (1, 2): the odd zero goes after\n")
    assert said(capsys, [[1, 2], 4], T01, F01, H01) == "out_rows: you said 4, it is 3 = ceil(7 / 3)\n"


def test_a_known_mistake_gets_its_own_message(capsys):
    kw = dict(mistakes=[(288, "you counted the weights (288); the zeros are the other 864")], hints="h")
    assert said(capsys, 288, 864, F07, **kw) == "you counted the weights (288); the zeros are the other 864\n"
    assert said(capsys, 289, 864, F07, **kw) == "not quite: you said 289, it is 864: h\n"


def test_a_hint_of_the_answer_and_hiding_the_truth(capsys):
    def why_not(mine):
        return f"your dX sums to {np.sum(mine):g}"
    out = said(capsys, [[1, 1], [1, 1]], T10, "a 2 x 2 list, e.g. [[1, 1], [1, 1]]", why_not, reveal=False)
    assert out == "not quite: you said [[1, 1], [1, 1]]: your dX sums to 4\n"
    # a hint that cannot read the answer (a ragged dX) is replaced by the expected form
    out = said(capsys, [[4, 2], [2]], T10, "a 2 x 2 list, e.g. [[1, 1], [1, 1]]", why_not, reveal=False)
    assert out == "not quite: you said [[4, 2], [2]]: expected a 2 x 2 list, e.g. [[1, 1], [1, 1]]\n"


def test_floats_are_compared_with_a_tolerance_and_shown_plainly(capsys):
    truth = (100.0, 100.0000000001, 0.0)
    hints = {"blur": "b", "sharpen": "s", "edges": "e"}
    assert said(capsys, (100, 100, 0), truth, "(blur, sharpen, edges)", hints) == "right: (100, 100, 0)\n"
    assert said(capsys, (100, 500, 1e-12), truth, "(blur, sharpen, edges)", hints) == (
        "sharpen: you said 500, it is 100: s\n")


# ---- odd inputs: never silent, never a traceback ---------------------------------------------

class Hostile:
    """An object whose ==, repr, len and iter all raise."""
    def __eq__(self, other):
        raise RuntimeError("no ==")
    __hash__ = object.__hash__

    def __repr__(self):
        raise RuntimeError("no repr")

    def __len__(self):
        raise RuntimeError("no len")

    def __iter__(self):
        raise RuntimeError("no iter")


@pytest.mark.parametrize("answer, expected", [
    ("sixteen", "the answer should be 2 items, not the text 'sixteen'"),
    ("((1, 2)", "the answer should be 2 items, not the text '((1, 2)'"),
    ({"pads": (1, 2), "out_rows": 3}, "the answer should be 2 items, not a dict"),
    ({(1, 2), 3}, "a set has no order: write a tuple or a list"),
    (((1, 2), {3}), "out_rows should be a number, not a set"),
    (float("nan"), "the answer should be 2 items, not the number nan"),
    (list(range(10**6)), "you gave [0, 1, 2, 3, 4, 5, 6, 7, ...] (the answer should be 2 items, "
                         "not a list of 1000000 items)"),
    (((1, 2), True), "out_rows should be a number, not True (a bool)"),
    (((1, 2), 3 + 0j), "out_rows should be a number, not a complex"),
    ((x for x in [(1, 2), 3]), "not a generator"),
    (Hostile(), "the answer should be 2 items, not a Hostile"),
    (((1, 2), Hostile()), "out_rows should be a number, not a Hostile"),
    ((((1, 2), 3),), "a trailing comma after the answer makes a 1-tuple: remove it"),
    ("x" * 10**6, "not the text 'xxxxxxxxxxxxxxxxx...xxxxxxxxxxxxxxxxxx'"),
], ids=["text", "bad-literal", "dict", "set", "set-inside", "nan", "long-list", "bool", "complex",
        "generator", "hostile", "hostile-inside", "trailing-comma", "huge-text"])
def test_odd_answers_get_the_expected_form(capsys, answer, expected):
    out = said(capsys, answer, T01, F01, H01)
    assert out.startswith(f"expected {F01}; you gave ") and expected in out, out
    assert out.count("\n") == 1


@pytest.mark.parametrize("answer, expected", [
    (float("nan"), "not quite: you said nan, it is 16: h\n"),
    (float("inf"), "not quite: you said inf, it is 16: h\n"),
    (10**400, "not quite: you said " + "1" + "0" * 17 + "..." + "0" * 19 + ", it is 16: h\n"),
    ("1e400", "not quite: you said '1e400', it is 16: h (you typed the text '1e400'; without quotes it is inf)\n"),
    (np.float32(16.0), "right: 16\n"),
    (np.array(16), "right: 16\n"),
    ("((1, 2), 3)", "expected an int, e.g. 10; you gave '((1, 2), 3)' (the answer should be a number, "
                    "not the text '((1, 2), 3)')\n"),
], ids=["nan", "inf", "10**400", "text-1e400", "float32", "0-d-array", "literal-text"])
def test_odd_numbers(capsys, answer, expected):
    assert said(capsys, answer, 16, F07, "h") == expected


def test_a_whole_answer_typed_as_text_is_read_and_told_so(capsys):
    assert said(capsys, "((1, 2), 3)", T01, F01, H01) == (
        "right: ((1, 2), 3) (you typed the text '((1, 2), 3)'; without quotes it is ((1, 2), 3))\n")
    assert said(capsys, (("1", "2"), "3"), T01, F01, H01) == (
        "right: ((1, 2), 3) (you typed numbers as text: '1', '2', '3'; without quotes they are numbers)\n")


def test_a_lesson_whose_hints_do_not_fit_the_truth_is_told_even_before_an_answer():
    with pytest.raises(ValueError, match=r"hints has 1 keys \(pads\) but the truth \(\(1, 2\), 3\) has 2 items"):
        verify(None, T01, F01, {"pads": "p"})


_junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | st.complex_numbers()
    | st.builds(Hostile) | st.sampled_from([np.int64(3), np.float32(2.0), np.array([1, 2]), np.bool_(True)]),
    lambda inner: st.lists(inner, max_size=4) | st.lists(inner, max_size=4).map(tuple)
    | st.dictionaries(st.text(max_size=3), inner, max_size=3) | st.frozensets(st.integers(), max_size=3),
    max_leaves=12)


@given(answer=_junk)
def test_any_answer_prints_one_verdict_and_never_raises(answer):
    import contextlib
    import io
    for truth, form, hints in [(T01, F01, H01), (T02, F02, H02), (16, F07, H07), (T10, "2 x 2", None)]:
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            verify(answer, truth, form, hints)
        out = buf.getvalue()
        assert out.strip() and "could not check" not in out, (answer, out)
        first = out.splitlines()[0]
        assert first.startswith(("not answered yet", "right: ", "not quite: ", "expected ", "pads: ",
                                 "out_rows: ", "taps: ")), (answer, out)
