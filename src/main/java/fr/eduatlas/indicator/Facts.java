package fr.eduatlas.indicator;

import java.util.List;
import java.util.Set;

/**
 * The additive measures the ingest computes per commune and period, of which every indicator is a
 * ratio of sums ({@code warehouse.IndicatorBuilder} computes exactly these; a test holds them
 * equal). Names are plain identifiers: they become column names.
 */
public final class Facts {
  private Facts() {}

  /** The school-level datasets whose coverage is given with each value. */
  public static final List<String> DATASETS = List.of("connectivity", "equipment", "usage");

  public static final List<String> NAMES =
      List.of(
          // Communes (real sources).
          "premises",
          "premises_fibre",
          "ftth_connectable",
          "population",
          "population_grid",
          "population_rural",
          // Schools of the DEPP lists.
          "pupils",
          "ips_pupils",
          "pupils_with_ips",
          // Per school year: the schools and pupils data could cover.
          "schools_total",
          "pupils_total",
          // Connectivity.
          "connectivity_schools",
          "connectivity_real_schools",
          "connectivity_pupils",
          "schools_no_connection",
          "schools_measured",
          "pupils_measured",
          "down_measured",
          "schools_measured_lt2",
          // Schools under 8 Mbit/s measured (or with no connection) in a commune whose premises
          // are at least 80 % FttH-connectable: the commune is fibred, its school is not.
          "schools_weak_fibred",
          "schools_measured_2_8",
          "schools_measured_8_30",
          "schools_measured_30_100",
          "schools_measured_ge100",
          "schools_contracted",
          "schools_contracted_lt2",
          "schools_contracted_2_8",
          "schools_contracted_8_30",
          "schools_contracted_30_100",
          "schools_contracted_lt8",
          "schools_contracted_ge100",
          // Equipment.
          "equipment_schools",
          "equipment_real_schools",
          "equipment_pupils",
          "desktops",
          "laptops",
          "tablets",
          "interactive_displays",
          "lent_devices",
          "video_walls",
          "hybrid_kits",
          "robotics_kits",
          // Usage.
          "usage_schools",
          "usage_real_schools",
          "usage_pupils",
          "teachers",
          "respondents",
          "teachers_weekly_use",
          "teachers_ent",
          "teachers_resources",
          "teachers_trained",
          "teachers_foreign_platforms",
          "families_reached");

  /** Whether a name is a fact, as a set. */
  public static final Set<String> SET = Set.copyOf(NAMES);
}
