package fr.eduatlas.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import fr.eduatlas.territory.Names;
import java.sql.DriverManager;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ingest's SQL fold (name_folded columns) and the Java fold of search queries agree. */
class FoldMacroTest {
  @Test
  void sqlFoldEqualsJavaFold() throws Exception {
    try (var c = DriverManager.getConnection("jdbc:duckdb:");
        var st = c.createStatement()) {
      st.execute(ModelBuilder.FOLD_MACRO);
      for (String name :
          List.of(
              "Saint-Étienne",
              "L'Haÿ-les-Roses",
              "Cœur-d'Alène",
              "ŒUVRE ÆSOPE",
              "  École élémentaire n°3 (Jean-Jaurès) ",
              "LYCEE POLYVALENT PIERRE MECHAIN",
              "Châtillon-sur-Chalaronne")) {
        try (var ps = c.prepareStatement("SELECT fold(?)")) {
          ps.setString(1, name);
          try (var rs = ps.executeQuery()) {
            rs.next();
            assertThat(rs.getString(1)).as(name).isEqualTo(Names.fold(name));
          }
        }
      }
    }
  }
}
