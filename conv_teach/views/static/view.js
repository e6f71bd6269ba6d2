// conv_teach views: the front end (an anywidget ES module, no build step, nothing fetched).
//
// The kernel computes every array and every link (conv_teach.views.drawings); this file only
// draws the arrays it receives and follows the link table: cell g lights the global cells
// indices[indptr[g] .. indptr[g + 1]). It holds no convolution arithmetic.
//
// DOM contract (tests and the browser helper rely on it; see VIEWS_CONTRACT.md):
//   .ct-view[data-view][data-render]  root; data-render counts completed redraws
//   .ct-cell[data-panel][data-index][aria-label]  every drawn cell (an SVG <g>)
//   .ct-lit / .ct-selected             lit and pinned cells
//   .ct-sentence[aria-live=polite]     the hovered/focused cell in words, else the pinned one (kernel's words)
//   .ct-message                        the library's message; root gets .ct-stale meanwhile
//   .ct-window-note                    "showing N of M columns" when a panel is cut; its
//                                       .ct-window-hint says where the hovered cell's linked
//                                       column is while it is outside the window (the window
//                                       moves there once the pointer rests, or on a pin)
//   .ct-picked                          cells the hovered/pinned cell picks (pool_view: the
//                                       window's maximum), from the optional pick table
//   .ct-empty                           a cell that holds no weight (grey, no number)

const NS = "http://www.w3.org/2000/svg";
// cells are made at least this many px (CSS variable --ct-min-cell overrides; present mode
// asks 39) by cutting the windowed panels to fewer columns ("showing N of M columns"), unless
// the whole picture gets CUT_SLACK of it (a few % of size are worth less than the columns).
// Digits are 0.6 * 0.73 of a cell: 0.9 * 31 px keeps them >= 12 px high
const MIN_CELL_PX = 31;
const CUT_SLACK = 0.9;
// the picture stops growing when cells reach this size (CSS variable --ct-max-cell overrides)
const MAX_CELL_PX = 46;
const U = 40;                    // SVG user units per cell (fonts below ~1 unit render badly)
const NUM_EM = 24 / U;           // the numbers' font size (.ct-num in view.css), in cells
const NUM_ROOM = 0.74;           // the widest a number is drawn, in cells (inside the lit ring)
const GAP = 0.8;                 // between panels, in cells
const TITLE = 0.9;               // title band above a panel
const NOTE_PX = 34;              // the height of the window note (.ct-window-note), px
// --ct-fit-screen: room kept under the view (px), and for a heading above a view that is far down a page
const FIT_MARGIN_PX = 6, FIT_HEADING_PX = 56;
// text widths in cells, measured in the view's own font (a canvas), with an upper-bound
// estimate where no canvas is available: titles are 16.8 px bold, labels 12.8 px (view.css)
const TITLE_PX = 16.8, LABEL_PX = 12.8;
let measureCtx = null;
function textCells(text, px, weight, family) {
  if (measureCtx === null) {
    try { measureCtx = document.createElement("canvas").getContext("2d") || false; } catch (e) { measureCtx = false; }
  }
  if (!measureCtx) return text.length * px * 0.64 / U;
  measureCtx.font = `${weight} ${px}px ${family}`;
  return measureCtx.measureText(text).width / U;
}
// the ink height (px) of the digits '0'-'9' in cells of `cell` px (.ct-num: NUM_EM of a cell),
// in the view's font; what tests/browser measures on the page. Present mode keeps them at least
// LEGIBLE_DIGIT_PX (read from the back of a room) before it keeps the readout's type large
const LEGIBLE_DIGIT_PX = 16;
// the readout leaves its place above the picture for a column beside it only for cells this
// much larger: its formulas then wrap in a narrow column, worth it for more than a few %
const SIDE_GAIN = 1.05;
// the compact readout (smaller type) is taken when it gives any larger cells at all; the 1 %
// only keeps a rounding difference from switching it on and off between resizes
const COMPACT_GAIN = 1.01;
// the longest readout term kept on one line (view.js formula()): "= (8 + 4 + 0 - (3 + 2*2)) // 1 + 1"
// is 34 characters, about 330 px of 16 px monospace, the narrowest readout column's width
const TERM_CHARS = 34;
function digitInk(cell, family) {
  textCells("0", 1, 400, family);               // makes measureCtx
  const px = NUM_EM * cell;
  if (!measureCtx) return 0.73 * px;
  measureCtx.font = `400 ${px}px ${family}`;
  const m = measureCtx.measureText("0123456789");
  return m.actualBoundingBoxAscent + m.actualBoundingBoxDescent;
}
// one colour per role in every view (Okabe-Ito): a cell's fill goes from white to its role's
// colour with |value| / the panel's largest |value|; a negative value of a signed panel goes to
// vermillion instead (a diverging scale centred on 0), whatever the role
const COLOURS = {
  input: "#0072B2", col: "#0072B2", output: "#56B4E9", kernel: "#CC79A7", negative: "#D55E00",
};
const PAD_GREY = "#e3e3e3";
let uid = 0;

function ints(x) {
  if (Array.isArray(x)) return Int32Array.from(x);
  if (x instanceof ArrayBuffer) return new Int32Array(x.slice(0));
  if (ArrayBuffer.isView(x)) return new Int32Array(x.buffer.slice(x.byteOffset, x.byteOffset + x.byteLength));
  return new Int32Array(0);
}

function svgEl(tag, attrs, parent) {
  const e = document.createElementNS(NS, tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(e);
  return e;
}

function hexRgb(h) { return [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)); }
function mix(hex, t) {           // white -> hex by t in [0, 1]
  const c = hexRgb(hex);
  return c.map((v) => Math.round(255 + (v - 255) * t));
}
function luminance(rgb) {
  const [r, g, b] = rgb.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function fillOf(p, v) {
  const hue = p.signed && v < 0 ? COLOURS.negative : (COLOURS[p.role] || COLOURS.input);
  const rgb = mix(hue, Math.min(Math.abs(v) / p.vmax, 1));
  const L = luminance(rgb);
  return { fill: `rgb(${rgb.join(",")})`, text: (L + 0.05) ** 2 > 0.05 * 1.05 ? "#000" : "#fff" };
}
// values that are no finite number arrive as null, named in the panel's `special` list
const SPECIAL_TEXT = { "-inf": "\u2212\u221E", inf: "\u221E", nan: "NaN" };
function fmt(v) {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1000 ? v.toExponential(1) : String(Number(v.toPrecision(3)));
}

function unravel(k, shape) {
  const idx = new Array(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) { idx[a] = k % shape[a]; k = Math.floor(k / shape[a]); }
  return idx;
}
function ravel(idx, shape) {
  let k = 0;
  for (let a = 0; a < shape.length; a++) k = k * shape[a] + idx[a];
  return k;
}

function render({ model, el }) {
  const id = ++uid;
  // the hatch pattern's id must be unique in the page: anywidget may load this module once per
  // view (uid restarts at 1 in each), and a url(#id) shared by several views resolves to one
  // view's pattern only, which stops painting when that view is re-rendered or detached (seen
  // in Notebook 7 once a view's <svg> is kept between redraws)
  const hatchId = `ct-hatch-${id}-${Math.random().toString(36).slice(2, 10)}`;
  const root = document.createElement("div");
  root.className = "ct-view";
  // JupyterLab / Notebook 7 (lumino) leave the keys to us inside the view: arrows, Enter, Escape
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  root.setAttribute("data-p-suppress-shortcuts", "true");
  root.dataset.render = "0";
  const readout = document.createElement("div"); readout.className = "ct-readout";
  const message = document.createElement("div"); message.className = "ct-message";
  message.setAttribute("role", "status");
  const stage = document.createElement("div"); stage.className = "ct-stage";
  const note = document.createElement("div"); note.className = "ct-window-note"; note.hidden = true;
  const help = document.createElement("div"); help.className = "ct-help";
  help.textContent = "Hover or focus a cell: every cell linked to it gets an orange outline. " +
    "Click pins it, Escape clears, arrow keys move.";
  const probe = document.createElement("div"); probe.className = "ct-probe"; probe.setAttribute("aria-hidden", "true");
  const sentence = document.createElement("p"); sentence.className = "ct-sentence";
  sentence.setAttribute("aria-live", "polite");
  root.append(probe, readout, message, stage, note, help, sentence);
  el.appendChild(root);

  let S = null;                  // the current data, prepared
  let cells = [];                // global cell number -> its <g> (null when not drawn)
  let lit = [];                  // global numbers lit now
  let mark = new Uint8Array(0);
  let hoverG = null, selG = null, renders = 0;
  const winStart = {};           // window group -> first column shown

  // the geometry of one form of a panel: cell positions, labels, title, and its size in cells
  const GEOM = ["gx", "gy", "captions", "rowlabels", "collabels", "title", "window"];
  function geometry(p, spec, family) {
    const g = {};
    for (const k of GEOM) g[k] = spec[k] === undefined ? null : spec[k];
    g.captions = g.captions || []; g.rowlabels = g.rowlabels || []; g.collabels = g.collabels || [];
    g.cw = 0; g.chh = 0;
    for (let k = 0; k < p.size; k++) { g.cw = Math.max(g.cw, g.gx[k] + 1); g.chh = Math.max(g.chh, g.gy[k] + 1); }
    const rl = g.rowlabels.reduce((m, [t]) => Math.max(m, textCells(t, LABEL_PX, 400, family)), 0);
    const cl = g.collabels.reduce((m, [t]) => Math.max(m, textCells(t, LABEL_PX, 400, family)), 0);
    g.left = rl ? rl + 0.3 : 0;
    g.top = TITLE + (cl ? cl + 0.3 : 0) + (g.captions.length ? 0.1 : 0);
    g.titleW = textCells(g.title, TITLE_PX, 600, family) + 0.1;
    // neighbours for the arrow keys: rows and columns of the form's own grid
    g.rows = new Map(); g.cols = new Map();
    for (let k = 0; k < p.size; k++) {
      const ry = g.gy[k], cx = g.gx[k];
      if (!g.rows.has(ry)) g.rows.set(ry, []);
      if (!g.cols.has(cx)) g.cols.set(cx, []);
      g.rows.get(ry).push(k); g.cols.get(cx).push(k);
    }
    for (const l of g.rows.values()) l.sort((a, b) => g.gx[a] - g.gx[b]);
    for (const l of g.cols.values()) l.sort((a, b) => g.gy[a] - g.gy[b]);
    return g;
  }
  // draw panel p in its form f from now on (its window, if any, is set again by items())
  function setForm(p, f) {
    if (p.form === f) return;
    p.form = f;
    const g = p.geom[f];
    for (const k of [...GEOM, "cw", "chh", "left", "top", "titleW", "rows", "cols"]) p[k] = g[k];
  }

  function prepare(data) {
    const family = getComputedStyle(root).fontFamily || "sans-serif";
    const panels = data.panels.map((p) => ({ ...p }));
    let off = 0;
    const byName = {};
    for (const p of panels) {
      p.size = p.values.length; p.offset = off; off += p.size; byName[p.name] = p;
      p.padSet = new Set(p.pad);
      p.specialOf = new Map(p.special || []);
      p.emptySet = new Set(p.empty || []);
      // a panel may have other forms (the kernel's `forms`, e.g. "t": drawn transposed), named
      // "X_col@t" in the tables: the same cells in another place, with their own labels and title
      p.geom = { "": geometry(p, p, family) };
      for (const [f, spec] of Object.entries(p.forms || {})) p.geom[f] = geometry(p, { ...p, ...spec }, family);
      setForm(p, "");
    }
    const picks = data.pick_indptr ? { indptr: ints(data.pick_indptr), indices: ints(data.pick_indices) } : null;
    const pickable = new Uint8Array(off);
    if (picks) for (const h of picks.indices) pickable[h] = 1;
    return { view: data.view, panels, byName, total: off, tables: data.tables,
             indptr: ints(data.indptr), indices: ints(data.indices), picks, pickable };
  }

  function panelOf(g) {
    for (const p of S.panels) if (g >= p.offset && g < p.offset + p.size) return p;
    return null;
  }

  // ---- layout: tables of panels, cut to the width, arranged to give the largest cells ----
  //
  // The kernel sends `tables`: groups of panels, each a grid of panel names. A table of one
  // row is a line of panels that may wrap; a table of several rows (the GEMM picture) is a
  // rigid block whose slots line up, and so is {block: grid} (one row too). A table may also be
  // {either: [table, table, ...]}: the same
  // panels arranged in other ways (e.g. a product W_col @ X_col = Z_col as the usual L, or in one
  // row; a slot "X_col@t" draws X_col in its form "t", transposed); every one is tried.
  //
  // The arrangement is a flow of these items, in reading order, in lines no wider than some
  // width; where the height is bounded (--ct-max-height, or the screen in present mode) a line
  // may also hold columns of items stacked (small panels beside a tall block). Every such
  // arrangement is tried and the one that gives the largest cells in the space available wins
  // (the stage's width, and the height, unbounded in a notebook), the shortest picture among
  // equals. So a notebook output (tall space) keeps tables under one another while they are
  // wider than the output, and a projector (wide, short screen) puts them side by side.
  // Positions are in cell units; nothing here knows what a panel means.
  function combos() {
    let out = [[]];
    for (const t of S.tables) {
      const alts = t.either || [t];
      const next = [];
      for (const c of out) for (const a of alts) next.push([...c, a]);
      out = next;
    }
    return out;
  }

  function items(cut, combo) {
    const out = [];
    for (const p of S.panels) p.win = null;
    for (const entry of combo) {
      const table = Array.isArray(entry) ? entry : entry.block;
      const present = table.map((row) => row.map((n) => {
        if (!n) return null;
        const [name, form] = n.split("@");
        const p = S.byName[name];
        if (!p) return null;
        setForm(p, form && p.geom[form] ? form : "");
        return p;
      }));
      // a panel is at least as wide as its title, so "W (2, 2, 1, 1)" never runs into the next one
      const widthOf = (p) => Math.max(p.left + (p.win ? p.win.n : p.cw), p.titleW);
      // windowed panels (X_col, Z_col, dX_col) lose `cut` columns each, keeping at least 3
      for (const p of present.flat()) {
        if (!p || !p.window || cut <= 0) continue;
        const total = p.cw, n = Math.max(3, Math.min(total, total - cut));
        if (n < total) {
          const start = Math.max(0, Math.min(winStart[p.window] || 0, total - n));
          winStart[p.window] = start;
          p.win = { start, n, total };
        }
      }
      if (present.length === 1 && Array.isArray(entry)) {   // one row: each panel flows on its own
        for (const p of present[0]) {
          if (p) out.push({ w: widthOf(p), h: p.top + p.chh, place: (x, y) => [{ p, x, y }] });
        }
      } else {                               // a grid of slots (the GEMM picture): one block
        const ncol = Math.max(...present.map((r) => r.length));
        const colW = [], rowTop = [], rowH = [];
        for (let c = 0; c < ncol; c++) colW.push(Math.max(0, ...present.map((r) => (r[c] ? widthOf(r[c]) : 0))));
        for (const r of present) {
          const top = Math.max(0, ...r.map((p) => (p ? p.top : 0)));
          rowTop.push(top);
          rowH.push(top + Math.max(0, ...r.map((p) => (p ? p.chh : 0))));
        }
        const w = colW.reduce((a, b) => a + b, 0) + GAP * (ncol - 1);
        const h = rowH.reduce((a, b) => a + b, 0) + 0.3 * (present.length - 1);
        out.push({ w, h, place: (x0, y0) => {
          const boxes = [];
          let y = y0;
          present.forEach((r, i) => {
            let x = x0;
            r.forEach((p, c) => {
              // cells right-aligned in their slot column and top-aligned in their slot row, so
              // that the matrices of a product line up (W_col's rows with Z_col's rows...)
              if (p) boxes.push({ p, x: x + colW[c] - widthOf(p), y: y + rowTop[i] - p.top });
              x += colW[c] + GAP;
            });
            y += rowH[i] + 0.3;
          });
          return boxes;
        } });
      }
    }
    return out;
  }

  // The items packed by separators: seps[i] says what comes between item i and item i + 1:
  // 0 beside it (same row), 1 under it (a new row of the same column), 2 a new column of the
  // same line, 3 a new line. A row is items side by side; a column, rows stacked; a line,
  // columns side by side; the picture, lines stacked. Each level is GAP apart.
  function pack(its, seps) {
    const lines = [];
    let line = null, col = null, row = null;
    its.forEach((it, i) => {
      const s = i === 0 ? 3 : seps[i - 1];
      if (s >= 3) { line = { cols: [], w: 0, h: 0 }; lines.push(line); }
      if (s >= 2) { col = { rows: [], w: 0, h: 0 }; line.cols.push(col); }
      if (s >= 1) { row = { its: [], w: 0, h: 0 }; col.rows.push(row); }
      row.its.push(it);
    });
    for (const l of lines) {
      for (const c of l.cols) {
        for (const r of c.rows) {
          r.w = r.its.reduce((a, it) => a + it.w, 0) + GAP * (r.its.length - 1);
          r.h = Math.max(...r.its.map((it) => it.h));
        }
        c.w = Math.max(...c.rows.map((r) => r.w));
        c.h = c.rows.reduce((a, r) => a + r.h, 0) + GAP * (c.rows.length - 1);
      }
      l.w = l.cols.reduce((a, c) => a + c.w, 0) + GAP * (l.cols.length - 1);
      l.h = Math.max(...l.cols.map((c) => c.h));
    }
    const width = Math.max(1, ...lines.map((l) => l.w));
    const height = Math.max(1, lines.reduce((a, l) => a + l.h, 0) + GAP * (lines.length - 1));
    const stacks = lines.reduce((a, l) => a + l.cols.filter((c) => c.rows.length > 1).length, 0);
    return { lines, width, height, stacks, key: seps.join("") };
  }

  // the size of pack(its, seps) without building it (the arrangement search calls this for
  // every candidate): width, height and stacked columns, in cells
  function packSize(its, seps) {
    let width = 0, height = 0, lines = 0, stacks = 0;
    let lw = 0, lh = 0, cw = 0, ch = 0, rows = 0, rw = 0, rh = 0;
    const endRow = () => { cw = Math.max(cw, rw); ch += (rows ? GAP : 0) + rh; rows++; rw = 0; rh = 0; };
    const endCol = () => { endRow(); lw += (lw ? GAP : 0) + cw; lh = Math.max(lh, ch); if (rows > 1) stacks++; cw = 0; ch = 0; rows = 0; };
    const endLine = () => { endCol(); width = Math.max(width, lw); height += (lines ? GAP : 0) + lh; lines++; lw = 0; lh = 0; };
    for (let i = 0; i < its.length; i++) {
      const sep = i === 0 ? -1 : seps[i - 1];
      if (sep === 3) endLine(); else if (sep === 2) endCol(); else if (sep === 1) endRow();
      rw += (rw ? GAP : 0) + its[i].w;
      rh = Math.max(rh, its[i].h);
    }
    endLine();
    return { width: Math.max(1, width), height: Math.max(1, height), stacks };
  }

  function place(f) {
    const boxes = [];
    let y = 0;
    for (const l of f.lines) {
      let x = 0;
      for (const c of l.cols) {
        let yc = y;
        for (const r of c.rows) {
          let xr = x;
          for (const it of r.its) { boxes.push(...it.place(xr, yc)); xr += it.w + GAP; }
          yc += r.h + GAP;
        }
        x += c.w + GAP;
      }
      y += l.h + GAP;
    }
    return boxes;
  }

  // every way of packing n items: lines only (separators 0 and 3: a flow wrapped at some width),
  // or, where the height is bounded and the items few, with columns of stacked rows too
  const sepCache = new Map();
  function separators(n, stacked) {
    const k = `${n}:${stacked}`;
    if (sepCache.has(k)) return sepCache.get(k);
    const kinds = stacked && n <= 7 ? [0, 1, 2, 3] : [0, 3];
    let out = [[]];
    for (let i = 0; i < n - 1; i++) out = out.flatMap((s) => kinds.map((c) => [...s, c]));
    // a column of one row is a line's item like any other: "1" after a lone item is the same as
    // "2", so only separators where a 1 follows inside a column that has a 2 or 3 before are kept
    sepCache.set(k, out);
    return out;
  }

  // the packing that gives the largest cells in a space of widthPx x heightPx (heightPx
  // Infinity: no limit), capped at maxCell; ties (within 0.5 %) go to the shortest picture,
  // then to the fewest stacked columns, then to the widest
  function arrange(its, widthPx, heightPx, maxCell) {
    let best = null;
    for (const seps of separators(its.length, Number.isFinite(heightPx))) {
      const f = packSize(its, seps);
      f.key = seps.join("");
      const cell = Math.min(widthPx / f.width, heightPx / f.height, maxCell);
      if (!best || cell > best.cell * 1.005 ||
          (cell > best.cell / 1.005 && (f.height < best.f.height - 1e-9 ||
            (Math.abs(f.height - best.f.height) < 1e-9 && (f.stacks < best.f.stacks ||
              (f.stacks === best.f.stacks && f.width > best.f.width)))))) {
        best = { f, cell, key: f.key };
      }
    }
    return best;
  }

  // the arrangement (which alternative of each table, how packed), and how many columns the
  // windowed panels lose: none if the cells are then at least CUT_SLACK * minCell
  // (--ct-min-cell: legible digits), else the fewest that make them at least minCell, else
  // (the space is too small whatever is cut) the cut that gives the largest cells
  // The search depends on the space and the data only, not on where a window starts: moving a
  // window (a hover that reveals a linked column) reuses the last search and only places again.
  // (a few spaces are remembered: fitted() asks for two, with the readout at full size and compact)
  let searchMemo = { S: null, bySpace: new Map() };   // spKey -> { best, all }
  function layout(sp) {
    const spKey = `${sp.widthPx}|${sp.heightPx}|${sp.maxCell}|${sp.minCell}`;
    if (searchMemo.S !== S) searchMemo = { S, bySpace: new Map() };
    const memo = searchMemo.bySpace.get(spKey);
    if (memo) return placed(memo.best, memo.all);
    const maxCut = Math.max(0, ...S.panels.filter((p) => p.window || Object.values(p.geom).some((g) => g.window))
      .map((p) => Math.max(...Object.values(p.geom).map((g) => g.cw)) - 3));
    const all = combos();
    let best = null;
    for (let cut = 0; cut <= maxCut; cut++) {
      // a cut picture shows the window note under it, which takes its height from the picture's
      const h = cut > 0 ? sp.heightPx - NOTE_PX : sp.heightPx;
      let here = null;
      all.forEach((combo, ci) => {
        const a = arrange(items(cut, combo), sp.widthPx, h, sp.maxCell);
        const cutNow = S.panels.some((p) => p.win);
        if (cut > 0 && !cutNow) return;        // this alternative is not cut at all: seen at cut 0
        if (!here || a.cell > here.a.cell * 1.005 ||
            (a.cell > here.a.cell / 1.005 && a.f.height < here.a.f.height - 1e-9)) here = { cut, ci, a };
      });
      if (!here) continue;
      if (!best || here.a.cell > best.a.cell * 1.005) best = here;
      // whole, within CUT_SLACK of minCell, beats cut: a few % of size is worth less than columns
      if (here.a.cell >= sp.minCell * (cut === 0 ? CUT_SLACK : 1)) { best = here; break; }
    }
    if (searchMemo.bySpace.size >= 8) searchMemo.bySpace.clear();
    searchMemo.bySpace.set(spKey, { best, all });
    return placed(best, all);
  }
  function placed(best, all) {
    const its = items(best.cut, all[best.ci]);      // the forms and windows of the choice
    const { f, cell, key } = best.a;
    const boxes = place(pack(its, f.key ? f.key.split("").map(Number) : []));
    const notes = S.panels.filter((p) => p.win);
    const cutKey = notes.map((p) => `${p.name}:${p.win.start}+${p.win.n}`).join(",");
    return { boxes, width: f.width, height: f.height, notes, cell,
             key: `${best.ci}|${key}|${S.panels.map((p) => p.form).join(",")}|${cutKey}` };
  }

  function cellVisible(p, k) {
    return !p.win || (p.gx[k] >= p.win.start && p.gx[k] < p.win.start + p.win.n);
  }

  // the space the picture may take: the stage's width, and the height --ct-max-height leaves
  // (read through a hidden probe that is that high; Infinity when the knob is unset). With
  // --ct-fit-screen: 1 (present mode) the height is also at most what the window leaves under
  // the stage's top, less what the view shows under the picture (note, help, sentence): the
  // view then ends on the screen whatever the lines of text above it take. A view further down
  // a page than half a screen gets the height that fits it, from its controls down, on one screen.
  function space() {
    const widthPx = stage.clientWidth || root.clientWidth || 1000;
    const h = probe.offsetHeight;
    const cs = getComputedStyle(root);
    const maxCell = parseFloat(cs.getPropertyValue("--ct-max-cell")) || MAX_CELL_PX;
    const minCell = Math.min(maxCell, parseFloat(cs.getPropertyValue("--ct-min-cell")) || MIN_CELL_PX);
    let heightPx = h > 0 ? h : Infinity;
    if (cs.getPropertyValue("--ct-fit-screen").trim() === "1" && window.innerHeight > 0) {
      const below = [help, sentence].reduce((a, e) => {
        if (!e.getClientRects().length) return a;
        const m = getComputedStyle(e);
        return a + e.offsetHeight + parseFloat(m.marginTop || 0) + parseFloat(m.marginBottom || 0);
      }, 0) + parseFloat(getComputedStyle(root).paddingBottom || 0) + FIT_MARGIN_PX;
      let scrolled = window.scrollY || 0;
      for (let e = root.parentElement; e; e = e.parentElement) scrolled += e.scrollTop || 0;
      const top = stage.getBoundingClientRect().top + scrolled;
      let fit = window.innerHeight - top - below;
      if (fit < window.innerHeight / 2) {
        const box = root.closest(".conv-teach-view") || root;
        fit = window.innerHeight - FIT_HEADING_PX - (stage.getBoundingClientRect().top - box.getBoundingClientRect().top) - below;
      }
      heightPx = Math.min(heightPx, Math.max(fit, 4 * minCell));
    }
    return { widthPx, heightPx, maxCell, minCell };
  }

  // the layout for the space the view has now. With --ct-fit-screen: 1 (present mode) the
  // readout (16 px there) goes above the picture, or beside it (.ct-side: a column
  // --ct-readout-side wide on the right, where the CSS gives one) if that gives the picture
  // larger cells and the readout is no taller than the picture's room: a wide short screen
  // (1024x768) gives the readout's height back to the picture. If the digits are still under
  // LEGIBLE_DIGIT_PX high, the readout is set compact above (.ct-compact, smaller type and
  // lines; present.css) if that gives larger cells (lesson 09 at 1024x768). The choice is made
  // again on every resize; each candidate is one layout search (remembered per space).
  function fitted() {
    root.classList.remove("ct-compact", "ct-side");
    let sp = space();
    const cs = getComputedStyle(root);
    if (cs.getPropertyValue("--ct-fit-screen").trim() !== "1" || readout.childElementCount === 0) return layout(sp);
    // a candidate's layout sets the panels' forms and windows (and may clamp a window's start):
    // the chosen one is laid out again last, from the windows as they were
    const starts = { ...winStart };
    let L = layout(sp), mode = null;
    if (cs.getPropertyValue("--ct-readout-side").trim() !== "") {
      root.classList.add("ct-side");
      const spS = space();
      if (readout.offsetHeight <= spS.heightPx) {
        const Ls = layout(spS);
        if (Ls.cell > L.cell * SIDE_GAIN) { L = Ls; sp = spS; mode = "ct-side"; }
      }
      root.classList.remove("ct-side");
    }
    if (digitInk(L.cell, cs.fontFamily || "sans-serif") < LEGIBLE_DIGIT_PX) {
      root.classList.add("ct-compact");
      const spC = space();
      const Lc = layout(spC);
      if (Lc.cell > L.cell * COMPACT_GAIN) { L = Lc; sp = spC; mode = "ct-compact"; }
      root.classList.remove("ct-compact");
    }
    if (mode) root.classList.add(mode);
    for (const k of Object.keys(winStart)) delete winStart[k];
    Object.assign(winStart, starts);
    return layout(sp);
  }

  // the SVG's size in px: the chosen cell size times the picture's size in cells
  function size(svg, L) {
    svg.style.width = `${Math.floor(L.width * L.cell)}px`;   // the height follows the viewBox
  }

  // ---- drawing: one <g class="ct-panel"> per panel, kept between redraws ----
  //
  // A slider step changes one or two panels (stride: X_col, Z...); the others keep their
  // numbers and cell positions. A panel's <g> holds everything of it relative to its own origin,
  // so a panel whose signature (numbers, grid, window, labels, picks) is unchanged keeps its DOM
  // and only moves (its transform) and renumbers (data-g) if needed; only changed panels are
  // built, off the document, and inserted. Rebuilding ~1000 SVG elements per step cost most of
  // the front end's time (benchmarks/bench_views.py).
  let lastKey = "";
  let svg = null;
  let built = new Map();         // panel name -> { sig, g, list: [[k, cell <g>]], offset, at }
  function panelSig(p) {
    const pk = [];
    for (let k = 0; k < p.size; k++) if (S.pickable[p.offset + k]) pk.push(k);
    return JSON.stringify([p.name, p.title, p.role, p.shape, p.values, p.gx, p.gy, p.pad, p.special || null,
                           p.empty || null, p.captions, p.rowlabels, p.collabels, p.signed, p.vmax, p.left, p.top,
                           p.win ? [p.win.start, p.win.n] : null, pk]);
  }

  function buildPanel(p) {
    const g = svgEl("g", { class: "ct-panel", "data-panel": p.name, "data-role": p.role });
    const list = [];
    const ox = p.left - (p.win ? p.win.start : 0), oy = p.top;
    svgEl("text", { class: "ct-title", x: 0, y: 0.62 * U }, g).textContent = p.title;
    for (const [t, cx, cy] of p.captions) {
      if (p.win && (cx < p.win.start || cx >= p.win.start + p.win.n)) continue;
      svgEl("text", { class: "ct-caption", x: (ox + cx) * U, y: (oy + cy) * U }, g).textContent = t;
    }
    for (const [t, ry] of p.rowlabels) {
      svgEl("text", { class: "ct-label", x: (p.left - 0.15) * U, y: (oy + ry + 0.5) * U, "text-anchor": "end",
                      "dominant-baseline": "central" }, g).textContent = t;
    }
    for (const [t, cx] of p.collabels) {
      if (p.win && (cx < p.win.start || cx >= p.win.start + p.win.n)) continue;
      svgEl("text", { class: "ct-label", transform: `translate(${(ox + cx + 0.5) * U},${(oy - 0.15) * U}) rotate(-90)`,
                      "dominant-baseline": "central" }, g).textContent = t;
    }
    for (let k = 0; k < p.size; k++) {
      if (!cellVisible(p, k)) continue;
      const sp = p.specialOf.get(k), empty = p.emptySet.has(k);
      const v = sp === undefined ? p.values[k] : 0, idx = unravel(k, p.shape);
      const padded = p.padSet.has(k);
      const c = fillOf(p, v);
      const said = sp === undefined ? fmt(v) : sp;
      const cg = svgEl("g", { class: empty ? "ct-cell ct-empty" : "ct-cell", "data-panel": p.name, "data-index": idx.join(","),
                              "data-g": p.offset + k, role: "button", tabindex: "-1", "aria-pressed": "false",
                              "aria-label": `${p.name} (${idx.join(", ")}) = ${said}${padded ? " (padding)" : ""}${empty ? " (no weight)" : ""}` }, g);
      const cx = ox + p.gx[k], cy = oy + p.gy[k];
      // padding: grey when it holds a zero (or -inf), else its value's colour; hatched on top
      // either way; a cell that holds no weight is a flat light grey without a number
      const grey = (padded && v === 0) || sp !== undefined || empty;
      svgEl("rect", { class: "ct-fill", x: (cx + 0.03) * U, y: (cy + 0.03) * U, width: 0.94 * U, height: 0.94 * U,
                      fill: empty ? "#f2f2f2" : grey ? PAD_GREY : c.fill }, cg);
      if (padded) {
        svgEl("rect", { class: "ct-hatch", x: (cx + 0.03) * U, y: (cy + 0.03) * U, width: 0.94 * U, height: 0.94 * U,
                        fill: `url(#${hatchId})` }, cg);
      }
      svgEl("rect", { class: "ct-ring", x: (cx + 0.08) * U, y: (cy + 0.08) * U, width: 0.84 * U, height: 0.84 * U }, cg);
      if (S.pickable[p.offset + k]) {      // the badge of a picked cell (shown by .ct-picked)
        const m = svgEl("g", { class: "ct-pickmark" }, cg);
        // inside the cell's top edge, over its ring, above the digits (not across the border
        // into the cell above)
        svgEl("rect", { x: (cx + 0.21) * U, y: (cy + 0.045) * U, width: 0.58 * U, height: 0.245 * U, rx: 0.07 * U }, m);
        svgEl("text", { x: (cx + 0.5) * U, y: (cy + 0.17) * U }, m).textContent = "max";
      }
      list.push([k, cg]);
      if (empty) continue;
      const t = svgEl("text", { class: "ct-num", x: (cx + 0.5) * U, y: (cy + 0.53) * U,
                                fill: grey ? "#000" : c.text }, cg);
      const s = sp === undefined ? fmt(v).replace("-", "\u2212") : SPECIAL_TEXT[sp];
      t.textContent = s;
      // a number wider than the inside of the outlines (digits ~0.64 em, a minus ~0.84 em) is
      // narrowed, not lowered: its digits keep their height
      const wide = NUM_EM * ([...s].reduce((a, ch) => a + (ch === "\u2212" ? 0.84 : ch === "." ? 0.32 : 0.64), 0));
      if (wide > NUM_ROOM) { t.setAttribute("textLength", NUM_ROOM * U); t.setAttribute("lengthAdjust", "spacingAndGlyphs"); }
    }
    return { g, list };
  }

  function draw() {
    const L = fitted();
    lastKey = L.key;
    if (svg === null) {
      svg = svgEl("svg", { class: "ct-svg", role: "group", preserveAspectRatio: "xMinYMin meet" });
      const defs = svgEl("defs", {}, svg);
      const hatch = svgEl("pattern", { id: hatchId, patternUnits: "userSpaceOnUse", width: 0.25 * U, height: 0.25 * U,
                                       patternTransform: "rotate(45)" }, defs);
      svgEl("line", { x1: 0, y1: 0, x2: 0, y2: 0.25 * U, stroke: "#8c8c8c", "stroke-width": 0.07 * U }, hatch);
    } else {
      // kept cells forget the last drawing's states; they are set again below
      for (const c of svg.querySelectorAll(".ct-lit, .ct-selected, .ct-picked, [tabindex='0']")) {
        c.classList.remove("ct-lit", "ct-selected", "ct-picked");
        c.setAttribute("aria-pressed", "false");
        c.setAttribute("tabindex", "-1");
      }
    }
    svg.setAttribute("viewBox", `0 0 ${L.width * U} ${L.height * U}`);
    svg.setAttribute("aria-label", `${S.view}: ${S.panels.map((p) => p.title).join(", ")}`);
    size(svg, L);
    cells = new Array(S.total).fill(null);
    mark = new Uint8Array(S.total);
    const next = new Map(), order = [];
    for (const { p, x, y } of L.boxes) {
      const sig = panelSig(p);
      let b = built.get(p.name);
      if (!b || b.sig !== sig) {
        b = { sig, ...buildPanel(p), offset: p.offset, at: null };
      } else if (b.offset !== p.offset) {
        for (const [k, cg] of b.list) cg.setAttribute("data-g", p.offset + k);
        b.offset = p.offset;
      }
      const at = `translate(${x * U},${y * U})`;
      if (b.at !== at) { b.g.setAttribute("transform", at); b.at = at; }
      for (const [k, cg] of b.list) cells[p.offset + k] = cg;
      next.set(p.name, b); order.push(b.g);
    }
    for (const [name, b] of built) if (next.get(name) !== b) b.g.remove();
    built = next;
    // the panels in reading order, moving only what is not already in place
    let ref = svg.firstChild.nextSibling;            // after <defs>
    for (const g of order) {
      if (g === ref) ref = ref.nextSibling;
      else svg.insertBefore(g, ref);
    }
    if (svg.parentNode !== stage) stage.replaceChildren(svg);
    // the window note: which columns of which panels are shown, and buttons to move
    note.replaceChildren();
    hintEls = new Map();
    note.hidden = L.notes.length === 0;
    const groups = new Map();
    for (const p of L.notes) if (!groups.has(p.window)) groups.set(p.window, p);
    for (const [grp, p] of groups) {
      const names = L.notes.filter((q) => q.window === grp).map((q) => q.name).join(" and ");
      const line = document.createElement("span");
      line.textContent = `${names}: showing ${p.win.n} of ${p.win.total} columns ` +
        `(${p.win.start}\u2013${p.win.start + p.win.n - 1}) `;
      const back = document.createElement("button"), fwd = document.createElement("button");
      back.type = fwd.type = "button";
      back.textContent = "\u25C0"; fwd.textContent = "\u25B6";
      back.setAttribute("aria-label", `show earlier columns of ${names}`);
      fwd.setAttribute("aria-label", `show later columns of ${names}`);
      back.disabled = p.win.start === 0; fwd.disabled = p.win.start + p.win.n >= p.win.total;
      const step = Math.max(1, Math.floor(p.win.n / 2));
      back.onclick = () => { winStart[grp] = Math.max(0, p.win.start - step); redraw(); };
      fwd.onclick = () => { winStart[grp] = Math.min(p.win.total - p.win.n, p.win.start + step); redraw(); };
      const where = document.createElement("span");
      where.className = "ct-window-hint";
      hintEls.set(grp, where);
      note.append(line, back, fwd, " ", where);
    }
    lit = []; picked = [];
    applySelection(false);
    light(hoverG !== null ? hoverG : selG);
    hint(hoverG !== null ? hoverG : selG);
    const focusable = (selG !== null && cells[selG]) || cells.find((c) => c);
    if (focusable) focusable.setAttribute("tabindex", "0");
    root.dataset.render = String(++renders);
  }

  function redraw() {
    const active = document.activeElement;
    const hadFocus = active && root.contains(active) && active.classList && active.classList.contains("ct-cell");
    const fg = hadFocus ? Number(active.dataset.g) : null;
    draw();
    if (fg !== null && cells[fg]) cells[fg].focus({ preventScroll: true });
  }

  // ---- lighting: touch only the cells whose state changes ----
  function light(g) {
    // lit from a cell other than the pinned one: the pinned cell, if lit, shows the lit ring
    root.classList.toggle("ct-hovering", g !== null && g !== undefined && g !== selG);
    const next = [];
    if (g !== null && g !== undefined && S && g < S.total) {
      for (let i = S.indptr[g]; i < S.indptr[g + 1]; i++) next.push(S.indices[i]);
    }
    for (const h of lit) mark[h] = 1;
    for (const h of next) {
      if (mark[h] === 1) mark[h] = 2;
      else if (cells[h]) cells[h].classList.add("ct-lit");
    }
    for (const h of lit) {
      if (mark[h] === 1 && cells[h]) cells[h].classList.remove("ct-lit");
      mark[h] = 0;
    }
    for (const h of next) mark[h] = 0;
    lit = next;
    markPicks(g);
  }

  // ---- picked cells (pool_view: the maximum of a window), from the optional pick table ----
  let picked = [];
  function markPicks(g) {
    for (const h of picked) if (cells[h]) cells[h].classList.remove("ct-picked");
    picked = [];
    if (!S || !S.picks || g === null || g === undefined || g >= S.total) return;
    for (let i = S.picks.indptr[g]; i < S.picks.indptr[g + 1]; i++) {
      const h = S.picks.indices[i];
      picked.push(h);
      if (cells[h]) cells[h].classList.add("ct-picked");
    }
  }

  function hover(g) {
    if (g === hoverG) return;
    hoverG = g;
    light(g !== null ? g : selG);
    // a hovered cell whose links in a cut panel are all outside its window: the note says where
    // at once, the window moves there once the pointer rests (the panel alone is built again;
    // the arrangement is kept: layout's memo)
    revealSoon(g !== null ? g : selG);
    describeHover();
  }

  // ---- words: the sentence region says the hovered (or focused) cell's words while there is
  // one, else the pinned selection's (model "sentence"). The words are the kernel's
  // (conv_teach.views.words.sentence): asked once the pointer rests DESCRIBE_MS on a cell,
  // cached per drawing; a reply for another cell or an older drawing is dropped.
  const DESCRIBE_MS = 120;
  let words = new Map(), describeTimer = null, describeToken = 0;
  function showSentence() {
    const g = hoverG;
    const text = g !== null && words.has(g) ? words.get(g) : null;
    sentence.textContent = text !== null ? text : (model.get("sentence") || "");
  }
  function describeHover() {
    if (describeTimer !== null) { clearTimeout(describeTimer); describeTimer = null; }
    const g = hoverG;
    if (g === null || words.has(g) || !S) { showSentence(); return; }
    describeTimer = setTimeout(() => {
      describeTimer = null;
      if (hoverG !== g || !S) return;
      const p = panelOf(g);
      if (!p) return;
      model.send({ type: "describe", panel: p.name, index: unravel(g - p.offset, p.shape),
                   token: `${renders}:${g}:${++describeToken}` });
    }, DESCRIBE_MS);
  }
  function onCustom(msg) {
    if (!msg || msg.type !== "sentence" || typeof msg.token !== "string" || !S) return;
    const [r, g] = msg.token.split(":").map(Number);
    const p = S.byName[msg.panel];
    if (r !== renders || !p || typeof msg.text !== "string" || panelOf(g) !== p ||
        ravel(msg.index, p.shape) !== g - p.offset) return;
    words.set(g, msg.text);
    if (hoverG === g) showSentence();
  }

  function selectionG() {
    const s = model.get("selection");
    if (!s || !S || !S.byName[s.panel]) return null;
    const p = S.byName[s.panel];
    if (s.index.length !== p.shape.length || s.index.some((v, a) => v < 0 || v >= p.shape[a])) return null;
    return p.offset + ravel(s.index, p.shape);
  }

  // the cut panels whose cells linked to g all lie outside their window: [{ p, col, start }],
  // col the column to show (g's own if it is one of them, else the middle of theirs) and start
  // the window's first column that centres it
  function offWindow(g) {
    const out = [];
    if (g === null || g === undefined || !S || g >= S.total) return out;
    for (const p of S.panels) {
      if (!p.win) continue;
      let lo = Infinity, hi = -Infinity, shown = false, self = false;
      for (let i = S.indptr[g]; i < S.indptr[g + 1]; i++) {
        const h = S.indices[i];
        if (h < p.offset || h >= p.offset + p.size) continue;
        if (cells[h]) { shown = true; break; }
        const x = p.gx[h - p.offset];
        lo = Math.min(lo, x); hi = Math.max(hi, x);
        if (h === g) self = true;
      }
      if (shown || lo === Infinity) continue;
      const col = self ? p.gx[g - p.offset] : Math.floor((lo + hi) / 2);
      out.push({ p, col, start: Math.max(0, Math.min(p.win.total - p.win.n, col - Math.floor(p.win.n / 2))) });
    }
    return out;
  }
  // move those windows; returns whether one moved (the caller draws again)
  function revealLinks(g) {
    let moved = false;
    for (const { p, start } of offWindow(g)) {
      if (start !== p.win.start) { winStart[p.window] = start; moved = true; }
    }
    return moved;
  }
  // the window note says at once where the hovered cell's linked columns are (a text change,
  // cheap); the window itself moves once the pointer rests REVEAL_MS on the cell: building the
  // panel's new columns costs a few tens of ms (benchmarks/bench_views.py), too much for every
  // cell a pointer crosses
  const REVEAL_MS = 150;
  let revealTimer = null, hintEls = new Map();
  function hint(g) {
    const away = new Map(offWindow(g).map((a) => [a.p.window, a]));
    for (const [grp, el] of hintEls) {
      const a = away.get(grp);
      el.textContent = a ? `\u2014 its column ${a.col} is ${a.col < a.p.win.start ? "\u25C0 to the left" : "to the right \u25B6"} ` : "";
    }
    return away.size > 0;
  }
  function revealSoon(g) {
    if (revealTimer !== null) { clearTimeout(revealTimer); revealTimer = null; }
    if (!hint(g)) return;
    revealTimer = setTimeout(() => {
      revealTimer = null;
      if (hoverG === g && revealLinks(g)) draw();
    }, REVEAL_MS);
  }

  function applySelection(ensureVisible) {
    if (selG !== null && cells[selG]) { cells[selG].classList.remove("ct-selected"); cells[selG].setAttribute("aria-pressed", "false"); }
    selG = selectionG();
    if (selG !== null && ensureVisible && revealLinks(selG)) { draw(); return; }
    if (selG !== null && cells[selG]) { cells[selG].classList.add("ct-selected"); cells[selG].setAttribute("aria-pressed", "true"); }
  }

  function pin(g) {
    const p = panelOf(g);
    if (g === selG) model.set("selection", null);
    else model.set("selection", { panel: p.name, index: unravel(g - p.offset, p.shape) });
    model.save_changes();
    onSelection();
  }

  function onSelection() {
    applySelection(true);
    light(hoverG !== null ? hoverG : selG);
  }

  function cellOf(e) {
    const c = e.target && e.target.closest ? e.target.closest(".ct-cell") : null;
    return c && root.contains(c) ? Number(c.dataset.g) : null;
  }

  function neighbour(g, key) {
    const p = panelOf(g), k = g - p.offset;
    let line, pos;
    if (key === "ArrowLeft" || key === "ArrowRight") { line = p.rows.get(p.gy[k]); }
    else { line = p.cols.get(p.gx[k]); }
    pos = line.indexOf(k) + (key === "ArrowRight" || key === "ArrowDown" ? 1 : -1);
    if (pos < 0 || pos >= line.length) return null;
    return p.offset + line[pos];
  }

  function focusCell(g) {
    if (!cells[g]) {
      const p = panelOf(g);
      if (p && p.win) { winStart[p.window] = Math.max(0, p.gx[g - p.offset] - Math.floor(p.win.n / 2)); draw(); }
    }
    const c = cells[g];
    if (!c) return;
    for (const o of stage.querySelectorAll('.ct-cell[tabindex="0"]')) o.setAttribute("tabindex", "-1");
    c.setAttribute("tabindex", "0");
    c.focus({ preventScroll: false });
  }

  stage.addEventListener("pointerover", (e) => { const g = cellOf(e); if (g !== null) hover(g); });
  stage.addEventListener("pointerleave", () => hover(null));
  stage.addEventListener("focusin", (e) => { const g = cellOf(e); if (g !== null) hover(g); });
  stage.addEventListener("focusout", (e) => {
    const to = e.relatedTarget;
    if (!to || !stage.contains(to)) hover(null);
  });
  stage.addEventListener("click", (e) => { const g = cellOf(e); if (g !== null) pin(g); });
  // keys are taken at the window, capture phase, for events inside this view only: Notebook 7
  // stops their propagation before they reach the output area (seen in Chromium)
  const onKey = (e) => {
    if (!e.target || !stage.contains(e.target)) return;
    const g = cellOf(e);
    if (e.key === "Escape") {
      // clears the pin and what the focused cell lights: the focus leaves the cell (as in
      // JupyterLab, whose Escape takes it to the notebook; in Voila nothing else would), and Tab
      // comes back to it (it keeps tabindex 0)
      model.set("selection", null); model.save_changes(); onSelection();
      if (g !== null && cells[g] === document.activeElement) cells[g].blur();
      hover(null);
      e.preventDefault(); e.stopPropagation(); return;
    }
    if (g === null) return;
    if (e.key === "Enter" || e.key === " ") { pin(g); e.preventDefault(); e.stopPropagation(); return; }
    if (e.key.startsWith("Arrow")) {
      const n = neighbour(g, e.key);
      e.preventDefault(); e.stopPropagation();
      if (n === null) return;
      if (selG !== null) {       // a pinned selection moves with the keys
        const p = panelOf(n);
        model.set("selection", { panel: p.name, index: unravel(n - p.offset, p.shape) });
        model.save_changes();
        onSelection();
      }
      focusCell(n);
    }
  };
  window.addEventListener("keydown", onKey, true);

  function setData() { S = prepare(model.get("data")); hoverG = null; selG = null; words = new Map(); draw(); showSentence(); }
  function setMessage() {
    const m = model.get("message") || "";
    message.textContent = m;
    root.classList.toggle("ct-stale", m !== "");
  }
  // a readout line as its terms: "out_rows", "= (5 + 1 + 1 - 3) // 2 + 1", "= 3". Clauses are
  // split first, at "; " and at wider gaps ("... = 2   out_cols = ...", "= -2  (no window fits")
  // and a broken equation goes on with its equals sign, as it is typeset. Each term is an inline
  // block (.ct-term), so a narrow readout (the column beside the picture in present mode) breaks
  // a line between terms, never inside one that fits on a line of its own. A term longer than
  // TERM_CHARS is prose ("= conv2D(X, W, groups=2) (1, 2, 2, 4): output channel o reads ..."):
  // as a block it would leave "Z" alone on the line above it, so it flows. The text is unchanged
  function formula(el, line) {
    const pieces = line.split(/(; |\s{2,})/);    // clauses, and the separators between them
    pieces.forEach((piece, c) => {
      if (c % 2 === 1) { el.append(piece.startsWith(";") ? piece.slice(1) : piece); return; }
      const end = pieces[c + 1] !== undefined && pieces[c + 1].startsWith(";") ? ";" : "";
      const parts = piece.split(" = ");
      parts.forEach((part, k) => {
        if (k > 0) el.append(" ");
        const text = (k > 0 ? "= " : "") + part + (k === parts.length - 1 ? end : "");
        if (text.length > TERM_CHARS) { el.append(text); return; }   // prose: flows, breaks anywhere
        const t = document.createElement("span"); t.className = "ct-term"; t.textContent = text;
        el.append(t);
      });
    });
  }
  function setReadout() {
    readout.replaceChildren(...(model.get("readout") || []).map((line, i) => {
      const d = document.createElement(i === 0 ? "strong" : "code");
      formula(d, line);
      const w = document.createElement("div"); w.appendChild(d); return w;
    }));
  }
  function setSentence() { showSentence(); }
  function setView() { root.dataset.view = model.get("view_name"); }

  setView(); setReadout(); setMessage(); setSentence();
  // first draw once the element has a width (it is attached after render returns)
  requestAnimationFrame(() => { setData(); });
  model.on("change:data", setData);
  model.on("change:selection", onSelection);
  model.on("change:message", setMessage);
  model.on("change:readout", setReadout);
  model.on("change:sentence", setSentence);
  model.on("change:view_name", setView);
  model.on("msg:custom", onCustom);

  // a new size: the same arrangement is only rescaled; another one (or another cut) is redrawn
  let pending = false;
  const onResize = () => {
    if (pending || !S) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      const svg = stage.querySelector("svg.ct-svg");
      const L = fitted();
      if (L.key !== lastKey || !svg) redraw();
      else size(svg, L);
    });
  };
  const ro = typeof ResizeObserver !== "undefined" ? new ResizeObserver(onResize) : null;
  // A view off screen is skipped (content-visibility: auto in view.css) and keeps its last
  // height; after a window resize it would take its new height only when scrolled to, moving
  // what is below it under the reader's eyes. So a window resize renders every view for three
  // frames (the stage's new width, then the redraw at the new cell size, then remembered):
  // each is then remembered at its new height.
  let shown = 0;
  const onWindowResize = () => {
    const mine = ++shown;
    root.style.contentVisibility = "visible";
    const later = (n) => requestAnimationFrame(() => {
      if (n > 0) later(n - 1);
      else if (mine === shown) root.style.contentVisibility = "";
    });
    later(3);
    onResize();
  };
  window.addEventListener("resize", onWindowResize);
  if (ro) ro.observe(stage);
  return () => {
    if (ro) ro.disconnect();
    window.removeEventListener("resize", onWindowResize);
    window.removeEventListener("keydown", onKey, true);
    model.off("change:data", setData);
    model.off("change:selection", onSelection);
    model.off("change:message", setMessage);
    model.off("change:readout", setReadout);
    model.off("change:sentence", setSentence);
    model.off("change:view_name", setView);
    model.off("msg:custom", onCustom);
    if (describeTimer !== null) clearTimeout(describeTimer);
    if (revealTimer !== null) clearTimeout(revealTimer);
  };
}

export default { render };
