// A Leaflet grid layer that draws EduAtlas' vector tiles (MVT) on canvases, decoded with
// @mapbox/vector-tile and pbf, and answers "which feature is here?" for tooltips and clicks.
/* global L, Pbf, VectorTile */

const POLYGON = 3;
const POINT = 1;

let hatch;
/** A diagonal grey hatching, made once. */
function hatchPattern(ctx) {
  if (!hatch) {
    const c = document.createElement('canvas');
    c.width = 8;
    c.height = 8;
    const g = c.getContext('2d');
    g.strokeStyle = '#9a9a9a';
    g.lineWidth = 1;
    g.beginPath();
    g.moveTo(0, 8);
    g.lineTo(8, 0);
    g.stroke();
    hatch = c;
  }
  return ctx.createPattern(hatch, 'repeat');
}

function decode(buffer, layerName) {
  const tile = new VectorTile(new Pbf(buffer));
  const layer = tile.layers[layerName];
  if (!layer) {
    return [];
  }
  const out = [];
  for (let i = 0; i < layer.length; i++) {
    const f = layer.feature(i);
    out.push({ type: f.type, properties: f.properties, rings: f.loadGeometry(), extent: layer.extent });
  }
  return out;
}

function insideRings(rings, x, y) {
  // Even-odd rule over all the feature's rings (exteriors and holes alike).
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const a = ring[i];
      const b = ring[j];
      if ((a.y > y) !== (b.y > y) && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) {
        inside = !inside;
      }
    }
  }
  return inside;
}

export const MvtLayer = L.GridLayer.extend({
  options: {
    layerName: null, // the MVT layer to draw
    load: null, // function (coords) -> Promise of the tile's bytes, or null where there is none
    style: null, // function (properties) -> {fill, stroke, weight, radius, opacity} or null to skip
    onDrawn: null, // function () after a tile is drawn
  },

  initialize(options) {
    L.GridLayer.prototype.initialize.call(this, options);
    this._tiles_ = new Map();
  },

  createTile(coords, done) {
    const size = this.getTileSize();
    const ratio = window.devicePixelRatio || 1;
    const canvas = L.DomUtil.create('canvas', 'eduatlas-tile');
    canvas.width = size.x * ratio;
    canvas.height = size.y * ratio;
    canvas.style.width = `${size.x}px`;
    canvas.style.height = `${size.y}px`;
    canvas.setAttribute('aria-hidden', 'true');
    const key = this._tileCoordsToKey(coords);
    this.options.load(coords)
      .then((buffer) => {
        const features = buffer ? decode(buffer, this.options.layerName) : [];
        this._tiles_.set(key, { canvas, features, coords });
        this._draw(key);
        done(null, canvas);
      })
      .catch((e) => done(e, canvas));
    return canvas;
  },

  _removeTile(key) {
    this._tiles_.delete(key);
    L.GridLayer.prototype._removeTile.call(this, key);
  },

  /** Redraws every loaded tile with the current style (new values, classes or filters). */
  restyle() {
    for (const key of this._tiles_.keys()) {
      this._draw(key);
    }
  },

  /** Whether every tile in view has been loaded and drawn. */
  isComplete() {
    return !this._loading && this._tiles_.size > 0;
  },

  _draw(key) {
    const t = this._tiles_.get(key);
    if (!t) {
      return;
    }
    const ctx = t.canvas.getContext('2d');
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, t.canvas.width, t.canvas.height);
    for (const f of t.features) {
      const s = this.options.style(f.properties);
      if (!s) {
        continue;
      }
      const k = t.canvas.width / f.extent;
      ctx.globalAlpha = s.opacity === undefined ? 1 : s.opacity;
      if (f.type === POLYGON) {
        ctx.beginPath();
        for (const ring of f.rings) {
          ring.forEach((p, i) => (i ? ctx.lineTo(p.x * k, p.y * k) : ctx.moveTo(p.x * k, p.y * k)));
          ctx.closePath();
        }
        if (s.fill) {
          ctx.fillStyle = s.fill;
          ctx.fill('evenodd');
        }
        if (s.hatch) {
          // Territories outside the filters: hatched, unlike "no data" (plain grey).
          ctx.fillStyle = hatchPattern(ctx);
          ctx.fill('evenodd');
        }
        if (s.stroke) {
          ctx.strokeStyle = s.stroke;
          ctx.lineWidth = (s.weight || 0.5) * (window.devicePixelRatio || 1);
          ctx.stroke();
        }
      } else if (f.type === POINT) {
        const r = (s.radius || 4) * (window.devicePixelRatio || 1);
        for (const ring of f.rings) {
          for (const p of ring) {
            ctx.beginPath();
            ctx.arc(p.x * k, p.y * k, r, 0, 2 * Math.PI);
            ctx.fillStyle = s.fill;
            ctx.fill();
            ctx.strokeStyle = s.stroke || '#222';
            ctx.lineWidth = 1;
            ctx.stroke();
          }
        }
      }
    }
    ctx.globalAlpha = 1;
    if (this.options.onDrawn) {
      this.options.onDrawn();
    }
  },

  /** The topmost drawn feature under a map position, or null. */
  featureAt(latlng) {
    return this.featuresAt(latlng, true)[0] || null;
  },

  /** Every drawn feature under a map position, topmost first (only the first when {@code one}). */
  featuresAt(latlng, one = false) {
    const out = [];
    if (!this._map || this._tileZoom === undefined) {
      return out;
    }
    const size = this.getTileSize();
    const p = this._map.project(latlng, this._tileZoom);
    const x = Math.floor(p.x / size.x);
    const y = Math.floor(p.y / size.y);
    const t = this._tiles_.get(`${x}:${y}:${this._tileZoom}`);
    if (!t) {
      return out;
    }
    for (let i = t.features.length - 1; i >= 0; i--) {
      const f = t.features[i];
      const scale = f.extent / size.x;
      const lx = (p.x - x * size.x) * scale;
      const ly = (p.y - y * size.y) * scale;
      if (!this.options.style(f.properties)) {
        continue;
      }
      let hit = f.type === POLYGON && insideRings(f.rings, lx, ly);
      if (f.type === POINT) {
        const reach = 8 * scale;
        hit = f.rings.some((ring) => ring.some((q) => Math.hypot(q.x - lx, q.y - ly) <= reach));
      }
      if (hit) {
        out.push(f);
        if (one) break;
      }
    }
    return out;
  },

  /** The drawn tile canvases with their position in the map container, for the PNG export. */
  canvases() {
    return [...this._tiles_.values()].map((t) => t.canvas);
  },
});
