"""Count the words of prose (markdown cells, fenced code left out) in each lesson.

    python tools/lesson_words.py [NOTEBOOK ...]     # default: notebooks/[0-9]*_*.ipynb

Issue 11 asks for about 700 words of prose per lesson; tests/test_lesson_rules.py holds the
lessons to it with this count.
"""
import re
import sys
from pathlib import Path

import nbformat

FENCE = re.compile(r"^```.*?^```", re.M | re.S)
WORD = re.compile(r"\w")          # a token counts if it holds a letter or digit ('|', '---' do not)


def prose_words(nb):
    """Words in the markdown cells of ``nb``, fenced code blocks left out."""
    text = "\n".join(FENCE.sub("", c.source) for c in nb.cells if c.cell_type == "markdown")
    return sum(1 for token in text.split() if WORD.search(token))


def main(paths):
    paths = paths or sorted(str(p) for p in Path("notebooks").glob("[0-9]*_*.ipynb"))
    for path in paths:
        print(f"{prose_words(nbformat.read(path, as_version=4)):5d}  {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
