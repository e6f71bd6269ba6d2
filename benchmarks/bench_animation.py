"""How long one slide animation takes: a 5x5 input, 3x3 kernel, written to a GIF.

Target (issue 6, kept by issue 9's new look: values, labels, 14 px text): under 5 s. Run with ``.venv/bin/python benchmarks/bench_animation.py``.
The machine is shared, so the best of a few repeats is reported; the first call also
pays for importing matplotlib and PIL, which is timed separately.

Also timed, as a reference in the same run: rendering the images the GIF stores to memory
only (no quantizing or encoding), so the line shows how much of the time is drawing.
"""
import os
import sys
import tempfile
import time

TARGET_S = 5.0
REPEATS = 3


def main():
    t0 = time.perf_counter()
    from conv_teach.animation import Animator, animate, plan
    from conv_teach.animation.drawing import FONT_PT
    t_import = time.perf_counter() - t0

    settings = {
        "5x5, 3x3, stride 1, pad 0": dict(input_shape=(5, 5), kernel=(3, 3)),
        "5x5, 3x3, stride 2, pad 1, im2col panel": dict(input_shape=(5, 5), kernel=(3, 3), stride=2,
                                                        pad=1, show_im2col=True),
        "3x3 transposed, stride 2, pad 1 (6x6 out)": dict(input_shape=(3, 3), kernel=(3, 3), stride=2,
                                                          pad=1, transposed=True, output_padding=1),
    }
    print(f"import conv_teach.animation (matplotlib, PIL): {t_import:.2f} s; text {FONT_PT:g} pt "
          f"= {FONT_PT * 80 / 72:.1f} px at the default 80 dpi")
    times = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, kw in settings.items():
            gif, draw_only = [], []
            for k in range(REPEATS):
                out = os.path.join(tmp, f"bench_{k}.gif")
                t0 = time.perf_counter()
                r = animate(out=out, force=True, **kw)
                gif.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                pl = plan(kw["input_shape"], kw["kernel"], kw.get("stride", 1), kw.get("pad", 0),
                          transposed=kw.get("transposed", False), output_padding=kw.get("output_padding", 0))
                anim = Animator(pl, kw.get("show_im2col", False))
                last = len(pl.frames) - 1
                for f in range(len(pl.frames)):       # the images the GIF stores (holds once)
                    if pl.frames[f] is not None or f in (0, last):
                        anim.render_rgb(f)
                draw_only.append(time.perf_counter() - t0)
            size_kb = os.path.getsize(r.path) / 1024
            best = min(gif)
            times[name] = best
            print(f"{name}: GIF {best:.2f} s (best of {REPEATS}), {r.n_frames} frames, "
                  f"{size_kb:.0f} KB, {r.size[0]}x{r.size[1]} px; drawing alone {min(draw_only):.2f} s "
                  f"({min(draw_only) / best:.0%} of the GIF time)")
    first = next(iter(settings))
    ok = times[first] < TARGET_S
    print(f"target: '{first}' to GIF under {TARGET_S:.0f} s -> {'met' if ok else 'MISSED'} "
          f"({times[first]:.2f} s); the other lines are for information")
    return 0 if ok else 1

if __name__ == "__main__":
    sys.exit(main())
