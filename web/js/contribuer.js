// The contributors' space: a hub's dashboard, uploads with their validation report, versions
// (diff, publish, roll back), conflicts, audit log, directory of actors and projects, templates.
// Everything goes through the hubs' HTTP contract (/api/v1/hubs) with the session cookie; every
// write carries the session's CSRF token.

const DATASETS = {
  connectivite: { label: 'Connectivité', indicator: 'debit-souscrit-ge-100' },
  equipement: { label: 'Équipement', indicator: 'ordinateurs-pour-100-eleves' },
  usages: { label: 'Usages', indicator: 'enseignants-usage-hebdomadaire' },
  tests_debit: { label: 'Tests de débit', indicator: 'debit-mesure-median' },
};
const ACTIONS = {
  'depot': 'dépôt', 'publication': 'publication', 'retour-arriere': 'retour arrière',
  'hors-perimetre': 'lignes hors périmètre', 'connexion': 'connexion', 'deconnexion': 'déconnexion',
  'refus': 'refus', 'flux-tests': 'lot de tests de débit', 'annuaire': 'annuaire',
};
const RULES = {
  'competence': 'compétence', 'observation-plus-recente': 'observation la plus récente',
  'identifiant': 'identifiant (départage)',
};

const state = { session: null, hubs: [], hub: null, view: 'tableau', report: null, map: null };
const $ = (id) => document.getElementById(id);
const fmt = new Intl.NumberFormat('fr-FR');
const pct = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 1 });
const when = (iso) => (iso ? new Date(iso).toLocaleString('fr-FR') : '—');

function status(text, error) {
  const s = $('status');
  s.textContent = text || '';
  s.classList.toggle('erreur', !!error);
}

/** A JSON request; a problem+json answer becomes an Error with its French detail. */
async function api(url, options = {}) {
  const headers = Object.assign({ Accept: 'application/json' }, options.headers || {});
  if (options.method && options.method !== 'GET') {
    headers[state.session.csrfHeader] = state.session.csrf;
  }
  const r = await fetch(url, Object.assign({}, options, { headers, credentials: 'same-origin' }));
  if (r.status === 401) {
    window.location.assign('/contribuer/connexion');
    throw new Error('session terminée');
  }
  const type = r.headers.get('Content-Type') || '';
  const body = type.includes('json') ? await r.json() : null;
  if (!r.ok) {
    throw new Error((body && (body.detail || body.title)) || `erreur ${r.status}`);
  }
  return body;
}

function cell(tr, text, cls) {
  const td = document.createElement('td');
  td.textContent = text == null ? '—' : String(text);
  if (cls) td.className = cls;
  tr.appendChild(td);
  return td;
}

function rows(tbody, items, fill) {
  tbody.replaceChildren();
  for (const it of items) {
    const tr = document.createElement('tr');
    fill(tr, it);
    tbody.appendChild(tr);
  }
  if (!items.length) {
    const tr = document.createElement('tr');
    const td = cell(tr, 'Aucune ligne.');
    td.colSpan = tbody.parentElement.querySelectorAll('thead th').length;
    tbody.appendChild(tr);
  }
}

function hubBase() {
  return `/api/v1/hubs/${encodeURIComponent(state.hub.id)}`;
}

function roles() {
  return state.session.roles[state.hub.id] || [];
}

function may(role) {
  return state.session.admin || roles().includes(role);
}

// ---- navigation ---------------------------------------------------------------------------

function show(view) {
  state.view = view;
  for (const s of document.querySelectorAll('main section[data-view]')) {
    s.hidden = s.dataset.view !== view;
  }
  for (const a of document.querySelectorAll('nav.tabs a')) {
    if (a.dataset.view === view) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  status('');
  const load = { tableau: dashboard, versions, conflits: conflicts, journal: audit,
    annuaire: directory, modeles: templates }[view];
  if (load) load().catch((e) => status(e.message, true));
}

function route() {
  const v = window.location.hash.replace(/^#/, '') || 'tableau';
  show(document.querySelector(`section[data-view="${CSS.escape(v)}"]`) ? v : 'tableau');
}

// ---- dashboard ----------------------------------------------------------------------------

const LEVELS = { region: 'région', academie: 'académie', departement: 'département',
  epci: 'EPCI', commune: 'commune', france: 'France' };
const TYPES = { ecole: 'écoles', college: 'collèges', lycee: 'lycées' };

async function dashboard() {
  const h = await api(hubBase());
  $('hub-title').textContent = h.name;
  const sc = h.scope;
  $('hub-scope').textContent = `Périmètre : ${LEVELS[sc.level] || sc.level} ${sc.code} — `
    + `${sc.schoolTypes.map((t) => TYPES[t] || t).join(', ')} — jeux : `
    + `${sc.datasets.map((d) => (DATASETS[d] || { label: d }).label).join(', ')}. `
    + `Vos rôles : ${roles().join(', ') || (state.session.admin ? 'administrateur' : '—')}.`;
  const [comp, profile] = await Promise.all([
    api(`${hubBase()}/completeness`),
    api(`/api/v1/territories/${encodeURIComponent(sc.level)}/${encodeURIComponent(sc.code)}?geometry=true`),
  ]);
  const byId = Object.fromEntries((profile.indicators || []).map((i) => [i.id, i]));
  rows($('completeness').tBodies[0], comp.datasets, (tr, d) => {
    cell(tr, (DATASETS[d.dataset] || { label: d.dataset }).label);
    cell(tr, `${fmt.format(d.schoolsCovered)} / ${fmt.format(d.schoolsInScope)} (${pct.format(d.share)})`);
    cell(tr, d.publishedVersion ? `n° ${d.publishedVersion}, ${when(d.publishedAt)}` : 'aucune');
    cell(tr, d.latestObservation || '—');
    const ind = byId[(DATASETS[d.dataset] || {}).indicator];
    const cov = ind && ind.latest && ind.latest.coverage;
    cell(tr, cov ? `${pct.format(cov.simulatedShare)} (${ind.latest.period})` : '—');
  });
  drawPerimeter(profile.geometry, h.name);
  await rebuildStatus();
}

function drawPerimeter(geometry, name) {
  if (!window.L || !geometry) return;
  if (!state.map) {
    state.map = L.map('perimeter', { attributionControl: true, zoomControl: false });
    L.control.zoom({ zoomInTitle: 'Zoomer', zoomOutTitle: 'Dézoomer' }).addTo(state.map);
    state.map.attributionControl.setPrefix(false);
  }
  if (state.layer) state.layer.remove();
  state.layer = L.geoJSON({ type: 'Feature', geometry, properties: {} }, {
    style: { color: '#000091', weight: 2, fillColor: '#6a6af4', fillOpacity: 0.2 },
    attribution: 'Contours : IGN Admin Express (via EduAtlas)',
  }).addTo(state.map);
  state.map.fitBounds(state.layer.getBounds(), { padding: [8, 8] });
  $('perimeter').setAttribute('aria-label', `Périmètre du pôle sur la carte : ${name}`);
}

let rebuildTimer = null;

async function rebuildStatus(id) {
  clearTimeout(rebuildTimer);
  const list = id ? { rebuilds: [await api(`/api/v1/rebuilds/${id}`)] } : await api('/api/v1/rebuilds');
  const r = (list.rebuilds || [])[0];
  const p = $('rebuild-status');
  if (!r) {
    p.textContent = 'Aucune reconstruction demandée.';
    return;
  }
  p.textContent = `Dernière reconstruction : ${r.statusLabel} (demandée le ${when(r.requestedAt)}`
    + ` par ${r.requestedBy}${r.finishedAt ? `, terminée le ${when(r.finishedAt)}` : ''})`
    + `${r.status === 'failed' && r.detail ? ` — ${r.detail}` : ''}.`;
  p.dataset.status = r.status;
  if (r.status === 'queued' || r.status === 'building') {
    rebuildTimer = setTimeout(() => rebuildStatus(r.id).catch(() => {}), 1500);
  }
}

// ---- upload -------------------------------------------------------------------------------

function chosen(files) {
  state.files = Array.from(files);
  $('upload-chosen').textContent = state.files.length
    ? `${state.files.length} fichier(s) : ${state.files.map((f) => f.name).join(', ')}`
    : '';
}

function upload(ev) {
  ev.preventDefault();
  if (!state.files || !state.files.length) {
    status('Choisissez au moins un fichier.', true);
    return;
  }
  const form = new FormData();
  for (const f of state.files) form.append('files', f, f.name);
  // XMLHttpRequest, for the upload's progress (fetch does not report it).
  const xhr = new XMLHttpRequest();
  xhr.open('POST', `${hubBase()}/uploads`);
  xhr.setRequestHeader('Accept', 'application/json');
  xhr.setRequestHeader(state.session.csrfHeader, state.session.csrf);
  const bar = $('upload-progress');
  bar.hidden = false;
  bar.value = 0;
  xhr.upload.onprogress = (e) => {
    if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
  };
  xhr.onload = () => {
    bar.hidden = true;
    let body = null;
    try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
    if (xhr.status >= 400) {
      status((body && (body.detail || body.title)) || `erreur ${xhr.status}`, true);
      return;
    }
    // The next upload starts from an empty choice.
    $('upload-form').reset();
    chosen([]);
    status(body.versions.length
      ? `Envoi vérifié : ${body.versions.length} version(s) brouillon créée(s).`
      : 'Envoi vérifié : aucune ligne acceptée, aucune version créée.');
    showReport(body);
  };
  xhr.onerror = () => {
    bar.hidden = true;
    status("L'envoi a échoué (connexion interrompue) : rien n'a été enregistré.", true);
  };
  status('Envoi en cours…');
  xhr.send(form);
}

function showReport(body) {
  const r = body.report;
  state.report = r;
  $('report').hidden = false;
  const versions = body.versions.map((v) => `${(DATASETS[v.dataset] || { label: v.dataset }).label} n° ${v.number}`);
  $('report-summary').textContent = `${fmt.format(r.read)} lignes lues, ${fmt.format(r.accepted)} acceptées, `
    + `${fmt.format(r.rejected)} refusées dont ${fmt.format(r.outOfScope)} hors périmètre.`
    + (versions.length ? ` Versions créées : ${versions.join(', ')}.` : '');
  $('report-csv').href = `${hubBase()}/uploads/${body.upload}?format=csv`;
  const reasons = new Set();
  for (const f of r.files) {
    for (const x of f.rejections || []) if (!x.outOfScope) reasons.add(x.reason);
  }
  const sel = $('report-filter');
  sel.replaceChildren(new Option('Tous les motifs', ''));
  for (const reason of [...reasons].sort()) sel.appendChild(new Option(reason, reason));
  renderReport();
}

function renderReport() {
  const r = state.report;
  const only = $('report-filter').value;
  const refused = [];
  const outside = [];
  for (const f of r.files) {
    if (f.error) refused.push({ file: f.file, line: '', field: '', reason: f.error, raw: '' });
    for (const x of f.rejections || []) {
      (x.outOfScope ? outside : refused).push(Object.assign({ file: f.file }, x));
    }
  }
  rows($('report-rows').tBodies[0], refused.filter((x) => !only || x.reason === only), (tr, x) => {
    cell(tr, x.file); cell(tr, x.line); cell(tr, x.field || '—'); cell(tr, x.reason); cell(tr, x.raw || '', 'raw');
  });
  rows($('report-outside').tBodies[0], outside, (tr, x) => {
    cell(tr, x.file); cell(tr, x.line); cell(tr, x.reason);
  });
}

// ---- versions -----------------------------------------------------------------------------

async function versions() {
  const sel = $('versions-dataset');
  if (!sel.options.length) {
    for (const d of state.hub.scope.datasets) sel.appendChild(new Option((DATASETS[d] || { label: d }).label, d));
  }
  const list = (await api(`${hubBase()}/versions?jeu=${encodeURIComponent(sel.value)}`)).versions;
  rows($('versions-table').tBodies[0], list, (tr, v) => {
    cell(tr, v.number); cell(tr, when(v.createdAt)); cell(tr, v.createdBy); cell(tr, fmt.format(v.rows));
    cell(tr, v.latestObservation || '—');
    cell(tr, v.current ? `publiée (${when(v.publishedAt)})` : v.publishedAt ? 'publiée auparavant' : 'brouillon');
    const td = cell(tr, '');
    td.textContent = '';
    if (!v.current && may('valideur')) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = v.publishedAt || list.some((o) => o.current && o.number > v.number)
        ? `Revenir à la version ${v.number}` : `Publier la version ${v.number}`;
      b.addEventListener('click', () => publish(v.dataset, v.number));
      td.appendChild(b);
    } else {
      td.textContent = v.current ? 'en service' : '—';
    }
  });
  for (const id of ['diff-from', 'diff-to']) {
    const s = $(id);
    s.replaceChildren(...list.map((v) => new Option(`n° ${v.number}`, v.number)));
  }
  if (list.length > 1) $('diff-from').value = list[1].number;
}

async function publish(dataset, number) {
  const r = await api(`${hubBase()}/versions/${encodeURIComponent(dataset)}/${number}/publication`, { method: 'POST' })
    .catch((e) => { status(e.message, true); return null; });
  if (!r) return;
  status(`${r.rollback ? 'Retour à' : 'Publication de'} la version ${number} : reconstruction ${r.rebuild ? r.rebuild.statusLabel : 'non demandée'}.`);
  await versions();
  if (r.rebuild) {
    $('rebuild-status').dataset.status = r.rebuild.status;
    await rebuildStatus(r.rebuild.id);
  }
}

async function diff(ev) {
  ev.preventDefault();
  const d = await api(`${hubBase()}/diff/${encodeURIComponent($('versions-dataset').value)}?de=${$('diff-from').value}&a=${$('diff-to').value}`)
    .catch((e) => { status(e.message, true); return null; });
  if (!d) return;
  const out = $('diff');
  out.replaceChildren();
  const h = document.createElement('p');
  h.textContent = `De la version ${d.from} à la version ${d.to} : ${d.added.length} ligne(s) ajoutée(s), `
    + `${d.changed.length} modifiée(s), ${d.removed.length} retirée(s).`;
  out.appendChild(h);
  const table = document.createElement('table');
  table.tabIndex = 0; // scrollable on small screens: reachable by keyboard
  table.innerHTML = '<caption>Lignes ajoutées, modifiées ou retirées</caption><thead><tr><th scope="col">Ligne</th><th scope="col">Champ</th><th scope="col">Avant</th><th scope="col">Après</th></tr></thead><tbody></tbody>';
  const items = [];
  for (const c of d.changed) for (const [f, [a, b]] of Object.entries(c.fields)) items.push([c.key, f, a, b]);
  for (const k of d.added) items.push([k, '(ligne ajoutée)', '', '']);
  for (const k of d.removed) items.push([k, '(ligne retirée)', '', '']);
  rows(table.tBodies[0], items.slice(0, 2000), (tr, x) => x.forEach((v) => cell(tr, v)));
  out.appendChild(table);
}

// ---- conflicts, audit ---------------------------------------------------------------------

async function conflicts() {
  const list = (await api(`${hubBase()}/conflicts`)).conflicts;
  rows($('conflicts-table').tBodies[0], list, (tr, c) => {
    cell(tr, (DATASETS[c.dataset] || { label: c.dataset }).label); cell(tr, c.uai); cell(tr, c.year);
    cell(tr, `${c.kept_contribution}${c.kept_competent ? ' (compétent)' : ''}`);
    cell(tr, `${c.overridden_contribution}${c.overridden_competent ? ' (compétent)' : ''}`);
    cell(tr, RULES[c.rule] || c.rule);
  });
}

async function audit() {
  const list = (await api(`${hubBase()}/audit?limit=500`)).audit;
  rows($('audit-table').tBodies[0], list, (tr, a) => {
    const e = a.entry;
    cell(tr, when(a.at)); cell(tr, e.actor || '—'); cell(tr, ACTIONS[e.action] || e.action);
    cell(tr, e.version || '—'); cell(tr, e.outcome); cell(tr, e.detail || '');
  });
}

// ---- directory ----------------------------------------------------------------------------

async function directory() {
  const d = await api(`${hubBase()}/annuaire`);
  const latest = d.versions[0];
  $('directory-state').textContent = latest
    ? `Dernière version : n° ${latest.number} du ${when(latest.createdAt)} par ${latest.createdBy}`
      + (d.published ? ` — version publiée : n° ${d.published.number}.` : ' — aucune version publiée.')
    : 'Aucun annuaire enregistré.';
  $('directory-json').value = JSON.stringify(latest ? latest.body : d.example, null, 2);
  $('directory-save').disabled = !may('contributeur');
  $('directory-publish').disabled = !may('valideur') || !latest;
  preview(d.published ? d.published.body : null);
}

function preview(body) {
  const out = $('directory-preview');
  out.replaceChildren();
  if (!body) {
    out.textContent = 'Rien de publié.';
    return;
  }
  const h = document.createElement('h3');
  h.textContent = `${body.acteurs.length} acteur(s), ${body.projets.length} projet(s)`;
  out.appendChild(h);
  const ul = document.createElement('ul');
  for (const p of body.projets) {
    const li = document.createElement('li');
    li.textContent = `${p.nom} — levier ${p.levier}, ${p.statut}`
      + (p.budget != null ? `, ${fmt.format(p.budget)} €` : '');
    ul.appendChild(li);
  }
  out.appendChild(ul);
}

async function saveDirectory() {
  $('directory-errors').replaceChildren();
  let body;
  try {
    body = JSON.parse($('directory-json').value);
  } catch (e) {
    $('directory-errors').textContent = `JSON illisible : ${e.message}`;
    return;
  }
  const r = await fetch(`${hubBase()}/annuaire`, {
    method: 'POST', credentials: 'same-origin', body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', [state.session.csrfHeader]: state.session.csrf },
  });
  const answer = await r.json();
  if (!r.ok) {
    const ul = document.createElement('ul');
    for (const e of answer.errors || [answer.detail]) {
      const li = document.createElement('li');
      li.textContent = e;
      ul.appendChild(li);
    }
    $('directory-errors').appendChild(ul);
    return;
  }
  status(`Annuaire enregistré : version brouillon n° ${answer.number}.`);
  await directory();
}

async function publishDirectory() {
  const d = await api(`${hubBase()}/annuaire`);
  const n = d.versions[0].number;
  await api(`${hubBase()}/annuaire/versions/${n}/publication`, { method: 'POST' })
    .then(() => status(`Annuaire n° ${n} publié.`))
    .catch((e) => status(e.message, true));
  await directory();
}

// ---- templates ----------------------------------------------------------------------------

async function templates() {
  const ul = $('templates');
  ul.replaceChildren();
  for (const d of state.hub.scope.datasets) {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = `${hubBase()}/templates/${encodeURIComponent(d)}`;
    a.textContent = `${(DATASETS[d] || { label: d }).label} (${d}.csv)`;
    li.appendChild(a);
    ul.appendChild(li);
  }
}

// ---- start --------------------------------------------------------------------------------

async function logout() {
  await fetch('/contribuer/deconnexion', {
    method: 'POST', credentials: 'same-origin', headers: { [state.session.csrfHeader]: state.session.csrf },
  });
  window.location.assign('/contribuer/connexion');
}

async function start() {
  state.session = await api('/api/v1/session');
  $('member').textContent = state.session.member;
  state.hubs = (await api('/api/v1/hubs')).hubs;
  const sel = $('hub-select');
  for (const h of state.hubs) sel.appendChild(new Option(h.name, h.id));
  if (!state.hubs.length) {
    status("Vous n'êtes membre d'aucun pôle : demandez un rôle à l'administrateur de l'instance.", true);
    return;
  }
  state.hub = state.hubs[0];
  sel.addEventListener('change', () => {
    state.hub = state.hubs.find((h) => h.id === sel.value);
    $('versions-dataset').replaceChildren();
    $('report').hidden = true;
    route();
  });
  $('logout').addEventListener('click', logout);
  $('upload-form').addEventListener('submit', upload);
  $('upload-files').addEventListener('change', (e) => chosen(e.target.files));
  const zone = $('dropzone');
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => { e.preventDefault(); zone.classList.remove('over'); chosen(e.dataTransfer.files); });
  $('report-filter').addEventListener('change', renderReport);
  $('versions-dataset').addEventListener('change', () => versions().catch((e) => status(e.message, true)));
  $('diff-form').addEventListener('submit', diff);
  $('directory-save').addEventListener('click', () => saveDirectory().catch((e) => status(e.message, true)));
  $('directory-publish').addEventListener('click', () => publishDirectory().catch((e) => status(e.message, true)));
  window.addEventListener('hashchange', route);
  route();
  document.body.dataset.ready = 'true';
}

start().catch((e) => status(e.message, true));
