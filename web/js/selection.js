// The call-for-interest panel: criteria form, shortlist on the map, explanations and exports.
// Talks to /api/v1/selections only; the shortlist's id goes in the permalink (ami=ID).
/* global L */

const fmt = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });
const pct = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 0 });
const eur = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
const WAYS = { fibre: 'fibre', thd_radio: 'THD radio', mobile: '4G/5G fixe', satellite: 'satellite' };
const DENSITY = {
  1: 'grands centres urbains', 2: 'centres urbains intermédiaires', 3: 'ceintures urbaines',
  4: 'petites villes', 5: 'bourgs ruraux', 6: 'rural à habitat dispersé', 7: 'rural à habitat très dispersé',
};
const TYPES = { ecole: 'Écoles', college: 'Collèges', lycee: 'Lycées' };
const LEVEL_NAMES = { region: 'région', academie: 'académie', departement: 'département' };

function quotaText(q) {
  const where = q.code === '*' ? `chaque ${LEVEL_NAMES[q.level]}` : `${LEVEL_NAMES[q.level]} ${q.code}`;
  const bounds = [q.min !== undefined ? `au moins ${q.min}` : null, q.max !== undefined ? `au plus ${q.max}` : null];
  return `${where} : ${bounds.filter(Boolean).join(' et ')}`;
}

/**
 * Wires the panel. ctx: { map, el, getJson, status, onChange(id) } — onChange records the shown
 * selection in the permalink.
 */
export function setupSelection(ctx) {
  const { map, el } = ctx;
  const $ = (id) => document.getElementById(id);
  let defaults = null;
  let overlay = null;
  let current = null;
  /** The perimeter chosen in the form: territories of any level, {level, code, name}. */
  let perimeter = [];
  const LEVEL_LABELS = { region: 'région', academie: 'académie', departement: 'département', epci: 'EPCI', commune: 'commune', programme: 'programme' };

  function renderPerimeter() {
    const list = $('ami-perimeter-list');
    list.replaceChildren(...perimeter.map((t, k) => el('li', {},
      `${t.name} (${LEVEL_LABELS[t.level] || t.level} ${t.code}) `,
      el('button', { type: 'button', class: 'link', 'aria-label': `Retirer ${t.name} du périmètre`, text: 'retirer',
        onclick: () => { perimeter.splice(k, 1); renderPerimeter(); } }))));
    $('ami-perimeter-empty').hidden = perimeter.length > 0;
  }

  async function searchPerimeter() {
    const q = $('ami-perimeter-q').value.trim();
    const out = $('ami-perimeter-results');
    if (q.length < 2) {
      out.replaceChildren();
      return;
    }
    const r = await ctx.getJson(`/api/v1/territories?q=${encodeURIComponent(q)}&limit=8`);
    // The perimeter levels the selection accepts (its communes carry these territories).
    const levels = ['region', 'academie', 'departement', 'epci', 'commune'];
    out.replaceChildren(...(r.territories || r.results || []).filter((t) => levels.includes(t.level)).map((t) => el('li', {},
      el('button', { type: 'button', class: 'link', text: `${t.name} (${LEVEL_LABELS[t.level]} ${t.code})`,
        onclick: () => {
          if (!perimeter.some((x) => x.level === t.level && x.code === t.code)) perimeter.push({ level: t.level, code: t.code, name: t.name });
          out.replaceChildren();
          $('ami-perimeter-q').value = '';
          renderPerimeter();
          $('ami-perimeter-q').focus();
        } }))));
  }

  async function ensureForm() {
    if (defaults) return;
    defaults = await ctx.getJson('/api/v1/selections/defaults');
    const c = defaults.criteria;
    const form = $('ami-form');
    const years = el('select', { id: 'ami-year', name: 'year' });
    for (const y of defaults.years.slice().reverse()) years.append(el('option', { value: String(y), text: `${y - 1}-${y}` }));
    const density = el('fieldset', {}, el('legend', { text: 'Grille de densité (Insee)' }));
    for (const [k, label] of Object.entries(DENSITY)) {
      density.append(el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'density', value: k, checked: c.eligibility.densityLevels.includes(Number(k)) }), ` ${k} — ${label}`));
    }
    const types = el('fieldset', {}, el('legend', { text: 'Établissements pris en compte' }));
    for (const [k, label] of Object.entries(TYPES)) {
      types.append(el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'type', value: k, checked: c.eligibility.schoolTypes.includes(k) }), ` ${label}`));
    }
    const weights = el('fieldset', {}, el('legend', { text: 'Poids des critères de besoin' }));
    for (const d of defaults.criteriaDefinitions) {
      weights.append(
        el('label', { for: `ami-w-${d.id}`, title: d.definition, text: d.label.toLowerCase().includes(d.unit.toLowerCase()) ? d.label : `${d.label} (${d.unit})` }),
        el('input', { id: `ami-w-${d.id}`, name: `w-${d.id}`, type: 'number', min: '0', max: '1000', step: 'any', value: String(c.weights[d.id]) }),
      );
    }
    let timer;
    const perimeterBox = el('fieldset', { id: 'ami-perimeter' }, el('legend', { text: 'Périmètre' }),
      el('p', { id: 'ami-perimeter-empty', class: 'meta', text: 'Toute la France (aucun territoire choisi).' }),
      el('ul', { id: 'ami-perimeter-list', class: 'perimeter-list' }),
      el('label', { for: 'ami-perimeter-q', text: 'Ajouter un territoire (région, académie, département, EPCI, commune)' }),
      el('input', { id: 'ami-perimeter-q', type: 'search', autocomplete: 'off', spellcheck: 'false',
        oninput: () => { clearTimeout(timer); timer = setTimeout(() => searchPerimeter().catch((e) => ctx.status(e.message)), 200); },
        onkeydown: (e) => { if (e.key === 'Enter') e.preventDefault(); } }),
      el('ul', { id: 'ami-perimeter-results', class: 'perimeter-results', 'aria-live': 'polite' }),
      el('button', { type: 'button', id: 'ami-perimeter-tne', class: 'link', text: 'Ajouter les territoires numériques éducatifs (programme TNE)',
        onclick: () => {
          if (!perimeter.some((x) => x.level === 'programme' && x.code === 'tne')) perimeter.push({ level: 'programme', code: 'tne', name: 'Territoires numériques éducatifs' });
          renderPerimeter();
        } }));
    form.replaceChildren(
      perimeterBox,
      el('label', { for: 'ami-count', text: 'Nombre de communes à retenir' }),
      el('input', { id: 'ami-count', name: 'count', type: 'number', min: '1', max: '500', value: String(c.count), required: true }),
      el('label', { for: 'ami-year', text: 'Année scolaire des données de connectivité' }), years,
      density,
      el('label', { for: 'ami-pop', text: 'Population municipale inférieure à (vide : sans plafond)' }),
      el('input', { id: 'ami-pop', name: 'maxPopulation', type: 'number', min: '1', value: c.eligibility.maxPopulation ?? '' }),
      types,
      el('label', { for: 'ami-threshold', text: 'Débit faible : sous (Mbit/s)' }),
      el('input', { id: 'ami-threshold', name: 'bandwidthThreshold', type: 'number', min: '0.1', step: 'any', value: String(c.bandwidthThreshold) }),
      weights,
      el('label', { for: 'ami-norm', text: 'Mise à l\'échelle des critères' }),
      el('select', { id: 'ami-norm', name: 'normalisation' },
        el('option', { value: 'rank', text: 'Rang centile : chaque commune placée de 0 à 100 parmi les éligibles (insensible aux valeurs extrêmes)' }),
        el('option', { value: 'minmax', text: 'Min-max : ramené entre la plus petite et la plus grande valeur' })),
      el('fieldset', { id: 'ami-budget-box' }, el('legend', { text: 'Budget de l\'appel' }),
        el('label', { for: 'ami-budget', text: 'Enveloppe en euros (vide : sans plafond)' }),
        el('input', { id: 'ami-budget', name: 'budget', type: 'number', min: '0', step: '1000', value: c.budget ?? '' }),
        el('label', { for: 'ami-count-min', text: 'Nombre minimal de communes si l\'enveloppe ne permet pas d\'en retenir autant (vide : nombre fixe)' }),
        el('input', { id: 'ami-count-min', name: 'countMin', type: 'number', min: '1', max: '500', value: '' }),
        el('label', { for: 'ami-objective', text: 'Objectif' }),
        el('select', { id: 'ami-objective', name: 'objective' },
          el('option', { value: 'score', text: 'Les besoins les plus forts (somme des scores)' }),
          el('option', { value: 'pupils', text: 'Le plus d\'élèves d\'établissements à débit faible atteints' }),
          el('option', { value: 'pupilsPerEuro', text: 'Le plus d\'élèves atteints par euro dépensé' }))),
      el('fieldset', { id: 'ami-forced' }, el('legend', { text: 'Communes retenues ou écartées d\'office' }),
        el('p', { class: 'meta', text: 'Une commune par ligne : code INSEE ; motif (par exemple « 02408 ; déjà financée par le département »).' }),
        el('label', { for: 'ami-force-in', text: 'Retenues d\'office (le jury veut les voir figurer)' }),
        el('textarea', { id: 'ami-force-in', rows: '2', spellcheck: 'false' }),
        el('label', { for: 'ami-force-out', text: 'Écartées (financées par ailleurs…)' }),
        el('textarea', { id: 'ami-force-out', rows: '2', spellcheck: 'false' })),
      el('label', { for: 'ami-dep-max', text: 'Au plus, par département (vide : sans quota)' }),
      el('input', { id: 'ami-dep-max', name: 'depMax', type: 'number', min: '0', value: '' }),
      el('label', { for: 'ami-reg-min', text: 'Au moins, par région (vide : sans quota)' }),
      el('input', { id: 'ami-reg-min', name: 'regMin', type: 'number', min: '0', value: '' }),
      el('button', { type: 'submit', id: 'ami-submit', text: 'Calculer la sélection' }),
    );
  }

  function criteriaFromForm() {
    const f = $('ami-form');
    const num = (id) => (f.querySelector(`#${id}`).value === '' ? null : Number(f.querySelector(`#${id}`).value));
    const checked = (name) => [...f.querySelectorAll(`input[name=${name}]:checked`)].map((i) => i.value);
    const weights = {};
    for (const d of defaults.criteriaDefinitions) weights[d.id] = num(`ami-w-${d.id}`) ?? 0;
    const quotas = [];
    if (num('ami-dep-max') !== null) quotas.push({ level: 'departement', code: '*', max: num('ami-dep-max') });
    if (num('ami-reg-min') !== null) quotas.push({ level: 'region', code: '*', min: num('ami-reg-min') });
    const count = num('ami-count');
    const countMin = num('ami-count-min');
    const forced = (id) => f.querySelector(`#${id}`).value.split('\n').map((l) => l.trim()).filter(Boolean)
      .map((l) => { const i = l.indexOf(';'); return i < 0 ? { code: l, reason: '' } : { code: l.slice(0, i).trim(), reason: l.slice(i + 1).trim() }; });
    return {
      count,
      ...(countMin === null ? {} : { countMin: Math.min(countMin, count ?? countMin) }),
      budget: num('ami-budget'),
      objective: f.querySelector('#ami-objective').value,
      year: num('ami-year'),
      eligibility: {
        perimeter: perimeter.map((t) => `${t.level}:${t.code}`),
        densityLevels: checked('density').map(Number),
        maxPopulation: num('ami-pop'),
        schoolTypes: checked('type'),
      },
      bandwidthThreshold: num('ami-threshold'),
      weights,
      normalisation: f.querySelector('#ami-norm').value,
      quotas,
      forceIn: forced('ami-force-in'),
      forceOut: forced('ami-force-out'),
    };
  }

  async function submit(ev) {
    ev.preventDefault();
    const out = $('ami-result');
    const solver = $('ami-budget').value !== '' || $('ami-objective').value !== 'score' || $('ami-count-min').value !== '';
    out.replaceChildren(el('p', { text: solver
      ? 'Calcul en cours (liste optimale sous budget par le solveur, et 50 tirages de sensibilité)…'
      : 'Calcul en cours (sélection optimale et 1 000 tirages de sensibilité)…' }));
    const r = await fetch('/api/v1/selections', {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(criteriaFromForm()),
    });
    const body = await r.json();
    if (!r.ok) {
      const list = el('ul', { class: 'errors' });
      for (const e of body.errors || [body.detail]) list.append(el('li', { text: e }));
      out.replaceChildren(el('p', { class: 'error', role: 'alert', text: `${body.title} : ${body.detail}` }), list);
      return;
    }
    show(body);
  }

  /** The form shows the criteria of the selection on display. */
  function fillForm(c) {
    const f = $('ami-form');
    const set = (id, v) => { f.querySelector(`#${id}`).value = v === null || v === undefined ? '' : String(v); };
    set('ami-count', c.count);
    set('ami-year', c.year);
    set('ami-pop', c.eligibility.maxPopulation);
    set('ami-threshold', c.bandwidthThreshold);
    set('ami-norm', c.normalisation);
    set('ami-budget', c.budget);
    set('ami-count-min', c.countMin === c.count ? null : c.countMin);
    set('ami-objective', c.objective || 'score');
    set('ami-force-in', (c.forceIn || []).map((x) => `${x.code} ; ${x.reason}`).join('\n'));
    set('ami-force-out', (c.forceOut || []).map((x) => `${x.code} ; ${x.reason}`).join('\n'));
    for (const i of f.querySelectorAll('input[name=density]')) i.checked = c.eligibility.densityLevels.includes(Number(i.value));
    for (const i of f.querySelectorAll('input[name=type]')) i.checked = c.eligibility.schoolTypes.includes(i.value);
    for (const d of defaults.criteriaDefinitions) set(`ami-w-${d.id}`, c.weights[d.id]);
    const dep = c.quotas.find((q) => q.level === 'departement' && q.code === '*' && q.max !== undefined);
    const reg = c.quotas.find((q) => q.level === 'region' && q.code === '*' && q.min !== undefined);
    set('ami-dep-max', dep ? dep.max : null);
    set('ami-reg-min', reg ? reg.min : null);
    const known = new Map(perimeter.map((t) => [`${t.level}:${t.code}`, t.name]));
    perimeter = (c.eligibility.perimeter || []).map((p) => {
      const [level, code] = p.split(':');
      return { level, code, name: known.get(p) || `${LEVEL_LABELS[level] || level} ${code}` };
    });
    renderPerimeter();
  }

  async function show(s) {
    current = s;
    ctx.onChange(s.id);
    fillForm(s.criteria);
    const out = $('ami-result');
    const base = `/api/v1/selections/${s.id}`;
    const p = s.provenance;
    const summary = el('p', { id: 'ami-summary' },
      `${s.summary.selected} communes retenues sur ${s.summary.eligible.toLocaleString('fr-FR')} éligibles`,
      ` · année scolaire ${p.schoolYear} · ${s.sensitivity.runs ? `${s.sensitivity.stable} retenues dans au moins 95 % des ${s.sensitivity.runs.toLocaleString('fr-FR')} tirages (poids ±${Math.round(s.sensitivity.perturbation * 100)} %)` : 'sans tirage de sensibilité'} `,
      p.simulated ? el('span', { class: 'simulated', text: 'données simulées' }) : null);
    const where = perimeter.length ? `Périmètre : ${perimeter.map((t) => t.name).join(', ')}. ` : 'Périmètre : toute la France. ';
    const note = el('p', { class: 'meta', text: `${where}${p.note ? `${p.note} ` : ''}Sources : grille de densité ${p.densityGridYear}, populations légales ${p.populationYear}, couverture fibre ${p.fibreCoverageYear}. Sélection ${s.id}, données ${s.dataVersion}.` });
    const exports = el('p', { class: 'exports' },
      el('a', { href: `${base}?format=csv&sep=;&decimal=,`, download: `selection-${s.id}.csv`, text: 'CSV' }), ' · ',
      el('a', { href: `${base}?format=csv&sep=;&decimal=,&scope=toutes`, download: `selection-${s.id}-toutes-communes.csv`, text: 'CSV de toutes les communes (motifs d\'exclusion)' }), ' · ',
      el('a', { href: base, download: `selection-${s.id}.json`, text: 'JSON' }), ' · ',
      el('a', { href: `${base}?format=geojson`, download: `selection-${s.id}.geojson`, text: 'GeoJSON' }));
    const table = el('table', { id: 'ami-table', 'aria-label': 'Communes retenues' },
      el('thead', {}, el('tr', {}, el('th', { text: 'Rang' }), el('th', { text: 'Commune' }), el('th', { text: 'Score' }), el('th', {}, el('abbr', { title: 'Part des 1 000 tirages (poids des critères perturbés au hasard) où la commune reste retenue : sa stabilité', text: 'Stabilité' })), el('th', { text: 'Coût estimé' }))));
    const tbody = el('tbody');
    for (const e of s.selected) tbody.append(row(e));
    table.append(tbody);
    const near = el('details', {}, el('summary', { text: `Communes suivantes non retenues (${s.nearMisses.length})` }));
    const nearList = el('ol', { class: 'near' });
    for (const e of s.nearMisses) nearList.append(el('li', {}, el('a', { href: '#', text: `${e.name} (${e.departement.code}) — ${fmt.format(e.score)}`, onclick: (ev) => { ev.preventDefault(); explain(e); } }), el('div', { class: 'meta', text: e.reason })));
    near.append(nearList);
    const quotas = s.quotas.length
      ? el('p', { class: 'meta', text: `Quotas : ${s.quotas.filter((q) => q.selected > 0 || q.min).length} territoires concernés, tous respectés (${s.criteria.quotas.map(quotaText).join(' ; ')}).` })
      : null;
    const o = s.optimisation;
    const budgetText = o && o.budget !== null && o.budget !== undefined
      ? ` pour une enveloppe de ${eur.format(o.budget)} (${eur.format(o.budget - s.summary.estimatedCost)} non engagés)`
      : '';
    const cost = el('p', { id: 'ami-cost', text: `Coût estimé de la liste : ${eur.format(s.summary.estimatedCost)}${budgetText} (raccordement et espace numérique des établissements à débit faible ; montants hypothétiques, voir la méthode).` });
    const OBJECTIVES = { score: 'somme des scores', pupils: 'élèves atteints', pupilsPerEuro: 'élèves atteints par euro' };
    const optim = o ? el('p', { id: 'ami-optimisation', class: 'meta', text: o.status === 'optimale'
      ? `Liste optimale (${OBJECTIVES[o.objective] || o.objective}), prouvée par ${o.method.startsWith('glouton') ? 'l\'algorithme glouton exact' : 'le solveur'} en ${fmt.format(o.seconds)} s.`
      : `Liste réalisable trouvée dans la limite de ${fmt.format(o.timeLimit)} s : écart à l'optimum d'au plus ${fmt.format(100 * (o.gap ?? 0))} %.` }) : null;
    const byEpci = s.byEpci && s.byEpci.length ? el('details', { id: 'ami-epci' }, el('summary', { text: `Par EPCI (${s.byEpci.filter((g) => g.code).length})` }),
      el('table', { 'aria-label': 'Communes retenues par EPCI' },
        el('thead', {}, el('tr', {}, el('th', { text: 'EPCI' }), el('th', { text: 'Communes' }), el('th', { text: 'Élèves concernés' }), el('th', { text: 'Coût estimé' }))),
        el('tbody', {}, ...s.byEpci.map((g) => el('tr', {},
          el('td', { text: g.code ? `${g.name} (${g.code})` : g.name }),
          el('td', { text: String(g.communes.length) }),
          el('td', { text: g.pupilsAffected.toLocaleString('fr-FR') }),
          el('td', { text: eur.format(g.estimatedCost) })))))) : null;
    const stability = el('p', { class: 'meta', text: 'Stabilité : part des tirages — la sélection recalculée en perturbant au hasard chaque poids — où la commune reste retenue. Une commune retenue dans presque tous les tirages ne dépend pas du réglage exact des poids.' });
    // (replaceChildren would print a missing part as the text "null")
    out.replaceChildren(...[summary, note, exports, quotas, cost, optim, table, byEpci, stability, near, el('div', { id: 'ami-explain' })].filter(Boolean));
    out.scrollIntoView({ block: 'start' });
    await drawOverlay(base);
  }

  function row(e) {
    return el('tr', { 'data-code': e.code },
      el('td', { text: String(e.rank) }),
      el('td', {}, el('a', { href: '#', text: `${e.name} (${e.departement.code})`, onclick: (ev) => { ev.preventDefault(); explain(e); } })),
      el('td', { text: fmt.format(e.score) }),
      el('td', { text: e.selectedShare === null ? '–' : pct.format(e.selectedShare) }),
      el('td', { text: e.schoolsWeak ? `${eur.format(e.estimatedCost)} (${WAYS[e.connectionWay] || e.connectionWay})` : '–' }));
  }

  function explain(e) {
    const box = $('ami-explain');
    const t = el('table', { 'aria-label': `Score de ${e.name}` },
      el('thead', {}, el('tr', {}, el('th', { text: 'Critère' }), el('th', { text: 'Valeur' }), el('th', { text: 'Normalisé' }), el('th', { text: 'Poids' }), el('th', { text: 'Points' }))));
    const tb = el('tbody');
    for (const c of e.criteria) {
      tb.append(el('tr', {},
        el('td', { text: c.label }),
        el('td', { text: c.raw === null ? 'manquante (médiane imputée)' : `${fmt.format(c.raw)} ${c.unit}` }),
        el('td', { text: fmt.format(c.normalised) }),
        el('td', { text: pct.format(c.weight) }),
        el('td', { text: fmt.format(c.contribution) })));
    }
    tb.append(el('tr', {}, el('th', { text: 'Score' }), el('td'), el('td'), el('td'), el('th', { text: fmt.format(e.score) })));
    t.append(tb);
    box.replaceChildren(
      el('h3', { text: `${e.name} (${e.code}), ${e.departement.name}` }),
      el('p', { class: 'meta', text: `${e.status === 'retenue' ? (e.reason ? `Retenue d'office : ${e.reason.replace(/^retenue d'office : /, '')}` : 'Retenue') : `Non retenue : ${e.reason}`} · ${e.population ?? '?'} habitants · densité ${e.densityLevel} · ${e.schoolsWeak} établissement(s) à débit faible sur ${e.schoolsKnown} · ${e.pupilsAffected} élèves concernés` }),
      t);
    if (overlay) {
      overlay.eachLayer((l) => {
        if (l.feature && l.feature.id === e.code) map.fitBounds(l.getBounds(), { maxZoom: 11 });
      });
    }
  }

  async function drawOverlay(base) {
    const fc = await ctx.getJson(`${base}?format=geojson`);
    if (overlay) overlay.remove();
    overlay = L.geoJSON(fc, {
      style: (f) => (f.properties.statut === 'retenue'
        ? { color: '#ce0500', weight: 2.5, fillColor: '#ce0500', fillOpacity: 0.25, className: 'ami-selected' }
        : { color: '#b34000', weight: 1.5, dashArray: '4 3', fill: false, className: 'ami-near' }),
      onEachFeature: (f, layer) => {
        layer.bindTooltip(`${f.properties.rang}. ${f.properties.commune}${f.properties.statut === 'retenue' ? '' : ' (non retenue)'}`);
        // A click on a commune of the shortlist explains it here (not the territory panel, which
        // this panel would hide).
        layer.on('click', (ev) => {
          L.DomEvent.stop(ev);
          const e = [...current.selected, ...current.nearMisses].find((x) => x.code === f.id);
          if (e) explain(e);
        });
      },
    }).addTo(map);
    document.body.dataset.ami = current.id;
  }

  const WORKS = { prevu: 'travaux prévus', 'en-cours': 'travaux en cours', raccorde: 'raccordé' };
  const mbps = (v) => (v === null || v === undefined ? '—' : `${fmt.format(v)} Mbit/s`);

  /** The campaigns run on shortlists: state, laureates, works, bandwidth before and after. */
  async function loadCampaigns() {
    const box = $('ami-campaign-list');
    const list = (await ctx.getJson('/api/v1/campaigns')).campaigns;
    if (!list.length) {
      box.replaceChildren(el('p', { class: 'meta', text: 'Aucune campagne ouverte sur une sélection pour le moment (les pôles de données les ouvrent depuis l\'espace contributeurs).' }));
      return;
    }
    box.replaceChildren(...list.map((k) => {
      const d = el('details', { class: 'ami-campaign', 'data-campaign': k.id },
        el('summary', { text: `${k.name} — ${k.statusLabel} · ${k.communes} communes · ${k.laureates} lauréate(s)` }));
      d.addEventListener('toggle', () => {
        if (d.open && !d.dataset.loaded) {
          d.dataset.loaded = 'true';
          campaignDetail(k.id, d).catch((e) => d.append(el('p', { class: 'error', text: e.message })));
        }
      });
      return d;
    }));
  }

  async function campaignDetail(id, box) {
    const k = await ctx.getJson(`/api/v1/campaigns/${encodeURIComponent(id)}`);
    const parts = [
      el('p', { class: 'meta', text: `Candidatures du ${new Date(k.opensOn).toLocaleDateString('fr-FR')} au ${new Date(k.closesOn).toLocaleDateString('fr-FR')} · `
        + `${k.candidatures} candidature(s) · budget ${k.budget === null ? 'sans plafond' : eur.format(k.budget)} · aides accordées ${eur.format(k.aidGranted)} · `
        + `${k.connectedSchools} établissement(s) raccordé(s) sur ${k.laureateSchools}` }),
      k.note ? el('p', { class: 'meta', text: k.note }) : null,
      el('button', { type: 'button', class: 'link', text: 'Afficher la liste de la campagne sur la carte',
        onclick: () => { current = null; open(k.selection.id).catch((e) => ctx.status(e.message)); } }),
    ];
    if (k.laureates.length) {
      const t = el('table', { class: 'ami-laureates', 'aria-label': `Lauréates de ${k.name}` },
        el('thead', {}, el('tr', {}, ...['Commune', 'Établissement', 'Suivi', 'Débit mesuré avant', 'Après'].map((x) => el('th', { text: x })))));
      const tb = el('tbody');
      for (const l of k.laureates) {
        for (const s of l.schools) {
          const b = s.bandwidth;
          tb.append(el('tr', {},
            el('td', { text: l.name || l.commune }),
            el('td', { text: s.name || s.uai }),
            el('td', { text: s.works ? `${WORKS[s.works.status]} (${new Date(s.works.on).toLocaleDateString('fr-FR')})` : '—' }),
            el('td', { text: b ? `${mbps(b.medianBefore)} (${b.testsBefore} tests)` : '—' }),
            el('td', { text: b ? `${mbps(b.medianAfter)} (${b.testsAfter} tests)${b.simulated ? ' — simulé' : ''}` : '—' })));
        }
      }
      t.append(tb);
      parts.push(t, el('p', { class: 'meta', text: 'Débit : médiane des médianes journalières du débit descendant mesuré, sur l\'année avant le raccordement et depuis.' }));
    }
    box.append(...parts.filter(Boolean));
  }

  async function open(id) {
    $('ami').hidden = false;
    await ensureForm();
    loadCampaigns().catch((e) => $('ami-campaign-list').replaceChildren(el('p', { class: 'error', text: `Campagnes : ${e.message}` })));
    if (id && (!current || current.id !== id)) {
      try {
        await show(await ctx.getJson(`/api/v1/selections/${encodeURIComponent(id)}`));
      } catch (e) {
        ctx.status(`Sélection ${id} : ${e.message}`);
      }
    }
  }

  /** Hides the panel and the shortlist's outlines (a permalink without ami=). */
  function hide() {
    $('ami').hidden = true;
    if (overlay) overlay.remove();
    overlay = null;
    current = null;
    delete document.body.dataset.ami;
  }

  function close() {
    hide();
    ctx.onChange(null);
  }

  $('ami-open').addEventListener('click', () => open(null).catch((e) => ctx.status(e.message)));
  $('ami-close').addEventListener('click', close);
  $('ami-form').addEventListener('submit', (ev) => submit(ev).catch((e) => ctx.status(e.message)));
  return { open, close, hide };
}
