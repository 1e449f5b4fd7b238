// The about page's list of sources, from the indicators' catalogue (each source once).
import { getJson } from './source.js';

const list = document.getElementById('sources');
getJson('/api/v1/indicators')
  .then((catalog) => {
    const seen = new Map();
    for (const i of catalog) {
      for (const s of i.sourceDetails || []) {
        if (!seen.has(s.id)) seen.set(s.id, { ...s, indicators: [] });
        seen.get(s.id).indicators.push(i.label);
      }
    }
    list.replaceChildren();
    for (const s of seen.values()) {
      const li = document.createElement('li');
      li.textContent = [s.title, s.publisher, s.vintage, s.licence].filter(Boolean).join(' · ');
      if (s.page) {
        const a = document.createElement('a');
        a.href = s.page;
        a.rel = 'noopener';
        a.textContent = 'page de la source';
        li.append(' · ', a);
      }
      const small = document.createElement('div');
      small.className = 'aide';
      small.textContent = `Indicateurs : ${s.indicators.join(', ')}`;
      li.append(small);
      list.append(li);
    }
    document.body.dataset.ready = 'true';
  })
  .catch((e) => { list.replaceChildren(); list.textContent = `Sources indisponibles : ${e.message}`; });
