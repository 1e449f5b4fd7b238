package fr.eduatlas.selection;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Creates, stores and finds selections; knows nothing of HTTP. The last few computed runs are kept
 * in memory for per-commune explanations; a stored selection is computed again on demand when the
 * data it was computed on are still the ones served.
 */
public final class SelectionService {
  private static final int RUNS_KEPT = 8;

  private final SelectionStore store;
  private final Map<String, SelectionRun> runs = new LinkedHashMap<>(16, 0.75f, true);

  public SelectionService(SelectionStore store) {
    this.store = store;
  }

  /** The outcome of a request: the selection, and whether it was computed for it. */
  public record Created(Selection selection, boolean created) {}

  /** The stored selection whose data were replaced: it can be read, not explained anew. */
  public static final class StaleException extends RuntimeException {
    public StaleException(String message) {
      super(message);
    }
  }

  /**
   * The selection of {@code criteria} on the served data: computed and stored, or the stored one
   * with the same id.
   */
  public Created create(Connection c, String dataVersion, JsonNode criteria) throws SQLException {
    Criteria crit = CriteriaSchema.parse(criteria);
    // The id needs only the resolved year: a selection already stored is not computed again.
    var years = NeedsQuery.years(c);
    Integer year =
        crit.year() != null ? crit.year() : years.isEmpty() ? null : years.get(years.size() - 1);
    Selection stored =
        year == null ? null : store.load(SelectionRun.id(dataVersion, crit.withYear(year)));
    if (stored != null) {
      return new Created(stored, false);
    }
    SelectionRun run = SelectionRun.compute(NeedsQuery.load(c, crit, dataVersion), crit);
    Selection s = run.result();
    store.save(s);
    keep(run);
    return new Created(s, true);
  }

  /** The stored selection, or null. */
  /** Keeps a stored selection for good; false when there is none with that id. */
  public boolean keep(String id) {
    return store.keep(id);
  }

  public Selection get(String id) {
    return store.load(id);
  }

  /**
   * The full run of a stored selection, for explanations of any commune: the one kept in memory
   * (computed on the selection's own data, whatever is served now), else computed again.
   *
   * @return null if no such selection
   * @throws StaleException if it must be computed again and the served data are not those it was
   *     computed on
   */
  public SelectionRun run(Connection c, String dataVersion, String id) throws SQLException {
    synchronized (runs) {
      SelectionRun r = runs.get(id);
      if (r != null) {
        return r;
      }
    }
    Selection s = store.load(id);
    if (s == null) {
      return null;
    }
    if (!String.valueOf(s.dataVersion()).equals(dataVersion)) {
      throw new StaleException(
          "la sélection "
              + id
              + " a été calculée sur la version "
              + s.dataVersion()
              + " des données, l'entrepôt servi est en version "
              + dataVersion
              + " : son résultat reste consultable, mais pour l'expliquer commune par commune,"
              + " relancez-la avec les mêmes critères");
    }
    Criteria crit = Criteria.fromJson(s.criteria());
    SelectionRun r = SelectionRun.compute(NeedsQuery.load(c, crit, dataVersion), crit);
    keep(r);
    return r;
  }

  private void keep(SelectionRun r) {
    synchronized (runs) {
      runs.put(r.id(), r);
      var it = runs.entrySet().iterator();
      while (runs.size() > RUNS_KEPT && it.hasNext()) {
        it.next();
        it.remove();
      }
    }
  }
}
