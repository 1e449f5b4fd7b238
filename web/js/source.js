// Where the page's data comes from: the EduAtlas server's API, or, on a static host (a release
// served by any web server, object store or CDN: <html data-mode="static">), the release's files.
// In static mode each API read the page makes is mapped onto a file the release wrote
// (api.StaticSite on the server side), the tiles are read from the release's PMTiles archives by
// HTTP range requests, and what needs a server (hubs, selections, campaigns, values within a
// territory, a school's yearly series) says it is not available.
/* global pmtiles */

export const STATIC = document.documentElement.dataset.mode === 'static';

/** What a static release cannot answer. */
export class Unavailable extends Error {
  constructor(what) {
    super(`${what} : non disponible dans la version statique de la carte (sans serveur)`);
    this.name = 'Unavailable';
  }
}

/** A 404 as the server would say it. */
class NotFound extends Error {}

/** Bytes of a release file; a .gz file is decompressed here (unless the host already did). */
async function fileBytes(path) {
  const r = await fetch(path);
  if (r.status === 404) throw new NotFound(`${path} : introuvable (HTTP 404)`);
  if (!r.ok) throw new Error(`${path} : HTTP ${r.status}`);
  const buf = await r.arrayBuffer();
  const b = new Uint8Array(buf, 0, Math.min(2, buf.byteLength));
  // gzip's magic number: the host served the stored bytes as they are (application/gzip).
  if (b.length === 2 && b[0] === 0x1f && b[1] === 0x8b) {
    const stream = new Blob([buf]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(stream).arrayBuffer();
  }
  return buf;
}

const fileCache = new Map();

/** A JSON file of the release, parsed (kept: the release is immutable). */
function file(path, keep = true) {
  if (keep && fileCache.has(path)) return fileCache.get(path);
  const p = fileBytes(path).then((b) => JSON.parse(new TextDecoder().decode(b)));
  if (keep) {
    if (fileCache.size > 400) fileCache.delete(fileCache.keys().next().value);
    fileCache.set(path, p);
    p.catch(() => fileCache.delete(path));
  }
  return p;
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
function seg(s, what) {
  if (!s || !SEGMENT.test(s) || s.includes('..')) throw new NotFound(`${what} inconnu : ${s}`);
  return s;
}

/** The folding of the server's search (territory.Names.fold). */
export function fold(s) {
  return (s || '').normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase()
    .replace(/œ/g, 'oe').replace(/æ/g, 'ae').replace(/[^a-z0-9]+/g, ' ').trim();
}

const LEVEL_ORDER = ['france', 'region', 'academie', 'departement', 'epci', 'commune'];

/** The server's territory search (Observatory.search) over the release's index. */
async function searchTerritories(q, limit) {
  const rows = (await file('api/search.json.gz')).territories;
  const folded = fold(q);
  const code = q.trim().toUpperCase();
  if (!folded && !code) return [];
  const hits = [];
  for (const r of rows) {
    const [level, c, name, f] = r;
    if (c !== code && !(folded && f.includes(folded))) continue;
    const rank = c === code ? 0 : f === folded ? 1 : f.startsWith(folded) ? 2 : 3;
    hits.push({ rank, r });
  }
  hits.sort((a, b) => a.rank - b.rank
    || LEVEL_ORDER.indexOf(a.r[0]) - LEVEL_ORDER.indexOf(b.r[0])
    || a.r[2].length - b.r[2].length
    || (a.r[2] < b.r[2] ? -1 : a.r[2] > b.r[2] ? 1 : 0)
    || (a.r[1] < b.r[1] ? -1 : a.r[1] > b.r[1] ? 1 : 0));
  return hits.slice(0, limit).map(({ r }) => ({
    level: r[0], code: r[1], name: r[2],
    parent: r[4] ? { level: r[4], code: r[5], name: r[6] } : undefined,
  }));
}

/** A profile file completed with the catalogue's fields of each indicator. */
async function profile(level, code) {
  const [p, catalog] = await Promise.all([
    file(`api/territories/${seg(level, 'niveau')}/${seg(code, 'code')}.json.gz`),
    file('api/indicators.json.gz'),
  ]);
  const byId = new Map(catalog.map((i) => [i.id, i]));
  return { ...p, indicators: p.indicators.map((i) => ({ ...byId.get(i.id), ...i })) };
}

/** The département holding a commune (its code's first two, or three overseas, characters). */
function departementOf(commune) {
  return commune.startsWith('97') ? commune.slice(0, 3) : commune.slice(0, 2);
}

/** The schools' list of a commune or département, as the server's first page. */
async function schoolList(params) {
  const limit = Math.max(1, Math.min(1000, Number(params.get('limit') || 100)));
  let dep;
  let keep = () => true;
  if (params.has('departement')) {
    dep = params.get('departement');
  } else if (params.has('commune')) {
    const c = params.get('commune');
    dep = departementOf(c);
    keep = (s) => s.commune === c;
  } else {
    throw new Unavailable('cette liste d\'établissements');
  }
  const all = (await file(`api/schools/departement/${seg(dep, 'département')}.json.gz`)).schools.filter(keep);
  const page = all.slice(0, limit);
  return { numberMatched: all.length, numberReturned: page.length, limit, offset: 0, schools: page };
}

async function staticJson(url) {
  const u = new URL(url, 'http://page.invalid/');
  const p = u.pathname;
  const q = u.searchParams;
  let m;
  if (!p.startsWith('/api/')) return file(p.replace(/^\/+/, ''));
  if (p === '/api/v1/config') return file('api/config.json.gz');
  if (p === '/api/v1/indicators') return file('api/indicators.json.gz');
  if ((m = p.match(/^\/api\/v1\/indicators\/([^/]+)$/))) return file(`api/indicators/${seg(decodeURIComponent(m[1]), 'indicateur')}.json.gz`);
  if ((m = p.match(/^\/api\/v1\/indicators\/([^/]+)\/values$/))) {
    if (q.has('within')) throw new Unavailable('les valeurs d\'un territoire');
    const level = q.get('level') || 'departement';
    return file(`api/values/${seg(decodeURIComponent(m[1]), 'indicateur')}/${seg(level, 'niveau')}/${seg(q.get('year'), 'période')}.json.gz`, level !== 'commune');
  }
  if ((m = p.match(/^\/api\/v1\/labels\/([^/]+)$/))) {
    const all = await file(`api/labels/${seg(m[1], 'niveau')}.json.gz`);
    const limit = Number(q.get('limit') || 500);
    let labels = all.labels;
    if (q.has('bbox')) {
      const [w, s, e, n] = q.get('bbox').split(',').map(Number);
      labels = labels.filter((l) => l.lon >= w && l.lon <= e && l.lat >= s && l.lat <= n);
    }
    return { level: all.level, labels: labels.slice(0, limit) };
  }
  if (p === '/api/v1/territories') {
    return { q: q.get('q'), territories: await searchTerritories(q.get('q') || '', Number(q.get('limit') || 20)) };
  }
  if ((m = p.match(/^\/api\/v1\/territories\/([^/]+)\/([^/]+)$/))) return profile(m[1], decodeURIComponent(m[2]));
  if ((m = p.match(/^\/api\/v1\/schools\/([^/]+)$/))) {
    const uai = decodeURIComponent(m[1]).toUpperCase();
    const shard = await file(`api/schools/uai/${seg(uai.slice(0, 3), 'UAI')}.json.gz`).catch(() => ({}));
    if (!shard[uai]) throw new NotFound(`aucun établissement d'UAI ${uai}`);
    return { ...shard[uai], staticSheet: true };
  }
  if (p === '/api/v1/schools') {
    if (q.has('q')) return { schools: [] }; // school search needs the server
    return schoolList(q);
  }
  throw new Unavailable(p);
}

/** A JSON answer of the API (or, static, of the release's file standing for it). */
export async function getJson(url) {
  if (STATIC) return staticJson(url);
  const r = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!r.ok) {
    let detail = `HTTP ${r.status}`;
    try {
      detail = (await r.json()).detail || detail;
    } catch (e) {
      /* not a problem document */
    }
    throw new Error(detail);
  }
  return r.json();
}

/** A download's bytes and type: the server's answer, or the release's file decompressed. */
export async function download(href, onProgress) {
  if (STATIC) {
    const b = await fileBytes(href);
    onProgress(b.byteLength);
    return { bytes: [new Uint8Array(b)], type: href.includes('.csv') ? 'text/csv; charset=utf-8' : 'application/octet-stream' };
  }
  const r = await fetch(href);
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  const reader = r.body.getReader();
  const parts = [];
  let got = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    got += value.length;
    onProgress(got);
  }
  return { bytes: parts, type: r.headers.get('Content-Type') || 'application/octet-stream' };
}

/** The release file of an indicator's values as CSV (the static download). */
export function valuesCsvFile(id, level, period) {
  return `api/values/${seg(id, 'indicateur')}/${seg(level, 'niveau')}/${seg(period, 'période')}.csv.gz`;
}

const archives = new Map();

/**
 * A tile layer's loader: (coords) → Promise of the tile's bytes, or null where the layer has no
 * tile (the server's 204, an archive's missing entry).
 */
export function tileLoader(layer, config) {
  if (!STATIC) {
    return (c) => fetch(`/tiles/${layer}/${c.z}/${c.x}/${c.y}.mvt`).then((r) => {
      if (r.status === 204) return null;
      if (!r.ok) throw new Error(`tuile ${layer} ${c.z}/${c.x}/${c.y} : HTTP ${r.status}`);
      return r.arrayBuffer();
    });
  }
  const t = (config.tiles || {})[layer];
  if (!t) return () => Promise.resolve(null);
  if (!archives.has(layer)) archives.set(layer, new pmtiles.PMTiles(t.url));
  const archive = archives.get(layer);
  return (c) => (c.z > t.maxzoom ? Promise.resolve(null) : archive.getZxy(c.z, c.x, c.y).then((r) => (r ? r.data : null)));
}

/** The last zoom a layer's tiles exist at (beyond it the map scales the last ones). */
export function maxNativeZoom(layer, config, fallback) {
  const t = STATIC ? (config.tiles || {})[layer] : null;
  return t ? Math.min(t.maxzoom, fallback) : fallback;
}
