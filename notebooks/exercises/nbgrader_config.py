"""nbgrader settings for a course that uses conv_teach's exercises.

Copy this file into the root of your nbgrader course directory (next to ``source/``). It
keeps the hidden tests out of the feedback students get: nbgrader's own ``ClearHiddenTests``
preprocessor (the one ``generate_assignment`` uses) also runs in ``generate_feedback``, after
the grades are read. The checkers render a failing hidden test without showing its code.
"""
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests, GetGrades

c = get_config()  # noqa: F821  (nbgrader provides get_config in its config files)

# nbgrader's default is [GetGrades, CSSHTMLHeaderPreprocessor]
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]
