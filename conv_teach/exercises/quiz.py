"""ipywidgets quizzes: predict an output size, an output shape, or how many windows read a pixel.

Each quiz shows a question, an answer box, a Submit button and a feedback line, and
checks the answer against the library the moment Submit is pressed. A wrong answer gets
a hint that names the likely mistake (:mod:`conv_teach.exercises.questions`).

They work without a browser too, which is how the tests drive them::

    q = OutLenQuiz(5, 3, stride=2, pad=1)
    q.answer.value = 3
    q.submit.click()
    q.feedback.value      # 'Right! ...'
"""
import html
import re

import ipywidgets as widgets

from ..shapes import conv_out_len, conv_out_shape
from . import questions as Q

__all__ = ["Quiz", "OutLenQuiz", "ShapeQuiz", "WindowCountQuiz"]

RIGHT, WRONG = "Right!", "Not quite."


class Quiz:
    """A question, an answer widget, a Submit button and a feedback line (``.widget``)."""

    def __init__(self, question, answer_widget, right_answer, explanation=""):
        self.right_answer = right_answer
        self.explanation = explanation
        self.attempts = 0
        self.correct = None
        self.question = widgets.HTML(question)
        self.answer = answer_widget
        self.submit = widgets.Button(description="Submit", button_style="primary")
        self.feedback = widgets.HTML("")
        self.submit.on_click(self._on_submit)
        self.widget = widgets.VBox([self.question, widgets.HBox([self.answer, self.submit]),
                                    self.feedback])

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget)

    def parse(self, value):
        return value

    def hint(self, answer):
        """A hint for a wrong ``answer`` (override)."""
        return ""

    def _on_submit(self, _button=None):
        self.attempts += 1
        try:
            answer = self.parse(self.answer.value)
        except ValueError as e:
            self.correct = False
            self.feedback.value = f"<b>{WRONG}</b> {html.escape(str(e))}"
            return
        self.correct = answer == self.right_answer
        if self.correct:
            self.feedback.value = (f"<b style='color:green'>{RIGHT}</b> {html.escape(str(answer))}. "
                                   + html.escape(self.explanation))
        else:
            hint = self.hint(answer) or ""
            self.feedback.value = (f"<b style='color:#b00'>{WRONG}</b> {html.escape(str(answer))} "
                                   f"is not it. " + (f"Hint: {html.escape(hint)}" if hint else ""))


class OutLenQuiz(Quiz):
    """How many outputs along one axis? Answer: :func:`conv_teach.conv_out_len`."""

    def __init__(self, in_len, kernel, stride=1, pad=0, dilation=0):
        self.args = (in_len, kernel, stride, pad, dilation)
        right = conv_out_len(in_len, kernel, stride, pad, dilation)
        eff = kernel + (kernel - 1) * dilation
        d = f", dilation={dilation}" if dilation else ""
        super().__init__(
            f"An input of length <b>{in_len}</b>, a kernel of <b>{kernel}</b> taps, "
            f"stride={stride}, pad={pad!r}{d}. How many outputs?",
            widgets.IntText(value=0, description="outputs:"), right,
            f"eff = {eff}; out = (in + pads - eff) // stride + 1.")

    def hint(self, answer):
        key = Q.out_len_mistake(*self.args, answer)
        return Q.QUIZ_HINTS[key or "formula"]


class ShapeQuiz(Quiz):
    """What is conv2D's output shape? Answer: :func:`conv_teach.conv_out_shape`."""

    def __init__(self, X_shape, W_shape, stride=1, pad=0, dilation=0):
        self.q = (X_shape, W_shape, stride, pad, dilation)
        super().__init__(f"conv2D with {html.escape(Q.describe(self.q))}. Output shape?",
                         widgets.Text(placeholder="(n_ex, out_rows, out_cols, out_ch)",
                                      description="shape:"),
                         conv_out_shape(*self.q), "NHWC: (n_ex, out_rows, out_cols, out_ch).")

    def parse(self, value):
        nums = re.findall(r"-?\d+(?:\.\d*)?", str(value))
        if len(nums) != 4:
            raise ValueError("type 4 numbers, e.g. (1, 3, 3, 1): (n_ex, out_rows, out_cols, out_ch).")
        if any("." in v for v in nums):
            raise ValueError(f"type whole numbers: a shape counts cells, so {next(v for v in nums if '.' in v)} "
                             f"should be written without a decimal point, e.g. (1, 3, 3, 1).")
        return tuple(int(v) for v in nums)

    def hint(self, answer):
        return Q.shape_mistake(self.q, answer)


class WindowCountQuiz(Quiz):
    """How many windows read pixel (r, c)? Answer: col2im of an all-ones im2col."""

    def __init__(self, in_shape, kernel, stride=1, pad=0, dilation=0, pixel=(0, 0)):
        counts = Q.window_counts(in_shape, kernel, stride, pad, dilation)
        if not (len(pixel) == 2 and 0 <= pixel[0] < counts.shape[0] and 0 <= pixel[1] < counts.shape[1]):
            raise ValueError(f"WindowCountQuiz: pixel must be a (row, col) inside the "
                             f"{counts.shape[0]}x{counts.shape[1]} input, got {pixel!r}.")
        self.kernel, self.counts = tuple(kernel), counts
        d = f", dilation={dilation}" if dilation else ""
        super().__init__(
            f"A {in_shape[0]}x{in_shape[1]} input, a {kernel[0]}x{kernel[1]} kernel, "
            f"stride={stride}, pad={pad!r}{d}. How many windows read pixel "
            f"<b>(row {pixel[0]}, col {pixel[1]})</b>?",
            widgets.IntText(value=0, description="windows:"), int(counts[pixel]),
            "That is also the value col2im(im2col(ones)) puts at that pixel.")

    def hint(self, answer):
        fr, fc = self.kernel
        if answer == fr * fc and self.right_answer != answer:
            return Q.QUIZ_HINTS["window_max"]
        return Q.QUIZ_HINTS["window_axes"]
