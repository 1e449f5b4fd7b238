package fr.eduatlas.source.contrib;

import java.util.ArrayList;
import java.util.List;

/**
 * Each dataset's file columns (data/contributions/FORMAT.md) against the staging columns its reader
 * loads, in the reader's order: how a hub's stored rows are written back as a contribution file for
 * the build, and how templates are headed. {@code annee_scolaire} is the staging {@code year} (the
 * end year) written as "AAAA-AAAA".
 */
public final class ContributionColumns {
  /** A file column and the staging column it loads into. */
  public record Pair(String file, String staging) {}

  private ContributionColumns() {}

  /** The pairs of {@code dataset}, in the staging table's column order. */
  public static List<Pair> of(String dataset) {
    var out = new ArrayList<Pair>();
    switch (dataset) {
      case "connectivite" -> {
        out.add(new Pair("uai", "uai"));
        out.add(new Pair("annee_scolaire", "year"));
        out.add(new Pair("date_observation", "observed_on"));
        out.add(new Pair("technologie", "technology"));
        out.add(new Pair("debit_descendant_souscrit", "down_contracted"));
        out.add(new Pair("debit_montant_souscrit", "up_contracted"));
        out.add(new Pair("debit_descendant_mesure", "down_measured"));
        out.add(new Pair("debit_montant_mesure", "up_measured"));
        out.add(new Pair("latence", "latency_ms"));
        out.add(new Pair("part_salles_wifi", "wifi_share"));
        out.add(new Pair("methode", "method"));
      }
      case "equipement" -> {
        out.add(new Pair("uai", "uai"));
        out.add(new Pair("annee_scolaire", "year"));
        for (String[] c : EquipmentReader.COUNTS) {
          out.add(new Pair(c[0], c[1]));
        }
        out.add(new Pair("age_moyen_equipements", "average_age_years"));
      }
      case "usages" -> {
        out.add(new Pair("uai", "uai"));
        out.add(new Pair("annee_scolaire", "year"));
        out.add(new Pair("enseignants", "teachers"));
        out.add(new Pair("enseignants_repondants", "respondents"));
        for (String[] c : UsageReader.PRACTICES) {
          out.add(new Pair(c[0], c[1]));
        }
        out.add(new Pair("familles_touchees", "families_reached"));
      }
      case "tests_debit" -> {
        out.add(new Pair("uai", "uai"));
        out.add(new Pair("horodatage", "tested_at"));
        out.add(new Pair("debit_descendant", "down"));
        out.add(new Pair("debit_montant", "up"));
        out.add(new Pair("latence", "latency_ms"));
        out.add(new Pair("gigue", "jitter_ms"));
        out.add(new Pair("perte_paquets", "packet_loss_pct"));
      }
      default -> throw new IllegalArgumentException("unknown dataset " + dataset);
    }
    return out;
  }

  /** A staging value as its file column writes it ({@code year} 2024 → "2023-2024"). */
  public static String fileValue(Pair p, Object v) {
    if (v == null) {
      return "";
    }
    if (p.staging().equals("year")) {
      int y = ((Number) v).intValue();
      return SchoolYear.name(y);
    }
    if (v instanceof Double d) {
      return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : d.toString();
    }
    return v.toString();
  }
}
