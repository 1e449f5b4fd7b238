package fr.eduatlas.geo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.io.WKTReader;

class DissolveTest {
  final GeometryFactory gf = new GeometryFactory();
  final WKTReader wkt = new WKTReader(gf);

  Geometry g(String s) throws Exception {
    return wkt.read(s);
  }

  @Test
  void adjacentPolygonsDissolveWithoutTheirSharedEdge() throws Exception {
    Geometry u =
        Dissolve.union(
            List.of(
                g("POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))"), g("POLYGON ((1 0, 2 0, 2 1, 1 1, 1 0))")),
            gf);
    assertThat(u.equalsTopo(g("POLYGON ((0 0, 2 0, 2 1, 0 1, 0 0))"))).isTrue();
  }

  @Test
  void anEnclaveFillsTheHoleOfItsNeighbour() throws Exception {
    Geometry u =
        Dissolve.union(
            List.of(
                g("POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 1 2, 2 2, 2 1, 1 1))"),
                g("POLYGON ((1 1, 2 1, 2 2, 1 2, 1 1))")),
            gf);
    assertThat(u.equalsTopo(g("POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0))"))).isTrue();
  }

  @Test
  void overlappingPartsAreNotACoverageAndFallBackToTheRobustOverlay() throws Exception {
    Geometry u =
        Dissolve.union(
            List.of(
                g("POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0))"), g("POLYGON ((1 1, 3 1, 3 3, 1 3, 1 1))")),
            gf);
    assertThat(u.isValid()).isTrue();
    assertThat(u.getArea()).isEqualTo(7.0);
  }

  @Test
  void partsAreDissolvedByGroup() throws Exception {
    Map<String, Geometry> parts =
        Map.of(
            "a", g("POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))"),
            "b", g("POLYGON ((1 0, 2 0, 2 1, 1 1, 1 0))"),
            "c", g("POLYGON ((5 5, 6 5, 6 6, 5 6, 5 5))"),
            "orphan", g("POLYGON ((9 9, 10 9, 10 10, 9 10, 9 9))"));
    Map<String, Geometry> groups =
        Dissolve.byGroup(parts, Map.of("a", "X", "b", "X", "c", "Y"), gf);
    assertThat(groups).containsOnlyKeys("X", "Y");
    assertThat(groups.get("X").getArea()).isEqualTo(2.0);
  }

  @Test
  void zoomBandsHalveTheirToleranceWithEachZoomAndCoverEveryZoom() {
    assertThat(ZoomBand.Z10_11.toleranceMetres())
        .isCloseTo(38.2, org.assertj.core.data.Offset.offset(0.1));
    assertThat(ZoomBand.Z8_9.toleranceMetres())
        .isCloseTo(
            4 * ZoomBand.Z10_11.toleranceMetres(), org.assertj.core.data.Offset.offset(1e-9));
    for (int z = 0; z <= 22; z++) {
      assertThat(ZoomBand.forZoom(z).minZoom()).isLessThanOrEqualTo(z);
    }
    assertThat(ZoomBand.forZoom(14)).isEqualTo(ZoomBand.FULL);
  }
}
