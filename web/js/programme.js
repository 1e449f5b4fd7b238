// A programme's page: calendar and territories, funders, targets and their progress, each lever's
// indicators over the years (programme, other départements, France) and the evaluation. Reads
// /api/v1/programmes/{id}, …/suivi and …/evaluation; every figure says its unit, year, source and
// whether it is simulated.

const $ = (id) => document.getElementById(id);
const num = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const pct = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 0 });
const eur = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0, notation: 'compact' });
const SVG = 'http://www.w3.org/2000/svg';
const GROUPS = [
  { key: 'programme', label: 'Départements du programme', colour: '#000091', dash: '' },
  { key: 'others', label: 'Autres départements', colour: '#b34000', dash: '6 3' },
  { key: 'comparable', label: 'Départements comparables (appariés)', colour: '#18753c', dash: '10 2 2 2' },
  { key: 'france', label: 'France', colour: '#3a3a3a', dash: '2 3' },
];

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

function svg(tag, attrs = {}) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

async function getJson(url) {
  const r = await fetch(url, { headers: { Accept: 'application/json' } });
  const body = await r.json();
  if (!r.ok) throw new Error(body.detail || body.title || `erreur ${r.status}`);
  return body;
}

const schoolYear = (y) => `${Number(y) - 1}-${y}`;

function sourceLink(p, id) {
  const s = p.sources[id];
  if (!s) return document.createTextNode(id);
  const text = `${s.publisher}${s.date ? `, ${s.date}` : ''}${s.verified === false ? ' (non vérifié)' : ''}`;
  return s.url ? el('a', { href: s.url, rel: 'noopener', text }) : document.createTextNode(text);
}

function timeline(p) {
  const from = 2020;
  const to = 2026;
  const w = 740;
  const rowH = 26;
  const rows = p.waves.flatMap((wave) => wave.phases.map((ph) => ({ wave, ph })));
  const x = (d) => {
    const [y, m] = String(d).split('-').map(Number);
    return 150 + ((y + ((m || 1) - 1) / 12 - from) / (to - from)) * (w - 180);
  };
  const s = svg('svg', { viewBox: `0 0 ${w} ${rows.length * rowH + 30}`, role: 'img', class: 'timeline',
    'aria-label': 'Calendrier des vagues et de leurs phases' });
  for (let y = from; y <= to; y++) {
    s.append(svg('line', { x1: x(`${y}-01`), x2: x(`${y}-01`), y1: 0, y2: rows.length * rowH, stroke: '#ddd' }));
    const t = svg('text', { x: x(`${y}-01`), y: rows.length * rowH + 18, 'font-size': 12, 'text-anchor': 'middle' });
    t.textContent = String(y);
    s.append(t);
  }
  rows.forEach(({ wave, ph }, i) => {
    const y = i * rowH;
    const label = svg('text', { x: 0, y: y + 17, 'font-size': 12 });
    label.textContent = `${wave.id === 'pilote' ? 'Pilotes' : 'Vague 2'} : ${ph.id}`;
    s.append(label);
    const x1 = x(ph.start);
    const x2 = ph.end ? Math.max(x(ph.end) + 4, x1 + 4) : x(`${to}-01`);
    s.append(svg('rect', { x: x1, y: y + 5, width: x2 - x1, height: 16, rx: 3,
      fill: wave.id === 'pilote' ? '#000091' : '#6a6af4', 'fill-opacity': ph.end ? 1 : 0.6 }));
  });
  const list = el('ul', {}, ...rows.map(({ wave, ph }) => el('li', {},
    `${wave.label} — ${ph.label} : ${ph.start}${ph.end && ph.end !== ph.start ? ` à ${ph.end}` : ph.end ? '' : ', en cours'} (source : `,
    sourceLink(p, ph.source), ')')));
  $('timeline').replaceChildren(s, el('details', {}, el('summary', { text: 'Le calendrier en texte' }), list));
}

function territories(p) {
  const byWave = new Map(p.waves.map((w) => [w.id, []]));
  for (const d of p.departements) (byWave.get(d.wave) || []).push(d);
  $('territories').replaceChildren(...p.waves.map((w) => el('p', {},
    `${w.label}, première année scolaire ${schoolYear(w.firstSchoolYear)} : `,
    ...byWave.get(w.id).flatMap((d, i) => [i ? ', ' : '',
      el('a', { href: `/#sel=departement:${encodeURIComponent(d.code)}`, text: `${d.name || d.code} (${d.code})` })]))));
}

function targets(p, monitoring) {
  const progress = new Map(monitoring.targets.map((t) => [t.id, t]));
  $('targets').replaceChildren(...p.targets.map((t) => {
    const m = progress.get(t.id) || {};
    const reached = m.reached;
    const bar = reached !== null && reached !== undefined && t.value
      ? el('progress', { max: '100', value: String(Math.min(100, Math.round(100 * m.share))), 'aria-label': `Avancement : ${pct.format(m.share)} de la cible` })
      : null;
    const detail = reached === null || reached === undefined
      ? (m.note || 'pas de mesure')
      : `${num.format(reached)} atteints en ${schoolYear(m.period)} (${pct.format(m.share)} de la cible), couverture ${m.coverage === null ? '—' : pct.format(m.coverage)}${m.simulated ? ', données simulées' : ''}${m.note ? ` ; ${m.note}` : ''}`;
    return el('div', { class: 'target', 'data-target': t.id },
      el('p', {}, el('strong', { text: t.label }), ` — cible : ${t.value === null ? 'non chiffrée' : `${num.format(t.value)} ${t.unit}`}${t.wave ? ` (${t.wave === 'pilote' ? 'pilotes' : 'vague 2'})` : ''} · source : `, sourceLink(p, t.source)),
      bar, el('p', { class: 'aide', text: detail }));
  }));
  $('achievements').replaceChildren(...p.achievements.map((a) => el('li', {},
    `${a.label} : ${num.format(a.value)} ${a.unit} (${a.date}) · source : `, sourceLink(p, a.source))));
}

function chart(series) {
  const pts = series.points;
  // A total is not compared between groups of different sizes: the programme's alone.
  const groups = series.count ? GROUPS.filter((g) => g.key === 'programme') : GROUPS;
  const vals = pts.flatMap((p) => groups.map((g) => p[g.key].value)).filter((v) => v !== null && v !== undefined);
  if (!vals.length) return el('p', { class: 'aide', text: 'Aucune valeur publiée.' });
  const w = 360;
  const h = 180;
  const lo = Math.min(0, ...vals);
  const hi = Math.max(...vals) * 1.1 || 1;
  const years = pts.map((p) => Number(p.period));
  const x = (y) => 40 + ((y - years[0]) / Math.max(1, years[years.length - 1] - years[0])) * (w - 60);
  const y = (v) => h - 25 - ((v - lo) / (hi - lo)) * (h - 40);
  const s = svg('svg', { viewBox: `0 0 ${w} ${h}`, class: 'chart', role: 'img',
    'aria-label': `${series.label} (${series.unit}) : départements du programme, comparables, autres départements et France, par année scolaire` });
  s.append(svg('line', { x1: 40, x2: w - 20, y1: y(lo), y2: y(lo), stroke: '#999' }));
  for (const yr of years) {
    const t = svg('text', { x: x(yr), y: h - 8, 'font-size': 10, 'text-anchor': 'middle' });
    t.textContent = String(yr);
    s.append(t);
  }
  for (const v of [lo, hi / 1.1]) {
    const t = svg('text', { x: 36, y: y(v) + 4, 'font-size': 10, 'text-anchor': 'end' });
    t.textContent = num.format(v);
    s.append(t);
  }
  for (const g of groups) {
    const d = pts.filter((p) => p[g.key].value !== null && p[g.key].value !== undefined)
      .map((p, i) => `${i ? 'L' : 'M'}${x(Number(p.period)).toFixed(1)},${y(p[g.key].value).toFixed(1)}`).join(' ');
    if (d) s.append(svg('path', { d, fill: 'none', stroke: g.colour, 'stroke-width': 2, 'stroke-dasharray': g.dash }));
  }
  const table = el('table', {},
    el('caption', { text: `${series.label} (${series.unit})` }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Année scolaire' }), ...groups.map((g) => el('th', { scope: 'col', text: g.label })), el('th', { scope: 'col', text: 'Couverture (programme)' }))),
    el('tbody', {}, ...pts.map((p) => el('tr', {},
      el('td', { text: schoolYear(p.period) }),
      ...groups.map((g) => el('td', { text: p[g.key].value === null ? '—' : `${num.format(p[g.key].value)}${p[g.key].simulated ? ' (simulé)' : ''}` })),
      el('td', { text: p.programme.coverage === null ? '—' : pct.format(p.programme.coverage) })))));
  return el('figure', { class: 'lever-chart', 'data-indicator': series.indicator },
    el('figcaption', { text: `${series.label} (${series.unit})${series.count ? ' — total des départements du programme' : ''}` }), s,
    el('details', {}, el('summary', { text: 'Les valeurs' }), table));
}

function levers(monitoring) {
  const legend = el('p', { class: 'aide' }, 'Légende : ', ...GROUPS.flatMap((g, i) => [i ? ' · ' : '',
    `${g.label} (${{ programme: 'trait plein', others: 'tirets longs', comparable: 'tirets et points', france: 'pointillés' }[g.key]})`]));
  $('levers').replaceChildren(legend, ...monitoring.levers.map((l) => el('div', { class: 'lever', 'data-lever': l.id },
    el('h3', { text: l.label }), ...l.indicators.map(chart))));
}

function evaluation(ev) {
  $('evaluation-warning').textContent = ev.warning || '';
  $('evaluation-warning').hidden = !ev.warning;
  $('evaluation-method').textContent = ev.method;
  const table = el('table', { id: 'evaluation-table' },
    el('caption', { text: 'Effet estimé du programme par indicateur (différence de différences, intervalle à 95 %)' }),
    el('thead', {}, el('tr', {}, ...['Levier', 'Indicateur', 'Effet estimé', 'Intervalle à 95 %', 'Placebo (doit être nul)', 'Départements'].map((t) => el('th', { scope: 'col', text: t })))),
    el('tbody', {}, ...ev.outcomes.map((o) => {
      const a = o.result.att;
      const pl = o.result.placebo;
      const ci = (e) => (e.low === null ? '—' : `[${num.format(e.low)} ; ${num.format(e.high)}]`);
      return el('tr', {},
        el('td', { text: o.lever }), el('td', { text: `${o.label} (${o.unit})` }),
        el('td', { text: a.value === null ? '—' : num.format(a.value) }), el('td', { text: ci(a) }),
        el('td', { text: pl.value === null ? '—' : `${num.format(pl.value)} ${ci(pl)}` }),
        el('td', { text: String(a.treated) }));
    })));
  $('evaluation').replaceChildren(table);
}

async function start() {
  const id = new URLSearchParams(window.location.search).get('id') || 'tne';
  const base = `/api/v1/programmes/${encodeURIComponent(id)}`;
  const [p, monitoring, ev] = await Promise.all([getJson(base), getJson(`${base}/suivi`), getJson(`${base}/evaluation`)]);
  document.title = `${p.label} : suivi et évaluation — EduAtlas`;
  $('programme-title').textContent = p.label;
  $('programme-summary').textContent = p.summary || '';
  timeline(p);
  territories(p);
  $('funders').replaceChildren(...p.funders.map((f) => el('li', {},
    `${f.name}${f.amount ? ` : ${eur.format(f.amount)}` : ''}${f.wave ? ` (${f.wave === 'pilote' ? 'pilotes' : 'vague 2'})` : ''} · source : `, sourceLink(p, f.source))));
  targets(p, monitoring);
  levers(monitoring);
  evaluation(ev);
  $('sources').replaceChildren(...Object.entries(p.sources).map(([k, s]) => el('li', {},
    s.url ? el('a', { href: s.url, rel: 'noopener', text: s.title }) : s.title,
    ` — ${s.publisher}${s.date ? `, ${s.date}` : ''}${s.verified === false ? ' (non vérifié)' : ''}`)));
  $('programme-status').textContent = `Données du programme : ${p.source}.`;
  document.body.dataset.ready = 'true';
}

start().catch((e) => {
  $('programme-status').textContent = `Erreur : ${e.message}`;
  document.body.dataset.ready = 'error';
});
