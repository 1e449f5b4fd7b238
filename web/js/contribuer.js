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
  'campagne': 'campagne', 'campagne-cloture': 'clôture de campagne', 'candidature': 'candidature',
  'decision': 'décision du jury', 'travaux': 'suivi des travaux', 'piece': 'pièce jointe',
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
    annuaire: directory, modeles: templates, campagnes: campaigns }[view];
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

// ---- call-for-interest campaigns ----------------------------------------------------------

const eur = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
const WORKS = { prevu: 'prévu', 'en-cours': 'en cours', raccorde: 'raccordé' };
const DECISION = { laureate: 'lauréate', refusee: 'refusée' };

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c) e.append(c);
  return e;
}

async function send(url, body) {
  return api(url, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
}

/** Errors of a refused write, listed under the form. */
function errorsOf(box, e) {
  box.replaceChildren(el('p', { class: 'erreur', role: 'alert', text: e.message }));
}

async function campaigns() {
  const list = (await api('/api/v1/campaigns')).campaigns;
  const sel = $('campaign-select');
  const keep = sel.value;
  sel.replaceChildren(...list.map((k) => new Option(`${k.name} — ${k.statusLabel}`, k.id)));
  if (!list.length) {
    $('campaign').replaceChildren(el('p', { text: 'Aucune campagne.' }));
    return;
  }
  if (list.some((k) => k.id === keep)) sel.value = keep;
  sel.onchange = () => campaign(sel.value).catch((e) => status(e.message, true));
  await campaign(sel.value);
}

/** The communes of the shortlist the selected hub may apply for: its commune, or its EPCI's. */
function ownCommunes(k) {
  const c = state.hub.competence || state.hub.scope;
  return k.shortlist.filter((e) => (c.level === 'commune' && e.code === c.code)
    || (c.level === 'epci' && e.epci === c.code));
}

let campaignRender = 0;

async function campaign(id) {
  // Renders can overlap (the list's first one and a choice): only the latest one is shown.
  const render = ++campaignRender;
  const k = await api(`/api/v1/campaigns/${encodeURIComponent(id)}`);
  const out = $('campaign');
  const head = el('div', {},
    el('h2', { text: k.name }),
    el('p', { id: 'campaign-state', text: `État : ${k.statusLabel} (du ${k.opensOn} au ${k.closesOn}) · porté par le pôle ${k.hub} · `
      + `${k.communes} communes dans la liste · ${k.candidatures} candidature(s) · ${k.laureates.length} lauréate(s) · `
      + `budget ${k.budget == null ? 'sans plafond' : eur.format(k.budget)}, aides accordées ${eur.format(k.aidGranted)}` }),
    k.note ? el('p', { class: 'aide', text: k.note }) : null);
  const parts = [head];
  const owner = state.hub.id === k.hub;
  if (owner) parts.push(await juryPanel(k));
  const mine = ownCommunes(k);
  if (mine.length) parts.push(await applicantPanel(k, mine));
  if (!owner && !mine.length) {
    parts.push(el('p', { class: 'aide', text: `Le pôle ${state.hub.name} ne porte pas cette campagne et aucune de ses communes n'est dans la liste.` }));
  }
  if (render !== campaignRender) return;
  out.replaceChildren(...parts);
  out.dataset.campaign = k.id;
}

async function juryPanel(k) {
  const base = `/api/v1/campaigns/${encodeURIComponent(k.id)}`;
  const j = await api(`${base}/candidatures`);
  const box = el('div', { id: 'jury' }, el('h3', { text: 'Jury' }));
  const errors = el('div', { id: 'jury-errors' });
  if (k.status !== 'close' && may('valideur')) {
    box.append(el('button', { type: 'button', id: 'campaign-close', text: 'Clore les candidatures',
      onclick: () => send(`${base}/cloture`, {}).then(() => campaign(k.id)).catch((e) => errorsOf(errors, e)) }));
  }
  box.append(el('p', { text: `Aides demandées : ${eur.format(j.aidAsked)} · accordées : ${eur.format(j.aidGranted)}`
    + (j.budgetLeft == null ? '' : ` · reste du budget : ${eur.format(j.budgetLeft)}`) }));
  const table = el('table', { id: 'jury-table', tabindex: '0' },
    el('caption', { text: 'Candidatures, avec le rang, le score et le coût estimé de la liste' }),
    el('thead', {}, el('tr', {}, ...['Rang', 'Commune', 'Score', 'Coût estimé', 'Coût du projet', 'Cofinancement', 'Aide demandée', 'Établissements', 'Pièce', 'Décision']
      .map((t) => el('th', { scope: 'col', text: t })))),
    el('tbody'));
  rows(table.tBodies[0], j.candidatures, (tr, c) => {
    cell(tr, c.rank); cell(tr, `${c.name} (${c.commune})`); cell(tr, c.score == null ? '—' : c.score.toFixed(2));
    cell(tr, eur.format(c.estimatedCost)); cell(tr, eur.format(c.cost)); cell(tr, eur.format(c.cofunding)); cell(tr, eur.format(c.aid));
    cell(tr, c.schools.map((s) => `${s.name || s.uai}`).join(', '));
    const piece = cell(tr, '');
    if (c.attachmentHref) piece.replaceChildren(el('a', { href: c.attachmentHref, text: c.attachmentName }));
    const td = cell(tr, c.decision ? `${DECISION[c.decision]}${c.comment ? ` : ${c.comment}` : ''}` : 'en attente');
    if (k.status === 'close' && may('valideur')) {
      const comment = el('input', { type: 'text', 'aria-label': `Commentaire du jury pour ${c.name}`, placeholder: 'commentaire' });
      const decide = (d) => send(`${base}/candidatures/${c.id}/decision`, { decision: d, comment: comment.value || null })
        .then(() => campaign(k.id)).catch((e) => errorsOf(errors, e));
      td.append(el('div', { class: 'actions-row' }, comment,
        el('button', { type: 'button', text: 'Lauréate', 'data-decision': 'laureate', 'data-commune': c.commune, onclick: () => decide('laureate') }),
        el('button', { type: 'button', text: 'Refusée', 'data-decision': 'refusee', 'data-commune': c.commune, onclick: () => decide('refusee') })));
    }
  });
  box.append(table, errors, el('p', {}, 'Dossier de décision : ',
    el('a', { href: `${base}/dossier`, target: '_blank', text: 'page imprimable' }), ' · ',
    el('a', { href: `${base}/dossier?format=csv`, download: `dossier-${k.id}.csv`, text: 'CSV' }), ' · ',
    el('a', { href: `${base}/dossier?format=ods`, download: `dossier-${k.id}.ods`, text: 'ODS' })));
  return box;
}

async function applicantPanel(k, communes) {
  const base = `/api/v1/campaigns/${encodeURIComponent(k.id)}`;
  const mine = (await api(`${base}/candidatures`)).candidatures.filter((c) => c.hub === state.hub.id);
  const box = el('div', { id: 'candidature' }, el('h3', { text: 'Candidature' }));
  for (const c of mine) {
    box.append(el('p', { class: 'candidature-state', text: `${c.name} (${c.commune}) : candidature du ${when(c.createdAt)}, aide demandée ${eur.format(c.aid)} — `
      + `${c.decision ? DECISION[c.decision] : 'en attente de la décision du jury'}${c.comment ? ` (${c.comment})` : ''}` }));
    if (c.decision === 'laureate') box.append(worksForm(k, c));
  }
  const open = communes.filter((e) => !mine.some((c) => c.commune === e.code));
  if (k.status !== 'ouverte' || !open.length || !may('contributeur')) {
    if (k.status === 'ouverte' && open.length && !may('contributeur')) box.append(el('p', { class: 'aide', text: 'Candidater demande le rôle contributeur.' }));
    return box;
  }
  const errors = el('div', { id: 'apply-errors' });
  const commune = el('select', { id: 'apply-commune' }, ...open.map((e) => new Option(`${e.name} (${e.code}) — rang ${e.rank}, coût estimé ${eur.format(e.estimatedCost)}`, e.code)));
  const schools = el('fieldset', { id: 'apply-schools' }, el('legend', { text: 'Établissements concernés (connexion actuelle préremplie par EduAtlas)' }));
  const loadSchools = async () => {
    const r = await api(`/api/v1/schools?commune=${encodeURIComponent(commune.value)}&limit=100`);
    // Each school with its connection as EduAtlas serves it (kept with the candidature).
    schools.replaceChildren(schools.firstChild, ...r.schools.map((s) => el('label', { class: 'check' },
      el('input', { type: 'checkbox', name: 'uai', value: s.uai }), ` ${s.name} (${s.uai}) — `
        + (s.bandwidthClass == null ? 'connexion inconnue' : `${s.bandwidthClassLabel}, ${s.bandwidthYear - 1}-${s.bandwidthYear}${s.simulated ? ' (simulé)' : ''}`))));
  };
  commune.addEventListener('change', () => loadSchools().catch((e) => errorsOf(errors, e)));
  const form = el('form', { id: 'apply-form' },
    el('label', { for: 'apply-commune', text: 'Commune candidate' }), commune, schools,
    el('label', { for: 'apply-project', text: 'Projet (raccordement, espace numérique, calendrier)' }),
    el('textarea', { id: 'apply-project', rows: '5', maxlength: '5000', required: true }),
    el('label', { for: 'apply-cost', text: 'Coût du projet (euros)' }),
    el('input', { id: 'apply-cost', type: 'number', min: '1', step: '1', required: true }),
    el('label', { for: 'apply-cofunding', text: 'Cofinancement (euros)' }),
    el('input', { id: 'apply-cofunding', type: 'number', min: '0', step: '1', value: '0' }),
    el('label', { for: 'apply-file', text: 'Pièce jointe (PDF, PNG, JPEG ou ODT ; 2 Mio au plus)' }),
    el('input', { id: 'apply-file', type: 'file', accept: '.pdf,.png,.jpg,.jpeg,.odt' }),
    el('button', { type: 'submit', id: 'apply-send', text: 'Déposer la candidature' }), errors);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const file = $('apply-file').files[0];
      let attachment = null;
      if (file) {
        if (file.size > 2 * 1024 * 1024) throw new Error(`pièce jointe de ${Math.round(file.size / 1024)} Kio : 2 048 Kio au plus`);
        const bytes = new Uint8Array(await file.arrayBuffer());
        let bin = '';
        for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        attachment = { name: file.name, type: file.type || 'application/octet-stream', content: btoa(bin) };
      }
      await send(`${base}/candidatures`, {
        hub: state.hub.id, commune: commune.value,
        schools: [...form.querySelectorAll('input[name=uai]:checked')].map((i) => i.value),
        project: $('apply-project').value, cost: Number($('apply-cost').value), cofunding: Number($('apply-cofunding').value || 0),
        attachment,
      });
      status('Candidature déposée.');
      await campaign(k.id);
    } catch (e) {
      errorsOf(errors, e);
    }
  });
  box.append(form);
  await loadSchools();
  return box;
}

function worksForm(k, c) {
  const base = `/api/v1/campaigns/${encodeURIComponent(k.id)}`;
  const laureate = k.laureates.find((l) => l.commune === c.commune);
  const box = el('div', { class: 'works' }, el('h4', { text: 'Suivi des travaux' }));
  const errors = el('div');
  for (const s of c.schools) {
    const w = laureate && laureate.schools.find((x) => x.uai === s.uai);
    const bw = w && w.bandwidth;
    box.append(el('p', { text: `${s.name || s.uai} : ${w && w.works ? `${WORKS[w.works.status]} (${w.works.on})` : 'aucun suivi'}`
      + (bw ? ` — débit médian ${bw.medianBefore == null ? '—' : bw.medianBefore.toFixed(1)} Mbit/s avant (${bw.testsBefore} tests), `
        + `${bw.medianAfter == null ? '—' : bw.medianAfter.toFixed(1)} Mbit/s après (${bw.testsAfter} tests)${bw.simulated ? ', tests simulés' : ''}` : '') }));
    const st = el('select', { 'aria-label': `État des travaux de ${s.name || s.uai}` }, ...Object.entries(WORKS).map(([v, t]) => new Option(t, v)));
    const day = el('input', { type: 'date', 'aria-label': `Date pour ${s.name || s.uai}`, value: new Date().toISOString().slice(0, 10) });
    box.append(el('div', { class: 'actions-row' }, st, day, el('button', { type: 'button', text: 'Enregistrer',
      onclick: () => send(`${base}/travaux`, { uai: s.uai, status: st.value, date: day.value })
        .then(() => campaign(k.id)).catch((e) => errorsOf(errors, e)) })));
  }
  box.append(errors);
  return box;
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
