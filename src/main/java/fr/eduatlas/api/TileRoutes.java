package fr.eduatlas.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.eduatlas.indicator.Catalog;
import fr.eduatlas.observatory.Observatory;
import fr.eduatlas.tiles.Tiles;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code /tiles/{layer}/{z}/{x}/{y}.mvt} and each layer's TileJSON ({@code /tiles/{layer}.json}).
 * Geometry tiles are cached a day by clients (their ETag is the data version); a tile carrying an
 * indicator's values names it in the query. An empty tile is a 204.
 */
final class TileRoutes {
  static final String MVT = "application/vnd.mapbox-vector-tile";

  private final Reads reads;
  private final Observatory observatory;
  private final ObjectMapper json = new ObjectMapper();
  // The tile generator holds the geometry of the data version it was made for, in memory.
  private Tiles tiles;
  private Object tilesVersion;
  private final Map<String, Tiles.Values> values = new LinkedHashMap<>(16, 0.75f, true);

  TileRoutes(Reads reads, Observatory observatory) {
    this.reads = reads;
    this.observatory = observatory;
  }

  void register(RoutesConfig app) {
    reads.get(app, "/tiles/{file}", Set.of(), this::tileJson);
    reads.get(
        app, "/tiles/{layer}/{z}/{x}/{file}", Set.of("indicator", "year", "programme"), this::tile);
  }

  private static Tiles.Layer layer(String id) {
    Tiles.Layer l = Tiles.LAYERS.get(id);
    if (l == null) {
      throw new ApiException(
          404,
          "Couche inconnue",
          "couche '" + id + "' inconnue ; couches : " + String.join(", ", Tiles.LAYERS.keySet()));
    }
    return l;
  }

  private static int coordinate(String raw, String name, int max) {
    try {
      int v = Integer.parseInt(raw);
      if (v < 0 || v > max) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          "tuile : " + name + " = '" + raw + "' hors de [0, " + max + "]");
    }
  }

  private Body tile(Reads.Read r) throws Exception {
    Context ctx = r.ctx();
    Connection c = r.connection();
    Tiles.Layer layer = layer(ctx.pathParam("layer"));
    String file = ctx.pathParam("file");
    if (!file.endsWith(".mvt")) {
      throw new ApiException(404, "Ressource introuvable", "tuile attendue en .mvt : " + file);
    }
    int z = coordinate(ctx.pathParam("z"), "z", Tiles.MAX_ZOOM);
    int n = (1 << z) - 1;
    int x = coordinate(ctx.pathParam("x"), "x", n);
    int y = coordinate(file.substring(0, file.length() - 4), "y", n);
    if (z < layer.minZoom()) {
      throw ApiException.badRequest(
          "la couche '"
              + layer.id()
              + "' est servie à partir du zoom "
              + layer.minZoom()
              + " (demandé : "
              + z
              + ")");
    }
    Tiles.Values vals = null;
    String id = ctx.queryParam("indicator");
    if (id != null) {
      if (layer.level() == null) {
        throw ApiException.badRequest(
            "paramètre 'indicator' : la couche des établissements ne porte pas d'indicateur");
      }
      Catalog.Indicator i = observatory.indicator(id);
      String period = observatory.period(c, i, ctx.queryParam("year"));
      String key = r.dataVersion() + " " + i.id() + " " + layer.level() + " " + period;
      synchronized (values) {
        vals = values.get(key);
      }
      if (vals == null) {
        vals = Tiles.values(c, i, layer.level(), period);
        synchronized (values) {
          values.put(key, vals);
          if (values.size() > 32) {
            values.remove(values.keySet().iterator().next());
          }
        }
      }
    } else if (ctx.queryParam("year") != null) {
      throw ApiException.badRequest("paramètre 'year' : sans objet sans 'indicator'");
    }
    // A programme's perimeter: its territories only (those sharing a commune with one of its
    // départements), as within=programme: on the values.
    String programme = ctx.queryParam("programme");
    java.util.Set<String> only = null;
    String perimeter = null;
    if (programme != null) {
      if (layer.level() == null) {
        // Schools: those of the programme's communes, before they are grouped.
        perimeter = Observatory.programmePerimeter(programme);
      } else {
        only = observatory.programmeTerritories(c, programme, layer.level());
      }
    }
    byte[] bytes = vals == null && programme == null ? Tiles.prerendered(c, layer, z, x, y) : null;
    if (bytes == null) {
      bytes = tiles(r.dataVersion()).tile(c, layer, z, x, y, vals, only, perimeter);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Cache-Control", id == null ? "public, max-age=86400" : "public, max-age=300");
    return bytes.length == 0 ? new Body(bytes, MVT, headers, 204) : new Body(bytes, MVT, headers);
  }

  /**
   * Loads, on a background thread, the zoom bands the map asks for first beyond the pre-rendered
   * zooms (communes and EPCI at zoom 8, about 0.5 to 1.5 s of reading), so that the server's first
   * commune tile does not pay for them; a tile asked for meanwhile waits for the same load.
   */
  void warmInBackground(fr.eduatlas.warehouse.ServedWarehouse warehouse) {
    Thread t =
        new Thread(
            () -> {
              try (var lease = warehouse.lease()) {
                Tiles g = tiles(lease.dataVersion());
                g.warm(lease.connection(), "commune", Tiles.PRERENDERED_MAX_ZOOM + 1);
                g.warm(lease.connection(), "epci", Tiles.PRERENDERED_MAX_ZOOM + 1);
              } catch (Exception e) {
                // Only an optimisation: the first tile loads the band itself.
                org.slf4j.LoggerFactory.getLogger(TileRoutes.class)
                    .warn("tile warm-up failed: {}", e.toString());
              }
            },
            "tile-warm-up");
    t.setDaemon(true);
    t.start();
  }

  /** The generator of this data version (a new one, with an empty index, when the data change). */
  private synchronized Tiles tiles(Object version) {
    if (tiles == null || !java.util.Objects.equals(version, tilesVersion)) {
      tiles = new Tiles();
      tilesVersion = version;
    }
    return tiles;
  }

  private Body tileJson(Reads.Read r) throws Exception {
    String file = r.path("file");
    if (!file.endsWith(".json")) {
      throw new ApiException(404, "Ressource introuvable", "TileJSON attendu : " + file);
    }
    Tiles.Layer layer = layer(file.substring(0, file.length() - 5));
    String base = reads.publicBase();
    ObjectNode t = json.createObjectNode();
    t.put("tilejson", "3.0.0");
    t.put("name", layer.label());
    t.put("scheme", "xyz");
    t.putArray("tiles").add(base + "/tiles/" + layer.id() + "/{z}/{x}/{y}.mvt");
    t.put("minzoom", layer.minZoom());
    t.put("maxzoom", Tiles.MAX_ZOOM);
    ArrayNode bounds = t.putArray("bounds");
    for (double d : new double[] {-180, -85.0511, 180, 85.0511}) {
      bounds.add(d);
    }
    t.put(
        "attribution",
        "IGN ADMIN EXPRESS, Insee COG, DEPP ; EduAtlas (données d'établissement simulées)");
    ObjectNode vl = t.putArray("vector_layers").addObject();
    vl.put("id", layer.id());
    vl.put("minzoom", layer.minZoom()).put("maxzoom", Tiles.MAX_ZOOM);
    ObjectNode fields = vl.putObject("fields");
    if (layer.level() == null) {
      fields.put("uai", "String").put("name", "String").put("type", "String");
      fields.put("sector", "String").put("bandwidth_class", "Number");
      fields.put("location", "String").put("cluster_count", "Number");
      fields.put("simulated", "Boolean");
    } else {
      fields.put("code", "String").put("name", "String");
      if (layer.level().equals("commune")) {
        fields.put("rurality", "Number");
      }
      if (layer.level().equals("commune") || layer.level().equals("departement")) {
        fields.put("tne", "Boolean");
      }
      fields.put("value", "Number").put("class", "Number").put("simulated", "Boolean");
    }
    return new Body(json.writeValueAsBytes(t), "application/json", Map.of());
  }
}
