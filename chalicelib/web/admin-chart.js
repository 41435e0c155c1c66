/* Antre admin page: charts as inline SVG built with DOM calls: grouped bars for counts per day,
   lines for minutes per day. No library, nothing the page's CSP refuses: colours come from
   admin.css classes. Each chart has a title and a description for screen readers, and the
   table under the charts holds the same numbers. */
import { el } from './view.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 720, H = 260;
const PAD = { l: 46, r: 14, t: 14, b: 34 };
const PLOT_W = W - PAD.l - PAD.r, PLOT_H = H - PAD.t - PAD.b;
let uid = 0;

function s(tag, attrs, kids) {
  const e = document.createElementNS(NS, tag);
  Object.keys(attrs || {}).forEach((k) => { if (attrs[k] !== null && attrs[k] !== undefined) e.setAttribute(k, String(attrs[k])); });
  (kids || []).forEach((c) => { if (c !== null && c !== undefined) e.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c))); });
  return e;
}

const r1 = (v) => Math.round(v * 10) / 10;
export const fmtNum = (v) => (Number.isInteger(v) ? String(v) : r1(v).toFixed(1));

// The axis' top: four steps of 1, 2 or 5 times a power of ten (whole steps for counts).
export function niceMax(max, whole) {
  const raw = max > 0 ? max / 4 : 0.25;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  let step = [1, 2, 5, 10].map((m) => m * p).find((x) => x >= raw);
  if (whole) step = Math.max(1, Math.ceil(step));
  return step * 4;
}

// The SVG with its title, description, grid with the y values, and a label every few days.
function frame(o, top) {
  const id = 'chart-' + (++uid);
  const svg = s('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'chart', role: 'img', focusable: 'false',
    'aria-labelledby': id + '-t ' + id + '-d', 'data-testid': o.testid });
  svg.appendChild(s('title', { id: id + '-t' }, [o.title]));
  svg.appendChild(s('desc', { id: id + '-d' }, [o.desc]));
  const y = (v) => PAD.t + PLOT_H - (v / top) * PLOT_H;
  const grid = s('g', { class: 'grid' });
  for (let i = 0; i <= 4; i++) {
    const v = top * i / 4, yy = r1(y(v));
    grid.appendChild(s('line', { x1: PAD.l, x2: W - PAD.r, y1: yy, y2: yy }));
    grid.appendChild(s('text', { x: PAD.l - 6, y: yy + 4, 'text-anchor': 'end' }, [fmtNum(v)]));
  }
  svg.appendChild(grid);
  const step = PLOT_W / Math.max(o.labels.length, 1), every = Math.ceil(o.labels.length / 10);
  const xs = s('g', { class: 'xlabels' });
  o.labels.forEach((l, i) => {
    if (i % every === 0) xs.appendChild(s('text', { x: r1(PAD.l + step * (i + 0.5)), y: H - PAD.b + 18, 'text-anchor': 'middle' }, [l]));
  });
  svg.appendChild(xs);
  return { svg, y, step };
}

function figure(svg, series) {
  return el('figure', { class: 'chart-box' }, [svg, el('ul', { class: 'legend' }, series.map((se) =>
    el('li', null, [el('span', { class: 'swatch ' + se.cls, 'aria-hidden': 'true' }), se.name])))]);
}

const maxOf = (series) => Math.max.apply(null, [0].concat(...series.map((se) => se.values.filter((v) => v !== null && v !== undefined))));

// o: {title, desc, labels: [day], series: [{name, cls, values: [number per day]}], testid, max?}
export function barChart(o) {
  const f = frame(o, o.max || niceMax(maxOf(o.series), true));  // o.max: a fixed scale (the IKM's 100)
  const group = f.step * 0.8, bw = group / o.series.length;
  o.series.forEach((se, k) => {
    const g = s('g', { class: 'bars ' + se.cls });
    se.values.forEach((v, i) => {
      if (!v) return;
      const x = PAD.l + f.step * i + f.step * 0.1 + bw * k, top = f.y(v);
      g.appendChild(s('rect', { x: r1(x), y: r1(top), width: r1(Math.max(bw - 1, 1)), height: r1(PAD.t + PLOT_H - top), 'data-value': v },
        [s('title', null, [o.labels[i] + ' · ' + se.name + ': ' + fmtNum(v)])]));
    });
    f.svg.appendChild(g);
  });
  return figure(f.svg, o.series);
}

// Like barChart; null values are gaps in the line.
export function lineChart(o) {
  const f = frame(o, niceMax(maxOf(o.series), false));
  o.series.forEach((se) => {
    const g = s('g', { class: 'lines ' + se.cls });
    let d = '', pen = 'M';
    const dots = [];
    se.values.forEach((v, i) => {
      if (v === null || v === undefined) { pen = 'M'; return; }
      const x = r1(PAD.l + f.step * (i + 0.5)), y = r1(f.y(v));
      d += pen + x + ' ' + y + ' ';
      pen = 'L';
      dots.push(s('circle', { cx: x, cy: y, r: 3.5, 'data-value': v }, [s('title', null, [o.labels[i] + ' · ' + se.name + ': ' + fmtNum(v)])]));
    });
    if (d) g.appendChild(s('path', { d: d.trim() }));
    dots.forEach((c) => g.appendChild(c));
    f.svg.appendChild(g);
  });
  return figure(f.svg, o.series);
}
