package fr.eduatlas.simulation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import fr.eduatlas.warehouse.SchoolProfiles.SchoolProfile;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Simulated school-level connectivity, equipment, usage and speed tests, in the contribution format
 * (data/contributions/FORMAT.md), conditioned on the real schools and communes and calibrated on
 * the published national figures.
 *
 * <p>Every school draws from its own random streams, seeded from the run's seed and its UAI: the
 * output is the same for the same seed and inputs, whatever the order schools are processed in. A
 * school's traits are fixed across years (its line quality, its place in the fibre roll-out), so
 * its trajectory is coherent: fibre, once there, stays; equipment grows.
 *
 * <p>Years are school years named by the year they end in: 2019 is 2018-2019.
 *
 * <p>Model and calibration, in short (docs/SIMULATION.md has the detail):
 *
 * <ul>
 *   <li>Fibre is available to a school when a fixed draw falls under its commune's 2024 share of
 *       premises eligible to fibre times the national roll-out of that year; a commune without
 *       fibre in 2024 never has a fibre school. Available fibre is adopted progressively, faster by
 *       collèges and lycées and in the TNE départements once their programme started.
 *   <li>Contracted DSL speeds for 2018-2019 are assigned by rank of a line-quality trait so that
 *       public primary schools fall exactly into the survey's classes (11.8 % under 512 kbit/s or
 *       without connection, 51.8 % from 512 kbit/s to 2 Mbit/s, 36.4 % at 2 Mbit/s or more).
 *   <li>Computers per pupil are rescaled per stratum so that the 2018-2019 ratio of sums is 11.9
 *       per 100 pupils in public primary schools and 33.8 in public collèges.
 *   <li>The share of responding teachers using large foreign platforms is rescaled so that it is
 *       {@value #GAFAM_TARGET} in 2019-2020 (the survey said over 70 %).
 * </ul>
 */
public final class Simulator {
  public static final long DEFAULT_SEED = 20_190_101L;

  /** The school year the ETIC survey describes (2018-2019). */
  static final int CALIBRATION_YEAR = 2019;

  static final double PRIMARY_COMPUTERS_PER_100 = 11.9;
  static final double COLLEGE_COMPUTERS_PER_100 = 33.8;
  static final double[] BANDWIDTH_SHARES = {0.118, 0.518, 0.364};
  static final double GAFAM_TARGET = 0.72;
  static final int GAFAM_YEAR = 2020;

  /** TNE départements and the first school year (by its end) of their programme. */
  static final Map<String, Integer> TNE_START = fr.eduatlas.territory.Programmes.TNE_START;

  /**
   * What to simulate.
   *
   * @param seed the random seed
   * @param firstYear first school year, by the year it ends in (2019 is 2018-2019)
   * @param lastYear last school year
   * @param testsPerSchoolDay mean speed tests per school and school day (0 for none)
   * @param testYears how many of the last school years have speed tests
   */
  /**
   * @param tneEffect the intensity of the TNE effect built into the simulation: 1, as calibrated
   *     (the default); 0, none (TNE départements simulated as the others); in between, or above,
   *     each TNE increment scaled. It is the ground truth the programme's evaluation must recover
   *     (docs/EVALUATION.md).
   */
  public record Config(
      long seed,
      int firstYear,
      int lastYear,
      double testsPerSchoolDay,
      int testYears,
      double tneEffect) {
    /** With the calibrated TNE effect. */
    public Config(long seed, int firstYear, int lastYear, double testsPerSchoolDay, int testYears) {
      this(seed, firstYear, lastYear, testsPerSchoolDay, testYears, 1);
    }

    public Config {
      if (!(tneEffect >= 0 && tneEffect <= 5)) {
        throw new IllegalArgumentException("effet TNE hors de 0 à 5 : " + tneEffect);
      }
      if (firstYear < CALIBRATION_YEAR || lastYear > 2040 || firstYear > lastYear) {
        throw new IllegalArgumentException(
            "années " + firstYear + "-" + lastYear + " : de 2019 (2018-2019) à 2040, dans l'ordre");
      }
      if (testsPerSchoolDay < 0 || testsPerSchoolDay > 96) {
        throw new IllegalArgumentException("tests par jour hors de 0 à 96 : " + testsPerSchoolDay);
      }
      if (testYears < 0) {
        throw new IllegalArgumentException("années de tests négatives");
      }
    }

    /** The product's default: 2019-2025, four tests per school day over the last year. */
    public static Config product(long seed) {
      return new Config(seed, 2019, 2025, 4, 1);
    }
  }

  /** One calibration figure: target, simulated value, relative gap. */
  public record Calibration(
      String id, String label, String schoolYear, double target, double simulated, String source) {
    public double gapPct() {
      return (simulated - target) / target * 100;
    }
  }

  /** What a run wrote. */
  public record Result(
      Path directory,
      long connectivityRows,
      long equipmentRows,
      long usageRows,
      long speedTestRows,
      List<Calibration> calibration) {}

  final List<SchoolProfile> schools;
  final Config config;
  final Map<String, Traits> traits = new HashMap<>();
  // The models per dataset, each with its calibration and its file.
  final Connectivity connectivity = new Connectivity(this);
  final Equipment equipment = new Equipment(this);
  final Usage usage = new Usage(this);

  public Simulator(List<SchoolProfile> schools, Config config) {
    this.schools = List.copyOf(schools);
    this.config = config;
    for (SchoolProfile s : this.schools) {
      traits.put(s.uai(), new Traits(s, config.seed()));
    }
    connectivity.calibrate();
    equipment.calibrate();
    usage.calibrate();
  }

  // ---------------------------------------------------------------- traits and models

  /** A school's fixed random traits. */
  static final class Traits {
    final double fibreDraw;
    final double adoptDraw;
    final double cableDraw;
    final double altDraw;
    final double noneDraw;
    final double lineQuality;
    final double speedPosition;
    final double fibreOffer;
    final double computersNoise;
    final double responseRate;
    final double schoolEffect;
    final double methodDraw;
    final double wifiBase;
    final double gafamEffect;

    Traits(SchoolProfile s, long seed) {
      var r = rng(seed, s.uai(), 1);
      fibreDraw = r.nextDouble();
      adoptDraw = r.nextDouble();
      cableDraw = r.nextDouble();
      altDraw = r.nextDouble();
      noneDraw = r.nextDouble();
      // Rural lines are longer: line quality falls with the density level (1 dense … 7 sparse).
      lineQuality = r.nextDouble() - 0.06 * s.densityLevel();
      speedPosition = r.nextDouble();
      fibreOffer = r.nextDouble();
      computersNoise = Math.exp(0.45 * r.nextGaussian());
      responseRate = 0.5 + 0.4 * r.nextDouble();
      schoolEffect = r.nextDouble() * 0.2 - 0.1;
      methodDraw = r.nextDouble();
      wifiBase = r.nextDouble();
      gafamEffect = r.nextDouble() * 0.16 - 0.08;
    }
  }

  static SplittableRandom rng(long seed, String uai, int stream) {
    long h = seed * 0x9E3779B97F4A7C15L + stream;
    for (int i = 0; i < uai.length(); i++) {
      h = (h ^ uai.charAt(i)) * 0x100000001B3L;
    }
    return new SplittableRandom(h ^ (h >>> 31));
  }

  static boolean primary(SchoolProfile s) {
    return s.type().equals("ecole");
  }

  static boolean publicSector(SchoolProfile s) {
    return s.sector().equals("public");
  }

  static boolean tneActive(String departement, int year) {
    Integer start = TNE_START.get(departement);
    return start != null && year >= start;
  }

  /** The TNE effect's intensity for a département in a year: the configured one once active. */
  double tne(String departement, int year) {
    return tneActive(departement, year) ? config.tneEffect() : 0;
  }

  /** Years of TNE activity scaled by the effect's intensity. */
  double tneYearsScaled(SchoolProfile s, int year) {
    return tneYears(s, year) * config.tneEffect();
  }

  /** National share of fibre eligibility reached in a year, relative to 2024. */
  static double rollout(int year) {
    return Math.min(1, 0.3 + 0.14 * (year - CALIBRATION_YEAR));
  }

  static int tneYears(SchoolProfile s, int year) {
    Integer start = TNE_START.get(s.departementCode());
    return start == null ? 0 : Math.max(0, year - start + 1);
  }

  // ---------------------------------------------------------------- output

  /** Writes the contribution folder {@code dir} (created or emptied of its files). */
  public Result write(Path dir) throws IOException {
    Files.createDirectories(dir);
    long conn;
    long equip;
    long usage;
    long tests;
    try (Writer w = writer(dir.resolve("connectivite.csv"))) {
      conn = connectivity.write(w);
    }
    try (Writer w = writer(dir.resolve("equipement.csv"))) {
      equip = equipment.write(w);
    }
    try (Writer w = writer(dir.resolve("usages.csv"))) {
      usage = this.usage.write(w);
    }
    try (Writer w = writer(dir.resolve("tests_debit.csv"))) {
      tests = SpeedTests.write(this, w);
    }
    List<Calibration> calibration = calibration();
    var json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    var manifest = new LinkedHashMap<String, Object>();
    manifest.put("format", "eduatlas-contribution");
    manifest.put("version", "1");
    manifest.put("identifiant", "simulation");
    manifest.put("producteur", "EduAtlas, simulation calibrée sur les chiffres publiés");
    manifest.put("licence", "Licence Ouverte 2.0");
    manifest.put("simule", true);
    manifest.put(
        "description",
        "Données simulées : aucune donnée par établissement de ce dossier n'est observée.");
    manifest.put("graine", config.seed());
    manifest.put(
        "annees",
        (config.firstYear() - 1)
            + "-"
            + config.firstYear()
            + " à "
            + (config.lastYear() - 1)
            + "-"
            + config.lastYear());
    manifest.put("tests_par_jour_scolaire", config.testsPerSchoolDay());
    json.writeValue(dir.resolve("contribution.json").toFile(), manifest);
    json.writeValue(dir.resolve("calibration.json").toFile(), calibration);
    return new Result(dir, conn, equip, usage, tests, calibration);
  }

  private static Writer writer(Path p) throws IOException {
    return new BufferedWriter(Files.newBufferedWriter(p, StandardCharsets.UTF_8), 1 << 16);
  }

  static String schoolYear(int year) {
    return (year - 1) + "-" + year;
  }

  // ---------------------------------------------------------------- calibration report

  /** Each published figure against its simulated counterpart, from the simulated values. */
  public List<Calibration> calibration() {
    var out = new ArrayList<Calibration>();
    double[] primary = equipment.ratio("ecole");
    double[] college = equipment.ratio("college");
    String etic = "Enquête ETIC 2018-2019, DEPP (../shared/data/README.md)";
    out.add(
        new Calibration(
            "ordinateurs-ecoles-publiques",
            "Ordinateurs pour 100 élèves, écoles publiques",
            schoolYear(CALIBRATION_YEAR),
            PRIMARY_COMPUTERS_PER_100,
            round2(primary[0] / primary[1] * 100),
            etic));
    out.add(
        new Calibration(
            "ordinateurs-colleges-publics",
            "Ordinateurs pour 100 élèves, collèges publics",
            schoolYear(CALIBRATION_YEAR),
            COLLEGE_COMPUTERS_PER_100,
            round2(college[0] / college[1] * 100),
            etic));
    double[] classes = new double[3];
    for (SchoolProfile s : schools) {
      if (primary(s) && publicSector(s)) {
        double down =
            connectivity.contractedDown(
                s, CALIBRATION_YEAR, connectivity.technology(s, CALIBRATION_YEAR));
        classes[down < 0.512 ? 0 : down < 2 ? 1 : 2]++;
      }
    }
    double total = classes[0] + classes[1] + classes[2];
    String[][] labels = {
      {"debit-ecoles-moins-512k", "Écoles publiques sous 512 kbit/s ou sans connexion (%)"},
      {"debit-ecoles-512k-2m", "Écoles publiques de 512 kbit/s à 2 Mbit/s (%)"},
      {"debit-ecoles-2m-et-plus", "Écoles publiques à 2 Mbit/s ou plus (%)"}
    };
    for (int i = 0; i < 3; i++) {
      out.add(
          new Calibration(
              labels[i][0],
              labels[i][1],
              schoolYear(CALIBRATION_YEAR),
              BANDWIDTH_SHARES[i] * 100,
              round2(classes[i] / total * 100),
              etic));
    }
    out.add(
        new Calibration(
            "enseignants-plateformes-etrangeres",
            "Enseignants utilisant de grandes plateformes étrangères (%, enquête : plus de 70 %)",
            schoolYear(GAFAM_YEAR),
            GAFAM_TARGET * 100,
            round2(usage.gafamShare(GAFAM_YEAR) * 100),
            "Enquête auprès de 1 000 enseignants, 2020 (../shared/data/README.md)"));
    return out;
  }

  // ---------------------------------------------------------------- helpers

  static double clamp(double p) {
    return Math.max(0, Math.min(1, p));
  }

  static double round2(double x) {
    return Math.round(x * 100) / 100.0;
  }

  /** A number as the files write it: a point, at most two decimals, no exponent. */
  static String num(double x) {
    long c = Math.round(x * 100);
    long whole = Math.abs(c) / 100;
    long frac = Math.abs(c) % 100;
    String sign = c < 0 ? "-" : "";
    if (frac == 0) {
      return sign + whole;
    }
    String f =
        frac < 10 ? "0" + frac : frac % 10 == 0 ? Long.toString(frac / 10) : Long.toString(frac);
    return sign + whole + "." + f;
  }
}
