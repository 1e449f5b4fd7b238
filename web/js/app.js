// EduAtlas map page: choropleth of any indicator at any level and period from EduAtlas' own
// vector tiles and values API, territory panel, search, schools layer, filters, permalink,
// downloads and PNG export. No third-party request unless a basemap is configured.
/* global L */
import { MvtLayer } from './mvt.js';
import { setupSelection } from './selection.js';
import { STATIC, getJson, download as fetchDownload, tileLoader, maxNativeZoom, valuesCsvFile } from './source.js';

const LEVELS = {
  region: { layer: 'regions', minZoom: 0, label: 'Région', plural: 'Régions' },
  academie: { layer: 'academies', minZoom: 0, label: 'Académie', plural: 'Académies' },
  departement: { layer: 'departements', minZoom: 0, label: 'Département', plural: 'Départements' },
  epci: { layer: 'epci', minZoom: 6, label: 'Intercommunalité', plural: 'Intercommunalités' },
  commune: { layer: 'communes', minZoom: 8, label: 'Commune', plural: 'Communes' },
  france: { label: 'France' },
};
const SCHOOL_MIN_ZOOM = 10;
const VIEWS = {
  metropole: [[41.3, -5.2], [51.1, 9.6]],
  971: [[15.8, -61.9], [16.55, -61.0]],
  972: [[14.38, -61.25], [14.9, -60.8]],
  973: [[2.1, -54.6], [5.8, -51.6]],
  974: [[-21.4, 55.2], [-20.85, 55.85]],
  976: [[-13.02, 45.0], [-12.62, 45.32]],
};
// Colour-blind-safe sequential and diverging palettes (viridis; ColorBrewer Blues and PuOr).
const PALETTES = {
  viridis: ['#fde725', '#5ec962', '#21918c', '#3b528b', '#440154'],
  bleus: ['#eff3ff', '#bdd7e7', '#6baed6', '#3182bd', '#08519c'],
  'orange-violet': ['#e66101', '#fdb863', '#f7f7f7', '#b2abd2', '#5e3c99'],
};
const NO_DATA = '#d9d9d9';
const SECRET = '#a6a6a6';
const BANDWIDTH = [
  { label: 'moins de 2 Mbit/s ou sans connexion', color: '#d7191c' },
  { label: '2 à 8 Mbit/s', color: '#fdae61' },
  { label: '8 à 30 Mbit/s', color: '#ffffbf' },
  { label: '30 à 100 Mbit/s', color: '#abd9e9' },
  { label: '100 Mbit/s et plus', color: '#2c7bb6' },
];
const TYPES = { ecole: 'école', college: 'collège', lycee: 'lycée' };
const SECTORS = { public: 'public', prive: 'privé' };
/** "école publique", "collège privé": the sector agreeing with the type. */
function schoolKind(type, sector) {
  const t = TYPES[type] || type || '';
  const feminine = type === 'ecole';
  const s = sector === 'public' ? (feminine ? 'publique' : 'public') : sector === 'prive' ? (feminine ? 'privée' : 'privé') : sector || '';
  return `${t} ${s}`.trim();
}
/** A number with its unit, "95 %", "1 200 habitants". */
function withUnit(n, unit) {
  return unit ? `${fmt.format(n)} ${unit}` : fmt.format(n);
}
/** An indicator's label with its unit, unless the label already says it ("Élèves"). */
function labelWithUnit(ind) {
  if (!ind.unit || ind.label.toLowerCase().includes(ind.unit.toLowerCase())) return ind.label;
  return `${ind.label} (${ind.unit})`;
}
/** Which filters a level's territories carry (the tiles' properties). */
const FILTERABLE = { commune: ['tne', 'rurality'], departement: ['tne'] };
const APPRAISALS = { favorable: '▲ favorable', proche: '≈ proche', defavorable: '▼ défavorable' };

const $ = (id) => document.getElementById(id);
const fmt = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const state = {
  indicator: null, level: 'auto', period: null, method: 'auto', palette: 'viridis',
  tne: false, rurality: '', schoolType: '', schoolSector: '', view: null, sel: null, ami: null, cmp: [],
};
let selectionPanel;
let catalog = [];
let config = {};
let map;
let territoryLayer;
let schoolLayer;
let values = new Map();
let breaks = [];
let shownLevel = null;
let painted = false;
const valuesCache = new Map();

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) {
    if (c !== null && c !== undefined) e.append(c);
  }
  return e;
}


function status(text) {
  $('status').textContent = text || '';
}

function indicator() {
  return catalog.find((i) => i.id === state.indicator);
}

function levelFor(zoom) {
  if (state.level !== 'auto') {
    return state.level;
  }
  if (zoom < 5) return 'region';
  if (zoom < 7) return 'departement';
  if (zoom < 8) return 'epci';
  return 'commune';
}

// ---- permalink -----------------------------------------------------------------------------

function readHash() {
  const h = new URLSearchParams(location.hash.slice(1));
  const get = (k, d) => (h.has(k) ? h.get(k) : d);
  state.indicator = get('i', null);
  state.level = get('n', 'auto');
  state.period = get('p', null);
  state.method = get('m', 'auto');
  state.palette = get('c', 'viridis');
  state.tne = get('tne', '') === '1';
  state.rurality = get('rur', '');
  state.schoolType = get('st', '');
  state.schoolSector = get('ss', '');
  state.sel = get('sel', null);
  state.ami = get('ami', null);
  // Territories compared side by side (6 at most), as level:code.
  state.cmp = get('cmp', '').split(',').filter((t) => /^[a-z]+:[0-9A-Za-z]{1,12}$/.test(t) && LEVELS[t.split(':')[0]]).slice(0, 6);
  const z = parseFloat(get('z', ''));
  const lat = parseFloat(get('lat', ''));
  const lon = parseFloat(get('lon', ''));
  state.view = Number.isFinite(z) && Number.isFinite(lat) && Number.isFinite(lon) ? { z, lat, lon } : null;
}

function writeHash() {
  const c = map.getCenter();
  const h = new URLSearchParams();
  h.set('i', state.indicator);
  h.set('n', state.level);
  h.set('p', state.period);
  h.set('m', state.method);
  h.set('c', state.palette);
  if (state.cmp && state.cmp.length) h.set('cmp', state.cmp.join(','));
  if (state.tne) h.set('tne', '1');
  if (state.rurality) h.set('rur', state.rurality);
  if (state.schoolType) h.set('st', state.schoolType);
  if (state.schoolSector) h.set('ss', state.schoolSector);
  if (state.sel) h.set('sel', state.sel);
  if (state.ami) h.set('ami', state.ami);
  h.set('z', String(map.getZoom()));
  h.set('lat', c.lat.toFixed(4));
  h.set('lon', c.lng.toFixed(4));
  history.replaceState(null, '', `#${h.toString()}`);
}

// ---- classes and styles --------------------------------------------------------------------

/** How the shown classes were made, and why (for the legend). */
let breaksNote = '';

/** The share of values in the fullest class of {@code bs}. */
function fullestShare(xs, bs) {
  const counts = new Array(bs.length + 1).fill(0);
  for (const x of xs) {
    let k = 0;
    for (const b of bs) if (x >= b) k++;
    counts[k]++;
  }
  return { share: Math.max(...counts) / xs.length, count: Math.max(...counts) };
}

function computeBreaks(ind, vals) {
  const xs = [...vals.values()].filter((v) => v.value !== null && v.value !== undefined).map((v) => v.value).sort((a, b) => a - b);
  const thresholds = ind.classes && ind.classes.length ? ind.classes.slice() : null;
  breaksNote = { seuils: "seuils de l'indicateur", quantiles: 'quantiles (5 classes d\'effectifs égaux)', intervalles: 'intervalles égaux' }[state.method] || '';
  if (state.method === 'seuils' && thresholds) {
    return thresholds;
  }
  if (state.method === 'auto') {
    // The indicator's thresholds when they tell the shown territories apart; else quantiles.
    if (thresholds && xs.length) {
      const f = fullestShare(xs, thresholds);
      if (f.share <= 0.6) {
        breaksNote = "seuils de l'indicateur";
        return thresholds;
      }
      breaksNote = `quantiles, car les seuils de l'indicateur mettraient ${f.count} des ${xs.length} ${LEVELS[shownLevel].plural.toLowerCase()} dans une même classe`;
    } else {
      breaksNote = thresholds ? "seuils de l'indicateur" : 'quantiles (5 classes d\'effectifs égaux)';
      if (thresholds) return thresholds;
    }
  }
  if (!xs.length) return [];
  if (state.method === 'quantiles' || state.method === 'auto') {
    const out = [];
    for (let k = 1; k < 5; k++) out.push(xs[Math.min(xs.length - 1, Math.floor((k * xs.length) / 5))]);
    return [...new Set(out)];
  }
  const lo = xs[0];
  const hi = xs[xs.length - 1];
  const out = [];
  for (let k = 1; k < 5; k++) out.push(lo + ((hi - lo) * k) / 5);
  return out;
}

function colors(n) {
  const p = PALETTES[state.palette] || PALETTES.viridis;
  if (n >= p.length) return p;
  // Spread n colours over the palette.
  return Array.from({ length: n }, (_, i) => p[Math.round((i * (p.length - 1)) / Math.max(1, n - 1))]);
}

function classOf(v) {
  let k = 0;
  for (const b of breaks) if (v >= b) k++;
  return k;
}

const OUT_OF_FILTER = '#f4f4f4';

// ---- orientation: parent outlines, names, scale ---------------------------------------------

/** The outlines of the level above the shown one (départements over communes…). */
const PARENT = { commune: 'departements', epci: 'departements', departement: 'regions', academie: 'regions' };
let parentLayer = null;

function updateParentOutlines(level) {
  if (parentLayer) map.removeLayer(parentLayer);
  parentLayer = null;
  const layer = PARENT[level];
  if (!layer) return;
  parentLayer = new MvtLayer({
    layerName: layer,
    load: tileLoader(layer, config),
    style: () => ({ stroke: '#303030', weight: 1.6 }),
    maxNativeZoom: maxNativeZoom(layer, config, 14),
    zIndex: 4,
  });
  parentLayer.addTo(map);
}

/** Neighbouring countries (Natural Earth, vendored) under the territories, and the seas. */
const COUNTRY_NAMES = {
  Germany: 'Allemagne', Belgium: 'Belgique', Luxembourg: 'Luxembourg', Switzerland: 'Suisse', Italy: 'Italie',
  Spain: 'Espagne', Andorra: 'Andorre', Monaco: 'Monaco', 'United Kingdom': 'Royaume-Uni', Netherlands: 'Pays-Bas',
  Portugal: 'Portugal', Austria: 'Autriche', Ireland: 'Irlande', Liechtenstein: 'Liechtenstein', Denmark: 'Danemark',
  'Czechia': 'Tchéquie', Algeria: 'Algérie', Morocco: 'Maroc', Tunisia: 'Tunisie', Brazil: 'Brésil', Suriname: 'Suriname',
  Madagascar: 'Madagascar', Mauritius: 'Maurice', Comoros: 'Comores', Dominica: 'Dominique', 'St. Lucia': 'Sainte-Lucie',
  Canada: 'Canada', Guyana: 'Guyana', Mozambique: 'Mozambique', Antigua: 'Antigua',
};
const SEAS = [
  { name: 'Manche', lat: 50.15, lon: -1.2 }, { name: 'Mer du Nord', lat: 53.6, lon: 3.2 },
  { name: 'Océan Atlantique', lat: 46.3, lon: -6.8 }, { name: 'Golfe de Gascogne', lat: 44.9, lon: -3.6 },
  { name: 'Mer Méditerranée', lat: 41.6, lon: 5.2 }, { name: 'Mer des Caraïbes', lat: 15.2, lon: -63.2 },
  { name: 'Océan Indien', lat: -21.6, lon: 57.2 },
];
let countryLabels = [];

async function drawCountries() {
  if (!window.topojson) return;
  map.createPane('countries');
  map.getPane('countries').style.zIndex = 150; // under the tiles (200)
  const topo = await getJson('/vendor/countries-50m.json');
  const fc = window.topojson.feature(topo, topo.objects.countries);
  const layer = L.geoJSON(fc, {
    pane: 'countries', interactive: false,
    style: { color: '#8c8c8c', weight: 0.8, fillColor: '#f3f0e8', fillOpacity: 1 },
    attribution: 'Pays : Natural Earth (domaine public)',
  }).addTo(map);
  countryLabels = [];
  layer.eachLayer((l) => {
    const fr = COUNTRY_NAMES[l.feature.properties.name];
    if (!fr) return;
    // The largest part's centre (a country's islands and overseas parts aside).
    const parts = l.getLatLngs ? (l.feature.geometry.type === 'MultiPolygon' ? l.getLatLngs() : [l.getLatLngs()]) : [];
    let best = null;
    let bestSize = -1;
    for (const part of parts) {
      const b = L.latLngBounds(part.flat(3));
      const size = (b.getEast() - b.getWest()) * (b.getNorth() - b.getSouth());
      if (size > bestSize) { bestSize = size; best = b; }
    }
    if (best) countryLabels.push({ name: fr, lat: best.getCenter().lat, lon: best.getCenter().lng, kind: 'country' });
  });
  document.body.dataset.countries = String(fc.features.length);
  updateLabels();
}

/** Names by zoom: régions, then départements, then communes (the most populated first). */
function labelLevel(z) {
  if (z < 6) return 'region';
  if (z < 9) return 'departement';
  return 'commune';
}

const labelCache = new Map();
let labelLayer = null;
let labelTimer = null;
let measureCtx = null;

function textWidth(t) {
  if (!measureCtx) {
    measureCtx = document.createElement('canvas').getContext('2d');
    measureCtx.font = '600 12px system-ui, sans-serif';
  }
  return measureCtx.measureText(t).width;
}

function updateLabels() {
  clearTimeout(labelTimer);
  labelTimer = setTimeout(() => drawLabels().catch(() => {}), 120);
}

async function drawLabels() {
  const z = map.getZoom();
  const level = labelLevel(z);
  let url = `/api/v1/labels/${level}?limit=2000`;
  if (level === 'commune') {
    const b = map.getBounds().pad(0.1);
    const f = (x) => x.toFixed(3);
    url = `/api/v1/labels/commune?limit=600&bbox=${f(Math.max(-180, b.getWest()))},${f(Math.max(-90, b.getSouth()))},${f(Math.min(180, b.getEast()))},${f(Math.min(90, b.getNorth()))}`;
  }
  let labels = labelCache.get(url);
  if (!labels) {
    labels = (await getJson(url)).labels;
    if (labelCache.size > 50) labelCache.clear();
    labelCache.set(url, labels);
  }
  if (map.getZoom() !== z) return; // the map moved on meanwhile
  // Where names may not go: the panel, the legend, the controls drawn over the map.
  const container = map.getContainer().getBoundingClientRect();
  const blocked = [];
  for (const id of ['panel', 'legend', 'ami']) {
    const e = $(id);
    if (!e || e.hidden) continue;
    const r = e.getBoundingClientRect();
    if (r.width && r.height) blocked.push({ x0: r.left - container.left, y0: r.top - container.top, x1: r.right - container.left, y1: r.bottom - container.top });
  }
  const size = map.getSize();
  const placed = [];
  const group = L.layerGroup();
  // Territories first (most important first), then neighbouring countries and seas where room is left.
  const all = [...labels.map((l) => ({ ...l, kind: level })), ...countryLabels, ...SEAS.map((x) => ({ ...x, kind: 'sea' }))];
  for (const l of all) {
    const p = map.latLngToContainerPoint([l.lat, l.lon]);
    const w = textWidth(l.name) + 8;
    const box = { x0: p.x - w / 2, y0: p.y - 9, x1: p.x + w / 2, y1: p.y + 9 };
    if (box.x0 < 0 || box.y0 < 0 || box.x1 > size.x || box.y1 > size.y) continue;
    const hits = (b) => !(box.x1 < b.x0 || box.x0 > b.x1 || box.y1 < b.y0 || box.y0 > b.y1);
    if (blocked.some(hits) || placed.some(hits)) continue;
    placed.push(box);
    group.addLayer(L.marker([l.lat, l.lon], {
      interactive: false, keyboard: false, pane: 'labels',
      icon: L.divIcon({ className: `map-label map-label-${l.kind}`, html: escapeHtml(l.name), iconSize: [w, 18], iconAnchor: [w / 2, 9] }),
    }));
    if (placed.length >= 250) break;
  }
  if (labelLayer) labelLayer.remove();
  labelLayer = group.addTo(map);
  document.body.dataset.labels = `${level}:${placed.length}`;
}

/** The filters set, split into those the shown level applies and those it cannot. */
function activeFilters() {
  const carried = FILTERABLE[shownLevel] || [];
  const applied = [];
  const ignored = [];
  if (state.tne) (carried.includes('tne') ? applied : ignored).push('TNE seulement');
  if (state.rurality) (carried.includes('rurality') ? applied : ignored).push(`ruralité : ${$('rurality').selectedOptions[0].text}`);
  const where = state.rurality && !carried.includes('rurality') ? 'communes' : 'communes et départements';
  return { applied, ignored, where };
}

function passesFilters(props) {
  if (state.tne && props.tne === false) return false;
  if (state.rurality && props.rurality !== undefined) {
    const r = Number(props.rurality);
    if (state.rurality === 'rural' && r < 5) return false;
    if (state.rurality === 'urbain' && r > 4) return false;
    if (/^\d$/.test(state.rurality) && r !== Number(state.rurality)) return false;
  }
  return true;
}

function territoryStyle(props) {
  const v = values.get(props.code);
  const selected = state.sel === `${shownLevel}:${props.code}`;
  const base = { stroke: selected ? '#000' : '#ffffff', weight: selected ? 2.5 : 0.6 };
  if (!passesFilters(props)) {
    return { ...base, fill: OUT_OF_FILTER, opacity: 0.6, hatch: true };
  }
  if (!v || v.value === null || v.value === undefined) {
    return { ...base, fill: v && v.status === 'secret' ? SECRET : NO_DATA };
  }
  const cs = colors(breaks.length + 1);
  return { ...base, fill: cs[classOf(v.value)] };
}

function schoolStyle(props) {
  if (state.schoolType && props.type !== state.schoolType) return null;
  if (state.schoolSector && props.sector !== state.schoolSector) return null;
  const c = props.bandwidth_class === undefined ? { color: '#ffffff' } : BANDWIDTH[props.bandwidth_class];
  return { fill: c.color, stroke: '#1b1b1b', radius: props.cluster_count ? 5 : 4 };
}

// ---- legend --------------------------------------------------------------------------------

function renderLegend() {
  const ind = indicator();
  const box = $('legend');
  box.replaceChildren();
  if (!ind) return;
  const collapsed = box.dataset.collapsed === 'true';
  const toggle = el('button', {
    type: 'button', class: 'legend-toggle', 'aria-expanded': collapsed ? 'false' : 'true', 'aria-controls': 'legend-body',
    text: collapsed ? 'Afficher la légende' : 'Masquer la légende',
    onclick: () => { box.dataset.collapsed = collapsed ? 'false' : 'true'; renderLegend(); },
  });
  box.append(el('h2', { text: labelWithUnit(ind) }), toggle,
    el('button', { type: 'button', class: 'legend-toggle indicator-sheet', text: "Fiche de l'indicateur", onclick: () => openIndicatorSheet(ind.id) }));
  const body = el('div', { id: 'legend-body' });
  if (collapsed) body.hidden = true;
  box.append(body);
  renderLegendBody(ind, body);
}

function renderLegendBody(ind, box) {
  box.append(el('p', { class: 'meta', text: `${LEVELS[shownLevel].plural} · ${state.period}` }));
  const list = el('ul');
  const cs = colors(breaks.length + 1);
  const bounds = [null, ...breaks, null];
  for (let k = 0; k < cs.length; k++) {
    const lo = bounds[k];
    const hi = bounds[k + 1];
    const text = lo === null ? `moins de ${withUnit(hi, ind.unit)}` : hi === null ? `${withUnit(lo, ind.unit)} et plus` : `${fmt.format(lo)} à moins de ${withUnit(hi, ind.unit)}`;
    const sw = el('span', { class: 'swatch' });
    sw.style.background = cs[k];
    list.append(el('li', {}, sw, el('span', { text })));
  }
  const filtered = activeFilters();
  const swatches = [[SECRET, 'secret statistique', ''], [NO_DATA, 'sans donnée', '']];
  if (filtered.applied.length) swatches.push([OUT_OF_FILTER, 'hors filtre', 'out-of-filter']);
  for (const [color, text, cls] of swatches) {
    const sw = el('span', { class: `swatch ${cls}`.trim() });
    sw.style.background = color;
    list.append(el('li', {}, sw, el('span', { text })));
  }
  box.append(list);
  const sources = (ind.sourceDetails || []).map((s) => [s.title, s.publisher, s.vintage].filter(Boolean).join(', ')).join(' ; ');
  box.append(el('p', { class: 'meta', text: `Source : ${sources || ind.sources.join(', ')}` }));
  box.append(el('p', { class: 'meta classes-note', text: `Classes : ${breaksNote}` }));
  if (ind.simulated) {
    // The note begins with the same words as the badge: say them once.
    const note = (ind.simulatedNote || '').replace(/^données simulées\s*:\s*/, '');
    box.append(el('p', {}, el('span', { class: 'simulated', text: 'données simulées' }), note ? ` ${note}` : ''));
  }
  if (filtered.applied.length) {
    box.append(el('p', { class: 'meta', text: `Filtres : ${filtered.applied.join(' ; ')} (territoires hors filtre hachurés en gris clair)` }));
  }
  if (filtered.ignored.length) {
    box.append(el('p', { class: 'filter-note', role: 'note', text: `${filtered.ignored.join(' ; ')} : sans effet au niveau des ${LEVELS[shownLevel].plural.toLowerCase()} (${filtered.ignored.length > 1 ? 'ces filtres portent' : 'ce filtre porte'} sur les ${filtered.where}).` }));
  }
  if (map.getZoom() >= SCHOOL_MIN_ZOOM) {
    const sl = el('ul', { 'aria-label': 'Débit mesuré des établissements' });
    for (const b of BANDWIDTH) {
      const sw = el('span', { class: 'swatch' });
      sw.style.background = b.color;
      sl.append(el('li', {}, sw, el('span', { text: b.label })));
    }
    box.append(el('p', { class: 'meta', text: 'Établissements : débit descendant mesuré (dernière année)' }), sl);
  }
}

// ---- layers --------------------------------------------------------------------------------

async function loadValues() {
  const ind = indicator();
  const key = `${ind.id}|${shownLevel}|${state.period}`;
  if (!valuesCache.has(key)) {
    const url = `/api/v1/indicators/${encodeURIComponent(ind.id)}/values?level=${shownLevel}&year=${encodeURIComponent(state.period)}`;
    const body = await getJson(url);
    const m = new Map();
    for (const v of body.values) m.set(v.code, v);
    valuesCache.set(key, m);
    if (valuesCache.size > 12) valuesCache.delete(valuesCache.keys().next().value);
  }
  return valuesCache.get(key);
}

function markPainted() {
  if (!territoryLayer || !territoryLayer.isComplete() || !values.size) return;
  const stamp = `${state.indicator}|${shownLevel}|${state.period}`;
  if (!painted) {
    painted = true;
    performance.mark('eduatlas:first-choropleth');
  }
  document.body.dataset.painted = stamp;
}

async function refresh() {
  // A tooltip left open would show the previous indicator's or period's value.
  closeTip();
  const ind = indicator();
  if (!ind) return;
  let level = levelFor(map.getZoom());
  const spec = LEVELS[level];
  if (map.getZoom() < spec.minZoom) {
    status(`Les ${spec.plural.toLowerCase()} s'affichent à partir du zoom ${spec.minZoom} : zoomez ou changez de niveau.`);
    level = 'departement';
  } else {
    status('');
  }
  delete document.body.dataset.painted;
  try {
    const levelChanged = level !== shownLevel;
    shownLevel = level;
    values = await loadValues();
    breaks = computeBreaks(ind, values);
    if (levelChanged || !territoryLayer) {
      if (territoryLayer) map.removeLayer(territoryLayer);
      territoryLayer = new MvtLayer({
        layerName: LEVELS[level].layer,
        load: tileLoader(LEVELS[level].layer, config),
        style: territoryStyle,
        minZoom: LEVELS[level].minZoom,
        maxNativeZoom: maxNativeZoom(LEVELS[level].layer, config, 14),
        zIndex: 2,
        onDrawn: () => setTimeout(markPainted, 0),
      });
      territoryLayer.on('load', markPainted);
      territoryLayer.addTo(map);
      updateParentOutlines(level);
    } else {
      territoryLayer.restyle();
      markPainted();
    }
  } catch (e) {
    status(`Impossible de charger les valeurs : ${e.message}`);
  }
  updateSchools();
  renderLegend();
  updateDownloads();
  updatePrintMeta();
  updateLabels();
  redrawChart();
  writeHash();
}

function updateSchools() {
  const want = map.getZoom() >= SCHOOL_MIN_ZOOM;
  if (want && !schoolLayer) {
    schoolLayer = new MvtLayer({
      layerName: 'schools',
      load: tileLoader('schools', config),
      style: schoolStyle,
      minZoom: SCHOOL_MIN_ZOOM,
      maxNativeZoom: maxNativeZoom('schools', config, 16),
      zIndex: 3,
    });
    delete document.body.dataset.schools;
    schoolLayer.on('load', () => { document.body.dataset.schools = 'loaded'; });
    schoolLayer.addTo(map);
  } else if (!want && schoolLayer) {
    map.removeLayer(schoolLayer);
    schoolLayer = null;
  } else if (schoolLayer) {
    schoolLayer.restyle();
  }
}

const LEVEL_ORDER = ['france', 'region', 'academie', 'departement', 'epci', 'commune'];
/** The selected territory's name, once its panel has loaded (for the export's wording). */
let selectedName = null;

/** The territory an export is limited to: the selected one, when it contains the shown level. */
function exportWithin() {
  const [level, code] = (state.sel || '').split(':');
  if (!LEVELS[level] || !code || level === 'france') return null;
  return LEVEL_ORDER.indexOf(level) < LEVEL_ORDER.indexOf(shownLevel) ? { level, code } : null;
}

/** What a printed page says under its title: the view and the day it was printed. */
function updatePrintMeta() {
  const ind = indicator();
  if (!ind || !shownLevel) return;
  $('print-meta').textContent = `${labelWithUnit(ind)} · ${LEVELS[shownLevel].plural} · ${state.period}`
    + `${ind.simulated ? ' · données simulées' : ''} · imprimé le ${new Date().toLocaleDateString('fr-FR')} · ${location.href}`;
}

function updateDownloads() {
  const ind = indicator();
  // A static release holds each indicator's values for all France, as CSV; the outlines are its
  // GeoParquet (no GeoJSON of values without a server).
  const within = STATIC ? null : exportWithin();
  const w = within ? `&within=${within.level}:${encodeURIComponent(within.code)}` : '';
  const base = `/api/v1/indicators/${encodeURIComponent(ind.id)}/values?level=${shownLevel}&year=${encodeURIComponent(state.period)}${w}`;
  const stem = `${ind.id}-${shownLevel}${within ? `-${within.level}-${within.code}` : ''}-${state.period}`;
  const what = `${LEVELS[shownLevel].plural.toLowerCase()}, ${within ? selectedName || `${within.level} ${within.code}` : 'France entière'}`;
  const csv = $('download-csv');
  csv.href = STATIC ? valuesCsvFile(ind.id, shownLevel, state.period) : `${base}&format=csv&sep=%3B&decimal=%2C`;
  csv.setAttribute('download', `${stem}.csv`);
  csv.textContent = `Télécharger : ${what} (CSV)`;
  const gj = $('download-geojson');
  if (STATIC) {
    gj.href = 'data/territories.parquet';
    gj.setAttribute('download', 'territories.parquet');
    gj.textContent = 'Télécharger : contours de tous les territoires (GeoParquet)';
    gj.title = 'Version statique : les valeurs se joignent aux contours par le code du territoire.';
    csv.title = selectedName ? 'Version statique : le fichier contient tous les territoires du niveau, en France entière.' : '';
    return;
  }
  gj.href = `${base}&format=geojson&zoom=${Math.min(12, Math.round(map.getZoom()))}`;
  gj.setAttribute('download', `${stem}.geojson`);
  gj.textContent = `Télécharger : ${what} (GeoJSON)`;
  const filters = state.tne || state.rurality;
  for (const a of [csv, gj]) a.title = filters ? 'Les filtres TNE et ruralité ne s\'appliquent pas au fichier : il contient tous les territoires listés.' : '';
}

/** Downloads through fetch, saying how far it has got (a national GeoJSON takes a while). */
async function download(ev) {
  ev.preventDefault();
  const a = ev.currentTarget;
  const name = a.getAttribute('download');
  status(`Téléchargement de ${name}…`);
  try {
    let last = 0;
    const { bytes: parts, type } = await fetchDownload(a.getAttribute('href'), (got) => {
      if (performance.now() - last > 250) {
        last = performance.now();
        status(`Téléchargement de ${name} : ${fmt.format(got / 1e6)} Mo reçus…`);
      }
    });
    const got = parts.reduce((n, b) => n + b.length, 0);
    const url = URL.createObjectURL(new Blob(parts, { type }));
    const link = el('a', { href: url, download: name });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    status(`${name} téléchargé (${fmt.format(got / 1e6)} Mo).`);
    document.body.dataset.downloaded = name;
  } catch (e) {
    status(`Téléchargement impossible : ${e.message}`);
  }
}

// ---- tooltip and panel ---------------------------------------------------------------------

function valueText(v, ind) {
  if (!v) return 'sans donnée';
  if (v.status === 'secret') return 'secret statistique';
  if (v.value === null || v.value === undefined) return 'sans donnée';
  const doubt = v.status === 'douteux' ? ' (valeur douteuse)' : '';
  return `${fmt.format(v.value)}${ind.unit ? ` ${ind.unit}` : ''}${doubt}`;
}

let tooltip;
function closeTip() {
  if (tooltip && map.hasLayer(tooltip)) map.closeTooltip(tooltip);
}

function onMove(e) {
  const f = (schoolLayer && schoolLayer.featureAt(e.latlng)) || (territoryLayer && territoryLayer.featureAt(e.latlng));
  if (!f) {
    if (tooltip) map.closeTooltip(tooltip);
    map.getContainer().style.cursor = '';
    return;
  }
  map.getContainer().style.cursor = 'pointer';
  const ind = indicator();
  let html;
  if (f.properties.uai) {
    const b = f.properties.bandwidth_class;
    html = `<strong>${escapeHtml(f.properties.name)}</strong><br>${schoolKind(f.properties.type, f.properties.sector)}<br>débit : ${b === undefined ? 'non mesuré' : BANDWIDTH[b].label}${f.properties.cluster_count ? `<br>${f.properties.cluster_count} établissements ici, couleur du moins bien connecté (cliquer pour les séparer)` : ''}`;
  } else {
    const v = values.get(f.properties.code);
    html = `<strong>${escapeHtml(f.properties.name)}</strong><br>${escapeHtml(ind.label)} : ${valueText(v, ind)} (${escapeHtml(state.period)})${v && v.simulated ? ' <span class="simulated">simulé</span>' : ''}`;
  }
  if (!tooltip) tooltip = L.tooltip({ sticky: true, direction: 'top', offset: [0, -8], className: 'tip' });
  tooltip.setLatLng(e.latlng).setContent(html);
  if (!map.hasLayer(tooltip)) tooltip.addTo(map);
}

function num(v) {
  return v === null || v === undefined ? '–' : fmt.format(v);
}

function escapeHtml(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function onClick(e) {
  if (!$('ami').hidden) {
    // The selection's panel covers the territory panel: say so rather than open it unseen.
    status('Fermez le panneau de sélection pour ouvrir la fiche d\'un territoire (un clic sur une commune de la liste l\'explique).');
    return;
  }
  const here = schoolLayer ? schoolLayer.featuresAt(e.latlng) : [];
  if (here.length > 1 || (here.length === 1 && !here[0].properties.cluster_count)) {
    if (here.length === 1) openSchool(here[0].properties.uai, e.latlng);
    else openStack(here.map((f) => f.properties), e.latlng);
    return;
  }
  if (here.length === 1) {
    // A group of schools below zoom 12: spread it out.
    map.setView(e.latlng, Math.max(12, map.getZoom() + 2));
    return;
  }
  const f = territoryLayer && territoryLayer.featureAt(e.latlng);
  if (f) openPanel(shownLevel, f.properties.code);
}

/** Schools drawn at the same point (placed at their commune's): a list, worst connected first,
 * each one a button that opens its popup. */
function openStack(list, latlng) {
  const sorted = list.slice().sort((a, b) => (a.bandwidth_class ?? 9) - (b.bandwidth_class ?? 9) || a.name.localeCompare(b.name, 'fr'));
  const ul = el('ul', { class: 'stack' });
  for (const p of sorted) {
    const b = p.bandwidth_class;
    ul.append(el('li', {}, el('button', { type: 'button', class: 'link', text: `${p.name} — ${b === undefined ? 'débit non mesuré' : BANDWIDTH[b].label}`, onclick: () => openSchool(p.uai, latlng) })));
  }
  const box = el('div', {}, el('strong', { text: `${sorted.length} établissements à cet endroit` }), ul);
  L.popup({ maxWidth: 380 }).setLatLng(latlng).setContent(box).openOn(map);
  document.body.dataset.stack = String(sorted.length);
  // After the click that opened it has finished (Leaflet then focuses the map itself).
  const first = ul.querySelector('button');
  if (first) setTimeout(() => first.focus(), 0);
}

async function openSchool(uai, latlng) {
  try {
    const s = await getJson(`/api/v1/schools/${encodeURIComponent(uai)}`);
    const last = (s.connectivity || []).slice(-1)[0];
    const lines = [
      `<strong>${escapeHtml(s.name)}</strong> (${escapeHtml(s.uai)})`,
      `${schoolKind(s.type, s.sector)} — ${escapeHtml(s.communeName)}`,
      `élèves : ${s.pupils ?? 'inconnu'}${s.ips ? ` · IPS : ${fmt.format(s.ips)}` : ''}`,
    ];
    if (!last && s.bandwidthClassLabel) {
      lines.push(`classe de débit ${escapeHtml(String(s.bandwidthYear ?? ''))} : ${escapeHtml(s.bandwidthClassLabel)}${s.simulated ? ' <span class="simulated">données simulées</span>' : ''}`);
    }
    if (last) {
      lines.push(`${last.annee} : ${escapeHtml(last.technologie)}, souscrit ${num(last.debit_descendant_souscrit)} Mbit/s, mesuré ${num(last.debit_descendant_mesure)} Mbit/s${last.simule ? ' <span class="simulated">données simulées</span>' : ''}`);
    }
    lines.push(`localisation : ${escapeHtml(s.locationNote || (s.location === 'etablissement' ? "position de l'établissement" : 'position de la commune'))}`);
    const content = el('div', {});
    content.innerHTML = lines.join('<br>');
    content.append(el('br'), el('a', { href: '#', class: 'school-sheet', text: "Fiche de l'établissement", onclick: (ev) => { ev.preventDefault(); map.closePopup(); openSchoolSheet(s.uai); } }));
    L.popup({ maxWidth: 360 }).setLatLng(latlng || [s.lat, s.lon]).setContent(content).openOn(map);
  } catch (e) {
    status(`Établissement ${uai} : ${e.message}`);
  }
}

const LEVERS = { equipement: 'équipement', ressources: 'ressources', formation: 'formation', parents: 'parents' };
const PROJECT_STATUS = { prevu: 'prévu', 'en-cours': 'en cours', termine: 'terminé', abandonne: 'abandonné' };

/** The published directories of the territory's hubs: who does what, and their projects. */
function renderActors(box, d) {
  if (!d.hubs || !d.hubs.length) return;
  box.append(el('h3', { text: 'Acteurs et projets du territoire' }));
  for (const h of d.hubs) {
    box.append(el('p', { class: 'meta', text: `Déclarés par ${h.name}, version ${h.version} publiée le ${new Date(h.publishedAt).toLocaleDateString('fr-FR')} (données déclaratives, non simulées).` }));
    const names = Object.fromEntries(h.acteurs.map((a) => [a.id, a.nom]));
    const ul = el('ul', { class: 'actors' });
    for (const a of h.acteurs) ul.append(el('li', { text: `${a.nom}${a.role ? ` — ${a.role}` : ''}` }));
    box.append(ul);
    const pl = el('ul', { class: 'projects' });
    for (const pr of h.projets) {
      const funders = (pr.financeurs || []).map((f) => names[f] || f).join(', ');
      pl.append(el('li', { text: `${pr.nom} : levier ${LEVERS[pr.levier] || pr.levier}, ${PROJECT_STATUS[pr.statut] || pr.statut}`
        + `${pr.budget != null ? `, ${fmt.format(pr.budget)} €` : ''}${funders ? `, financé par ${funders}` : ''}`
        + `${pr.etablissements && pr.etablissements.length ? `, ${pr.etablissements.length} établissement(s)` : ''}` }));
    }
    box.append(pl);
  }
}

/** Fits bounds in the part of the map the side panel (or, on a phone, the bottom sheet) leaves. */
function fitClear(bounds) {
  const panel = $('panel');
  const open = !panel.hidden;
  const sheet = window.matchMedia('(max-width: 760px)').matches;
  const w = open && !sheet ? panel.offsetWidth + 16 : 16;
  const h = open && sheet ? panel.offsetHeight + 16 : 16;
  map.fitBounds(bounds, { maxZoom: 11, paddingTopLeft: [16, 16], paddingBottomRight: [w, h] });
}

let panelOpener = null;

/** Opens the side panel saying it is loading, remembering where the focus was (Escape returns
 * it there); returns the panel's body. */
function showPanel() {
  if (!panelOpener && document.activeElement && document.activeElement !== document.body) panelOpener = document.activeElement;
  const body = $('panel-body');
  $('panel').hidden = false;
  body.replaceChildren(el('p', { text: 'Chargement…' }));
  return body;
}

/** Where a figure comes from: simulated, or which hub, version and publication date. */
function provenance(r) {
  if (r.simule) return el('span', { class: 'simulated', text: 'simulé' });
  if (r.pole) return el('span', { text: `pôle ${r.pole}, version ${r.version_pole}${r.publie_le ? `, publiée le ${new Date(r.publie_le).toLocaleDateString('fr-FR')}` : ''}` });
  return el('span', { text: r.contribution || 'source réelle' });
}

function sheetTable(caption, columns, rows) {
  const t = el('table', { class: 'sheet' }, el('caption', { text: caption }),
    el('thead', {}, el('tr', {}, ...columns.map(([label]) => el('th', { scope: 'col', text: label })), el('th', { scope: 'col', text: 'Source' }))));
  const tb = el('tbody');
  for (const r of rows) {
    tb.append(el('tr', {}, ...columns.map(([, f]) => el('td', { text: f(r) })), el('td', {}, provenance(r))));
  }
  t.append(tb);
  return t;
}

const num0 = (v, unit = '') => (v === null || v === undefined ? '–' : `${fmt.format(v)}${unit}`);

// ---- charts and comparison ------------------------------------------------------------------

const SERIES_STYLES = [
  { color: '#000091', dash: '', marker: 'circle' },
  { color: '#b34000', dash: '6 3', marker: 'square' },
  { color: '#18753c', dash: '2 3', marker: 'triangle' },
  { color: '#6a1b9a', dash: '8 3 2 3', marker: 'diamond' },
  { color: '#4d4d4d', dash: '1 2', marker: 'cross' },
  { color: '#a0006e', dash: '10 4', marker: 'circle' },
];
const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) e.setAttribute(k, v);
  for (const c of children) if (c) e.append(c);
  return e;
}

function marker(kind, x, y, color) {
  const r = 3.5;
  if (kind === 'square') return svg('rect', { x: x - r, y: y - r, width: 2 * r, height: 2 * r, fill: color });
  if (kind === 'triangle') return svg('polygon', { points: `${x},${y - r - 1} ${x - r - 1},${y + r} ${x + r + 1},${y + r}`, fill: color });
  if (kind === 'diamond') return svg('polygon', { points: `${x},${y - r - 1} ${x + r + 1},${y} ${x},${y + r + 1} ${x - r - 1},${y}`, fill: color });
  if (kind === 'cross') return svg('path', { d: `M${x - r},${y - r}L${x + r},${y + r}M${x - r},${y + r}L${x + r},${y - r}`, stroke: color, 'stroke-width': 2 });
  return svg('circle', { cx: x, cy: y, r, fill: color });
}

/**
 * A line chart of several series over the periods: each series its colour, dash and marker (never
 * told apart by colour alone), a legend, and the values as a table for screen readers.
 */
function lineChart(title, unit, series) {
  const periods = [...new Set(series.flatMap((s) => s.points.map((p) => p.period)))].sort();
  const values = series.flatMap((s) => s.points.map((p) => p.value)).filter((v) => v !== null && v !== undefined && Number.isFinite(v));
  const box = el('figure', { class: 'chart' });
  if (periods.length < 2 || !values.length) {
    box.append(el('figcaption', { text: `${title} : une seule période, pas d'évolution à tracer.` }));
    return box;
  }
  const W = 400;
  const H = 200;
  const m = { l: 52, r: 18, t: 10, b: 28 };
  let lo = Math.min(0, ...values);
  let hi = Math.max(...values);
  if (hi === lo) hi = lo + 1;
  const x = (i) => m.l + (i * (W - m.l - m.r)) / (periods.length - 1);
  const y = (v) => H - m.b - ((v - lo) * (H - m.t - m.b)) / (hi - lo);
  const id = `chart-${Math.random().toString(36).slice(2, 8)}`;
  const g = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': `${id}-t`, class: 'chart-svg' },
    svg('title', { id: `${id}-t` }, document.createTextNode(`${title} (${unit || ''}), ${series.map((s) => s.name).join(', ')}`)));
  for (let k = 0; k <= 4; k++) {
    const v = lo + ((hi - lo) * k) / 4;
    g.append(svg('line', { x1: m.l, x2: W - m.r, y1: y(v), y2: y(v), stroke: '#e0e0e0' }),
      svg('text', { x: m.l - 4, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 10, fill: '#333' }, document.createTextNode(fmt.format(v))));
  }
  const step = Math.ceil(periods.length / 7);
  periods.forEach((p, i) => {
    if (i % step === 0 || i === periods.length - 1) g.append(svg('text', { x: x(i), y: H - 8, 'text-anchor': 'middle', 'font-size': 10, fill: '#333' }, document.createTextNode(p)));
  });
  series.forEach((s, k) => {
    const st = SERIES_STYLES[k % SERIES_STYLES.length];
    const pts = s.points.filter((p) => p.value !== null && p.value !== undefined).map((p) => [x(periods.indexOf(p.period)), y(p.value)]);
    if (pts.length > 1) g.append(svg('polyline', { points: pts.map((q) => q.join(',')).join(' '), fill: 'none', stroke: st.color, 'stroke-width': 2, 'stroke-dasharray': st.dash || null }));
    for (const q of pts) g.append(marker(st.marker, q[0], q[1], st.color));
  });
  const legend = el('ul', { class: 'chart-legend' });
  series.forEach((s, k) => {
    const st = SERIES_STYLES[k % SERIES_STYLES.length];
    const key = svg('svg', { width: 28, height: 12, 'aria-hidden': 'true' },
      svg('line', { x1: 0, x2: 28, y1: 6, y2: 6, stroke: st.color, 'stroke-width': 2, 'stroke-dasharray': st.dash || null }), marker(st.marker, 14, 6, st.color));
    legend.append(el('li', {}, key, ` ${s.name}`));
  });
  // The same figures as a table (screen readers, copy and paste).
  const table = el('table', { class: 'chart-data' }, el('caption', { class: 'visually-hidden', text: `${title} : valeurs` }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Territoire' }), ...periods.map((p) => el('th', { scope: 'col', text: p })))));
  const tb = el('tbody');
  for (const s of series) {
    const byP = new Map(s.points.map((p) => [p.period, p.value]));
    tb.append(el('tr', {}, el('th', { scope: 'row', text: s.name }), ...periods.map((p) => el('td', { text: byP.get(p) === null || byP.get(p) === undefined ? '–' : fmt.format(byP.get(p)) }))));
  }
  table.append(tb);
  const details = el('details', {}, el('summary', { text: 'Valeurs du graphique' }), table);
  box.append(el('figcaption', { text: `${title}${unit ? ` (${unit})` : ''}` }), g, legend, details);
  return box;
}

const profileCache = new Map();
function profileOf(level, code) {
  const k = `${level}:${code}`;
  if (!profileCache.has(k)) {
    if (profileCache.size > 40) profileCache.clear();
    profileCache.set(k, getJson(`/api/v1/territories/${level}/${encodeURIComponent(code)}`).catch((e) => { profileCache.delete(k); throw e; }));
  }
  return profileCache.get(k);
}

function seriesOf(profile, id) {
  const i = profile.indicators.find((x) => x.id === id);
  return { name: profile.name, points: (i && i.series) || [] };
}

let chartProfile = null;

/** Redraws the open territory panel's chart for the indicator now shown. */
function redrawChart() {
  const box = document.querySelector('#panel-body .chart-box');
  if (box && chartProfile && !$('panel').hidden) territoryChart(chartProfile, box).catch(() => {});
}

/** The territory's chart: the shown indicator, the territory and those it is compared with. */
async function territoryChart(p, box) {
  const ind = indicator();
  const others = await Promise.all((p.comparedWith || []).map((c) => profileOf(c.level, c.code).catch(() => null)));
  const series = [seriesOf(p, ind.id), ...others.filter(Boolean).map((o) => seriesOf(o, ind.id))];
  box.replaceChildren(lineChart(ind.label, ind.unit, series));
  document.body.dataset.chart = `${p.level}:${p.code}:${series.length}:${ind.id}`;
}

function toggleCompared(key) {
  const k = state.cmp.indexOf(key);
  if (k >= 0) state.cmp.splice(k, 1);
  else if (state.cmp.length < 6) state.cmp.push(key);
  else status('Six territoires au plus dans une comparaison.');
  writeHash();
}

/** Two or more territories of any level side by side: the shown indicator's chart and every
 * indicator's latest value; the permalink (cmp=…) restores it. */
async function openComparison() {
  state.sel = 'comparaison';
  writeHash();
  const body = showPanel();
  const profiles = (await Promise.all(state.cmp.map((t) => profileOf(...t.split(':')).catch(() => null)))).filter(Boolean);
  const ind = indicator();
  const title = el('h2', { id: 'panel-title', text: `Comparaison de ${profiles.length} territoire${profiles.length > 1 ? 's' : ''}` });
  const list = el('ul', { class: 'cmp-list' });
  for (const p of profiles) {
    const key = `${p.level}:${p.code}`;
    list.append(el('li', {}, el('a', { href: '#', text: `${p.name} (${LEVELS[p.level].label.toLowerCase()} ${p.code})`, onclick: (ev) => { ev.preventDefault(); openPanel(p.level, p.code, true); } }), ' ',
      el('button', { type: 'button', class: 'link', 'aria-label': `Retirer ${p.name}`, text: 'retirer', onclick: () => { toggleCompared(key); openComparison(); } })));
  }
  const parts = [title, list];
  if (profiles.length < 2) parts.push(el('p', { class: 'meta', text: 'Ajoutez au moins deux territoires (bouton « Ajouter à la comparaison » de leur fiche).' }));
  if (profiles.length) {
    parts.push(lineChart(ind.label, ind.unit, profiles.map((p) => seriesOf(p, ind.id))));
    const table = el('table', { 'aria-label': 'Indicateurs des territoires comparés', class: 'cmp-table' });
    table.append(el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Indicateur' }), ...profiles.map((p) => el('th', { scope: 'col', text: p.name })))));
    const tb = el('tbody');
    for (const i of profiles[0].indicators) {
      tb.append(el('tr', { 'data-indicator': i.id }, el('th', { scope: 'row', text: labelWithUnit(i) }), ...profiles.map((p) => {
        const v = (p.indicators.find((x) => x.id === i.id) || {}).latest;
        return el('td', { text: v ? `${valueText(v, { unit: '' })}${v.period ? ` (${v.period})` : ''}${v.simulated ? ' · simulé' : ''}` : '–' });
      })));
    }
    table.append(tb);
    parts.push(table);
  }
  body.replaceChildren(...parts);
  $('panel').setAttribute('aria-labelledby', 'panel-title');
  document.body.dataset.comparison = String(profiles.length);
}

/** An indicator's sheet: definition, unit, sources (vintage, licence), method, classes,
 * appraisal and secrecy rules, coverage and the share still simulated in France. */
async function openIndicatorSheet(id) {
  const body = showPanel();
  try {
    const [ind, fr] = await Promise.all([
      getJson(`/api/v1/indicators/${encodeURIComponent(id)}`),
      getJson('/api/v1/territories/france/FR').catch(() => null),
    ]);
    const latest = fr && (fr.indicators.find((i) => i.id === id) || {}).latest;
    const dl = el('dl', { class: 'sheet' });
    const item = (term, ...desc) => dl.append(el('dt', { text: term }), el('dd', {}, ...desc));
    item('Définition', ind.description);
    item('Unité', ind.unit || '—');
    item('Thème', ind.theme);
    item('Calcul', ind.aggregation);
    item('Périodes', ind.periods.join(', '));
    const sources = el('ul');
    for (const src of ind.sourceDetails || []) {
      sources.append(el('li', {}, [src.title, src.publisher, src.vintage, src.licence].filter(Boolean).join(' · '),
        src.page ? el('span', {}, ' · ', el('a', { href: src.page, rel: 'noopener', text: 'page de la source' })) : null));
    }
    item('Sources', sources);
    if (ind.classes && ind.classes.length) item("Seuils de l'indicateur", ind.classes.map((c) => withUnit(c, ind.unit)).join(' · '));
    if (ind.appraisal) item('Appréciation', ind.appraisal);
    if (ind.secret) item('Secret statistique', ind.secret);
    if (latest && latest.coverage) {
      const c = latest.coverage;
      item(`Couverture en France (${latest.period})`, `${fmt.format(c.schools)} établissements sur ${fmt.format(c.schoolsTotal)} (${fmt.format(c.schoolsShare * 100)} %), dont ${fmt.format(c.simulatedShare * 100)} % aux données simulées`);
    }
    if (ind.simulated) item('Données simulées', el('span', { class: 'simulated', text: 'données simulées' }), ` ${(ind.simulatedNote || '').replace(/^données simulées\s*:\s*/, '')}`);
    item('Données', el('a', { href: ind.values, text: 'valeurs par territoire (API : JSON, CSV, GeoJSON)' }));
    body.replaceChildren(el('h2', { id: 'panel-title', text: labelWithUnit(ind) }), el('p', { class: 'meta', text: "Fiche de l'indicateur" }), dl);
    $('panel').setAttribute('aria-labelledby', 'panel-title');
    document.body.dataset.indicatorSheet = id;
  } catch (e) {
    body.replaceChildren(el('p', { text: `Fiche indisponible : ${e.message}` }));
  }
}

/** The school's sheet: every figure EduAtlas holds for it, year by year, with its provenance. */
async function openSchoolSheet(uai) {
  state.sel = `etablissement:${uai}`;
  writeHash();
  const body = showPanel();
  try {
    const s = await getJson(`/api/v1/schools/${encodeURIComponent(uai)}`);
    const title = el('h2', { id: 'panel-title', text: s.name });
    const meta = el('p', { class: 'meta', text: `${schoolKind(s.type, s.sector)} · ${s.communeName} (${s.commune}) · UAI ${s.uai}` });
    const facts = el('ul', { class: 'facts' },
      el('li', { text: `Élèves : ${s.pupils ?? 'inconnu'}${s.ips ? ` · indice de position sociale : ${fmt.format(s.ips)}` : ''}` }),
      el('li', { text: `Localisation : ${s.locationNote || (s.location === 'etablissement' ? "position de l'établissement" : 'position de la commune')}` }),
      el('li', { text: `Classe de débit ${s.bandwidthYear ?? ''} : ${s.bandwidthClassLabel || 'non mesuré'}` }));
    const parts = [title, meta, facts];
    if ((s.connectivity || []).length) {
      parts.push(sheetTable('Connectivité par année scolaire (Mbit/s)', [
        ['Année', (r) => `${r.annee - 1}-${r.annee}`], ['Technologie', (r) => r.technologie || '–'],
        ['Souscrit', (r) => num0(r.debit_descendant_souscrit)], ['Mesuré', (r) => num0(r.debit_descendant_mesure)],
        ['Salles en Wi-Fi', (r) => num0(r.part_salles_wifi, ' %')]], s.connectivity));
    }
    if ((s.speedTests || []).length) {
      parts.push(sheetTable('Tests de débit par année scolaire', [
        ['Année', (r) => `${r.annee - 1}-${r.annee}`], ['Tests (jours)', (r) => `${r.tests} (${r.jours})`],
        ['Médiane', (r) => num0(r.debit_descendant_median, ' Mbit/s')], ['Sous 8 Mbit/s', (r) => num0(r.part_sous_8 === null || r.part_sous_8 === undefined ? null : r.part_sous_8 * 100, ' %')]], s.speedTests));
    }
    if ((s.equipment || []).length) {
      parts.push(sheetTable('Équipement par année scolaire (nombre)', [
        ['Année', (r) => `${r.annee - 1}-${r.annee}`], ['Fixes', (r) => num0(r.ordinateurs_fixes)], ['Portables', (r) => num0(r.portables)],
        ['Tablettes', (r) => num0(r.tablettes)], ['Écrans interactifs', (r) => num0(r.ecrans_interactifs)], ['Prêtés', (r) => num0(r.equipements_pretes)]], s.equipment));
    }
    if (s.simulated) parts.push(el('p', { class: 'meta' }, el('span', { class: 'simulated', text: 'données simulées' }), ` ${(s.simulatedNote || '').replace(/^données simulées\s*:\s*/, '')}`));
    if (s.staticSheet) parts.push(el('p', { class: 'meta', text: 'Version statique de la carte : les séries annuelles de l\'établissement (connectivité, tests de débit, équipement) sont dans la version avec serveur et dans l\'entrepôt DuckDB de la publication.' }));
    else parts.push(el('p', { class: 'meta' }, el('a', { href: s.href, text: 'Données de la fiche (JSON)' })));
    body.replaceChildren(...parts);
    $('panel').setAttribute('aria-labelledby', 'panel-title');
    document.body.dataset.schoolSheet = s.uai;
  } catch (e) {
    body.replaceChildren(el('p', { text: `Fiche indisponible : ${e.message}` }));
  }
}

async function openPanel(level, code, fit = false) {
  state.sel = `${level}:${code}`;
  writeHash();
  if (territoryLayer) territoryLayer.restyle();
  const body = showPanel();
  try {
    const p = await getJson(`/api/v1/territories/${level}/${encodeURIComponent(code)}${fit ? '?geometry=true&zoom=8' : ''}`);
    if (fit && p.geometry) fitClear(L.geoJSON(p.geometry).getBounds());
    else if (fit && p.bbox) fitClear(L.latLngBounds([p.bbox[1], p.bbox[0]], [p.bbox[3], p.bbox[2]]));
    renderPanel(p);
  } catch (e) {
    body.replaceChildren(el('p', { text: `Fiche indisponible : ${e.message}` }));
  }
}

function renderPanel(p) {
  const body = $('panel-body');
  const crumbs = el('ol', { class: 'breadcrumb', 'aria-label': "Territoires englobants" });
  for (const b of p.breadcrumb) {
    crumbs.append(el('li', {}, b.level === p.level && b.code === p.code ? el('span', { text: b.name }) : el('a', { href: '#', text: b.name, onclick: (ev) => { ev.preventDefault(); openPanel(b.level, b.code, true); } })));
  }
  selectedName = p.name;
  updateDownloads();
  const title = el('h2', { id: 'panel-title', text: p.name });
  const sub = el('p', { class: 'meta', text: `${LEVELS[p.level].label} ${p.code}${p.schools ? ` · ${p.schools.count} établissements, ${fmt.format(p.schools.pupils)} élèves` : ''}` });
  const cmp = p.comparedWith || [];
  const table = el('table', { 'aria-label': 'Indicateurs comparés' });
  const head = el('tr', {}, el('th', { text: 'Indicateur' }), el('th', { text: p.name }));
  for (const c of cmp) head.append(el('th', { text: c.name }));
  table.append(el('thead', {}, head));
  const tbody = el('tbody');
  for (const i of p.indicators) {
    const v = i.latest;
    const row = el('tr', { 'data-indicator': i.id });
    const series = (i.series || []).filter((s) => s.value !== null && s.value !== undefined).map((s) => `${s.period} : ${fmt.format(s.value)}`).join(' · ');
    row.append(el('td', {}, el('a', { href: '#', class: 'indicator-link', title: "Fiche de l'indicateur", text: labelWithUnit(i), onclick: (ev) => { ev.preventDefault(); openIndicatorSheet(i.id); } }), i.simulated ? el('span', { class: 'simulated', text: 'simulé' }) : null, series && (i.series || []).length > 1 ? el('div', { class: 'series', text: series }) : null));
    // The appraisal against France is said in words too, never by colour alone.
    row.append(el('td', { class: v && v.appraisal ? v.appraisal : null, title: v && v.note ? v.note : null, 'data-value': v && v.value !== null && v.value !== undefined ? String(v.value) : '', text: v ? `${valueText(v, { unit: '' })}${v.period ? ` (${v.period})` : ''}` : '–' }, v && v.appraisal ? el('span', { class: 'appraisal', text: ` ${APPRAISALS[v.appraisal] || ''}` }) : null, v && v.note ? el('div', { class: 'series', text: v.note }) : null));
    for (const c of cmp) {
      const o = (i.compared || []).find((x) => x.level === c.level && x.code === c.code);
      row.append(el('td', { text: o && o.value !== null && o.value !== undefined ? fmt.format(o.value) : '–' }));
    }
    tbody.append(row);
  }
  table.append(tbody);
  const schools = el('div', {}, el('h3', { text: 'Établissements' }));
  const actors = el('div', { id: 'panel-actors' });
  const key = `${p.level}:${p.code}`;
  const inCmp = state.cmp.includes(key);
  const tools = el('p', { class: 'panel-tools' },
    el('button', { type: 'button', class: 'link', id: 'cmp-toggle', text: inCmp ? 'Retirer de la comparaison' : 'Ajouter à la comparaison',
      onclick: () => { toggleCompared(key); renderPanel(p); } }),
    state.cmp.length ? el('button', { type: 'button', class: 'link', id: 'cmp-open', text: `Voir la comparaison (${state.cmp.length})`, onclick: () => openComparison() }) : null);
  // The shown indicator over the years, against the territories it is compared with (redrawn
  // when the indicator changes while the panel is open).
  const chart = el('div', { class: 'chart-box' });
  chartProfile = p;
  body.replaceChildren(crumbs, title, sub, tools, chart, table, actors, schools);
  territoryChart(p, chart).catch(() => {});
  if (p.level !== 'france' && !STATIC) {
    getJson(`/api/v1/territories/${p.level}/${encodeURIComponent(p.code)}/annuaire`).then((d) => renderActors(actors, d)).catch(() => {});
  }
  $('panel').setAttribute('aria-labelledby', 'panel-title');
  if (STATIC && p.schools && p.schools.count && !['commune', 'departement'].includes(p.level)) {
    schools.append(el('p', { class: 'meta', text: 'Liste des établissements de ce territoire : ' }, el('a', { href: 'data/schools.parquet', text: 'tous les établissements (GeoParquet)' })));
  } else if (p.level !== 'france' && p.schools && p.schools.count) {
    getJson(`/api/v1/schools?${p.level}=${encodeURIComponent(p.code)}&limit=50`).then((s) => {
      const ul = el('ul', { class: 'schools' });
      for (const x of s.schools) {
        ul.append(el('li', {}, el('a', { href: '#', text: `${x.name} (${schoolKind(x.type, x.sector)})`, onclick: (ev) => { ev.preventDefault(); map.setView([x.lat, x.lon], 14); openSchool(x.uai, L.latLng(x.lat, x.lon)); } })));
      }
      schools.append(ul);
      if (s.numberMatched > s.numberReturned) schools.append(el('p', { class: 'meta', text: `${s.numberReturned} sur ${s.numberMatched} ; liste complète : ` }, STATIC ? el('a', { href: 'data/schools.parquet', text: 'GeoParquet' }) : el('a', { href: `/api/v1/schools?${p.level}=${encodeURIComponent(p.code)}&format=csv&limit=1000`, text: 'CSV' })));
    }).catch(() => {});
  }
}

// ---- search --------------------------------------------------------------------------------

let searchSeq = 0;
let active = -1;
let results = [];

async function search(q) {
  const seq = ++searchSeq;
  const input = $('search-input');
  const list = $('search-results');
  if (q.trim().length < 2) {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    return;
  }
  const [t, s] = await Promise.all([
    getJson(`/api/v1/territories?q=${encodeURIComponent(q)}&limit=8`).catch(() => ({ territories: [] })),
    getJson(`/api/v1/schools?q=${encodeURIComponent(q)}&limit=5`).catch(() => ({ schools: [] })),
  ]);
  if (seq !== searchSeq) return;
  results = [
    ...t.territories.map((x) => ({ kind: 'territory', level: x.level, code: x.code, name: x.name, note: `${LEVELS[x.level] ? LEVELS[x.level].label : x.level}${x.parent && x.parent.level !== 'france' ? ` · ${x.parent.name}` : ''}` })),
    ...s.schools.map((x) => ({ kind: 'school', uai: x.uai, name: x.name, lat: x.lat, lon: x.lon, note: `${TYPES[x.type] || x.type} · ${x.communeName} · ${x.uai}` })),
  ];
  active = results.length ? 0 : -1;
  renderResults();
  // The query these results answer (results of an earlier keystroke may show before).
  list.dataset.query = q;
}

function renderResults() {
  const list = $('search-results');
  const input = $('search-input');
  list.replaceChildren(...results.map((r, i) => el('li', { id: `result-${i}`, role: 'option', 'aria-selected': i === active ? 'true' : 'false', onmousedown: (e) => { e.preventDefault(); choose(i); } }, r.name, el('small', { text: r.note }))));
  if (!results.length) list.append(el('li', { role: 'option', 'aria-disabled': 'true', text: 'Aucun résultat' }));
  list.hidden = false;
  input.setAttribute('aria-expanded', 'true');
  if (active >= 0) input.setAttribute('aria-activedescendant', `result-${active}`);
  else input.removeAttribute('aria-activedescendant');
}

function choose(i) {
  const r = results[i];
  if (!r) return;
  $('search-results').hidden = true;
  $('search-input').setAttribute('aria-expanded', 'false');
  $('search-input').value = r.name;
  if (r.kind === 'school') {
    map.setView([r.lat, r.lon], 15);
    openSchool(r.uai, L.latLng(r.lat, r.lon));
  } else {
    openPanel(r.level, r.code, true);
  }
}

function setupSearch() {
  const input = $('search-input');
  let timer;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => search(input.value), 150);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!results.length) return;
      e.preventDefault();
      active = (active + (e.key === 'ArrowDown' ? 1 : results.length - 1)) % results.length;
      renderResults();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (active >= 0) choose(active);
    } else if (e.key === 'Escape') {
      // An open list closes first; the next Escape closes the panel (the document's handler).
      if (!$('search-results').hidden) e.preventDefault();
      $('search-results').hidden = true;
      input.setAttribute('aria-expanded', 'false');
    }
  });
  input.addEventListener('blur', () => setTimeout(() => { $('search-results').hidden = true; }, 150));
}

// ---- PNG export ----------------------------------------------------------------------------

/** An image from a URL (a blob of the page's own SVG), loaded. */
function loadImage(url) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = reject;
    img.src = url;
  });
}

/**
 * The view as an image: the map's layers, the shortlist's outlines, the names, then below the map
 * the legend (every class with its colour), the title, the sources and the date.
 */
async function renderPng() {
  const box = map.getContainer().getBoundingClientRect();
  const ratio = window.devicePixelRatio || 1;
  const ind = indicator();
  const cs = colors(breaks.length + 1);
  const bounds = [null, ...breaks, null];
  const entries = cs.map((c, k) => [c, bounds[k] === null ? `moins de ${withUnit(bounds[k + 1], ind.unit)}` : bounds[k + 1] === null ? `${withUnit(bounds[k], ind.unit)} et plus` : `${fmt.format(bounds[k])} à moins de ${withUnit(bounds[k + 1], ind.unit)}`]);
  entries.push([SECRET, 'secret statistique'], [NO_DATA, 'sans donnée']);
  if (activeFilters().applied.length) entries.push([OUT_OF_FILTER, 'hors filtre']);
  const perRow = Math.max(1, Math.floor(box.width / 190));
  const legendRows = Math.ceil(entries.length / perRow);
  const footer = 56 + legendRows * 20;
  const out = document.createElement('canvas');
  out.width = box.width * ratio;
  out.height = (box.height + footer) * ratio;
  const ctx = out.getContext('2d');
  ctx.scale(ratio, ratio);
  ctx.fillStyle = '#dfe8ef';
  ctx.fillRect(0, 0, box.width, box.height);
  for (const layer of [territoryLayer, parentLayer, schoolLayer]) {
    if (!layer) continue;
    for (const c of layer.canvases()) {
      const r = c.getBoundingClientRect();
      ctx.drawImage(c, r.left - box.left, r.top - box.top, r.width, r.height);
    }
  }
  // Vector overlays (the call for interest's shortlist) are SVG: drawn as an image.
  const overlay = map.getPanes().overlayPane.querySelector('svg');
  if (overlay) {
    const r = overlay.getBoundingClientRect();
    const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(overlay)], { type: 'image/svg+xml' }));
    try {
      ctx.drawImage(await loadImage(url), r.left - box.left, r.top - box.top, r.width, r.height);
    } finally {
      URL.revokeObjectURL(url);
    }
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (const e of document.querySelectorAll('.map-label')) {
    const r = e.getBoundingClientRect();
    ctx.font = getComputedStyle(e).font;
    ctx.lineWidth = 3;
    ctx.strokeStyle = '#fff';
    ctx.strokeText(e.textContent, r.left - box.left + r.width / 2, r.top - box.top + r.height / 2);
    ctx.fillStyle = '#1b1b1b';
    ctx.fillText(e.textContent, r.left - box.left + r.width / 2, r.top - box.top + r.height / 2);
  }
  // Below the map: title, legend, sources, date.
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, box.height, box.width, footer);
  ctx.fillStyle = '#1b1b1b';
  ctx.font = '600 13px sans-serif';
  ctx.fillText(`${labelWithUnit(ind)} · ${LEVELS[shownLevel].plural} · ${state.period}${ind.simulated ? ' · données simulées' : ''}`, 8, box.height + 18);
  ctx.font = '12px sans-serif';
  entries.forEach(([color, text], k) => {
    const x = 8 + (k % perRow) * 190;
    const y = box.height + 28 + Math.floor(k / perRow) * 20;
    ctx.fillStyle = color;
    ctx.fillRect(x, y, 18, 12);
    ctx.strokeStyle = '#666';
    ctx.lineWidth = 1;
    ctx.strokeRect(x, y, 18, 12);
    ctx.fillStyle = '#1b1b1b';
    ctx.fillText(text, x + 24, y + 10);
  });
  const sources = (ind.sourceDetails || []).map((x) => [x.title, x.publisher, x.vintage].filter(Boolean).join(', ')).join(' ; ');
  ctx.fillText(`EduAtlas, ${new Date().toLocaleDateString('fr-FR')} · sources : ${sources}`, 8, box.height + footer - 10);
  return out;
}

async function exportPng() {
  const ind = indicator();
  const out = await renderPng();
  out.toBlob((blob) => {
    const a = el('a', { href: URL.createObjectURL(blob), download: `eduatlas-${ind.id}-${shownLevel}-${state.period}.png` });
    document.body.append(a);
    a.click();
    a.remove();
  }, 'image/png');
}
window.eduatlasPng = renderPng; // the browser tests read the image

// ---- controls ------------------------------------------------------------------------------

function setupPeriods() {
  const ind = indicator();
  const slider = $('year');
  slider.max = String(Math.max(0, ind.periods.length - 1));
  if (!ind.periods.includes(state.period)) state.period = ind.periods[ind.periods.length - 1];
  slider.value = String(ind.periods.indexOf(state.period));
  slider.disabled = ind.periods.length < 2;
  slider.setAttribute('aria-valuetext', state.period);
  $('year-label').textContent = state.period;
}

function syncControls() {
  $('indicator').value = state.indicator;
  $('level').value = state.level;
  $('method').value = state.method;
  $('palette').value = state.palette;
  $('tne').checked = state.tne;
  $('rurality').value = state.rurality;
  $('school-type').value = state.schoolType;
  $('school-sector').value = state.schoolSector;
  setupPeriods();
}

function setupControls() {
  const sel = $('indicator');
  const themes = {};
  for (const i of catalog) (themes[i.theme] = themes[i.theme] || []).push(i);
  const themeLabels = { connectivite: 'Connectivité', equipement: 'Équipement', usages: 'Usages', contexte: 'Contexte', territoire: 'Territoire', programmes: 'Programmes' };
  for (const [t, is] of Object.entries(themes)) {
    const g = el('optgroup', { label: themeLabels[t] || t });
    for (const i of is) g.append(el('option', { value: i.id, text: `${i.label}${i.simulated ? ' (simulé)' : ''}` }));
    sel.append(g);
  }
  syncControls();
  sel.addEventListener('change', () => { state.indicator = sel.value; setupPeriods(); refresh(); });
  $('level').addEventListener('change', (e) => { state.level = e.target.value; refresh(); });
  $('year').addEventListener('input', (e) => {
    state.period = indicator().periods[Number(e.target.value)];
    $('year-label').textContent = state.period;
    e.target.setAttribute('aria-valuetext', state.period);
    refresh();
  });
  $('method').addEventListener('change', (e) => { state.method = e.target.value; refresh(); });
  $('palette').addEventListener('change', (e) => { state.palette = e.target.value; refresh(); });
  $('tne').addEventListener('change', (e) => { state.tne = e.target.checked; refresh(); });
  $('rurality').addEventListener('change', (e) => { state.rurality = e.target.value; refresh(); });
  $('school-type').addEventListener('change', (e) => { state.schoolType = e.target.value; refresh(); });
  $('school-sector').addEventListener('change', (e) => { state.schoolSector = e.target.value; refresh(); });
  $('territory-view').addEventListener('change', (e) => map.fitBounds(VIEWS[e.target.value]));
  $('export-png').addEventListener('click', () => exportPng().catch((e) => status(`Export impossible : ${e.message}`)));
  $('download-csv').addEventListener('click', download);
  $('download-geojson').addEventListener('click', download);
  $('copy-link').addEventListener('click', async () => {
    writeHash();
    try {
      await navigator.clipboard.writeText(location.href);
      status('Lien copié.');
    } catch (e) {
      status(`Lien de cette vue : ${location.href}`);
    }
  });
  $('panel-close').addEventListener('click', closePanel);
  // Escape closes the panel on top (the selection's, then the territory's) and returns the focus
  // to where it came from.
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    if (!$('search-results').hidden) return; // the search field closes its own list
    if (!$('ami').hidden) {
      e.preventDefault();
      $('ami-close').click();
      $('ami-open').focus();
    } else if (!$('panel').hidden) {
      e.preventDefault();
      closePanel();
    }
  });
}

function closePanel() {
  $('panel').hidden = true;
  state.sel = null;
  selectedName = null;
  if (shownLevel) updateDownloads();
  if (territoryLayer) territoryLayer.restyle();
  writeHash();
  const back = panelOpener && document.contains(panelOpener) ? panelOpener : $('search-input');
  panelOpener = null;
  back.focus();
}

async function main() {
  readHash();
  try {
    [catalog, config] = await Promise.all([getJson('/api/v1/indicators'), getJson('/api/v1/config')]);
  } catch (e) {
    status(`Le service ne répond pas : ${e.message}`);
    return;
  }
  normalizeState();
  map = L.map('map', { zoomControl: false, minZoom: 3, maxZoom: 18, keyboard: true, attributionControl: true });
  L.control.zoom({ zoomInTitle: 'Zoomer', zoomOutTitle: 'Dézoomer' }).addTo(map);
  window.eduatlasMap = map; // for the browser tests and the console
  L.control.scale({ metric: true, imperial: false, position: 'bottomright' }).addTo(map);
  // Names above the territories and outlines, never taking the pointer.
  map.createPane('labels');
  map.getPane('labels').style.zIndex = 450;
  map.getPane('labels').style.pointerEvents = 'none';
  map.getPane('labels').setAttribute('aria-hidden', 'true');
  drawCountries().catch(() => {});
  map.attributionControl.setPrefix('');
  map.attributionControl.addAttribution('IGN Admin Express, Insee, DEPP, Arcep ; EduAtlas');
  if (config.basemap) {
    L.tileLayer(config.basemap, { attribution: config.basemapAttribution || '', zIndex: 1 }).addTo(map);
  }
  if (state.view) map.setView([state.view.lat, state.view.lon], state.view.z);
  else map.fitBounds(VIEWS.metropole);
  setupControls();
  if (STATIC) {
    // Which publication this static map shows, and that it has no server behind it.
    const m = /^(\d{4})(\d{2})(\d{2})T/.exec(config.release || '');
    const day = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).toLocaleDateString('fr-FR', { timeZone: 'UTC' }) : '';
    document.querySelector('.links').append(el('span', { id: 'static-release', text: ` · Version statique (sans serveur)${day ? `, publication du ${day}` : ''}` }));
  }
  setupSearch();
  // A static release has no server to compute or keep selections, nor hubs or the programme's
  // page: their entries are hidden (app.css, [data-server-only]).
  selectionPanel = STATIC ? { open() {}, hide() {} } : setupSelection({
    map, el, getJson, status,
    onChange: (id) => { state.ami = id; writeHash(); },
  });
  // A permalink pasted or edited in the address bar of an open page (writeHash itself replaces the
  // history entry and fires no hashchange).
  window.addEventListener('hashchange', () => {
    readHash();
    normalizeState();
    syncControls();
    if (state.view) map.setView([state.view.lat, state.view.lon], state.view.z);
    refresh();
    openSelection();
    if (state.ami) selectionPanel.open(state.ami);
    else selectionPanel.hide();
  });
  map.on('zoomend', refresh);
  map.on('moveend', writeHash);
  map.on('moveend', updateLabels);
  map.on('mousemove', onMove);
  map.on('mouseout', closeTip);
  map.on('click', onClick);
  await refresh();
  openSelection();
  if (state.ami) selectionPanel.open(state.ami);
}

/** Values a permalink may carry that this page does not know fall back to the defaults. */
function normalizeState() {
  if (!catalog.some((i) => i.id === state.indicator)) state.indicator = 'couverture-fibre';
  if (!LEVELS[state.level] || state.level === 'france') state.level = 'auto';
  if (!['auto', 'seuils', 'quantiles', 'intervalles'].includes(state.method)) state.method = 'auto';
  if (!PALETTES[state.palette]) state.palette = 'viridis';
  if (STATIC || (state.ami && !/^[0-9a-f]{20}$/.test(state.ami))) state.ami = null;
}

/** The panel of the territory the permalink selects, or none. */
function openSelection() {
  const [level, code] = (state.sel || '').split(':');
  if (state.sel === 'comparaison') {
    openComparison();
  } else if (level === 'etablissement' && /^[0-9A-Z]{8}$/.test(code || '')) {
    openSchoolSheet(code);
  } else if (LEVELS[level] && code) {
    openPanel(level, code);
  } else {
    $('panel').hidden = true;
  }
}

main();
