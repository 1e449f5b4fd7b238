package fr.eduatlas.api;

import static org.assertj.core.api.Assertions.assertThat;

import fr.eduatlas.testing.RealWarehouse;
import fr.eduatlas.testing.WarehouseQuery;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/**
 * Every code of every territory of the real warehouse — communes of the overseas départements and
 * collectivités (97101, 97701, 98735…), Corsica's 2A/2B, every EPCI, académie and région — passes
 * the shape check the API applies before any lookup: the check refuses junk, never a territory that
 * exists.
 */
class CodeShapesRealIT {
  @Test
  void everyRealTerritoryCodeHasTheShapeOfItsLevel() throws Exception {
    var refused = new ArrayList<String>();
    int n = 0;
    try (var q = WarehouseQuery.open(RealWarehouse.get())) {
      for (String row : q.strings("SELECT level || ' ' || code FROM territory ORDER BY 1")) {
        String[] lc = row.split(" ");
        n++;
        try {
          fr.eduatlas.observatory.Observatory.code(lc[0], lc[1]);
        } catch (fr.eduatlas.observatory.QueryException e) {
          refused.add(row);
        }
      }
    }
    assertThat(n).isGreaterThan(36_000);
    assertThat(refused).isEmpty();
  }
}
