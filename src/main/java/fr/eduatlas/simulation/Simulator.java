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
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  public record Config(
      long seed, int firstYear, int lastYear, double testsPerSchoolDay, int testYears) {
    public Config {
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

  private final List<SchoolProfile> schools;
  private final Config config;
  private final Map<String, Traits> traits = new HashMap<>();
  private double computersScalePrimary = 1;
  private double computersScaleCollege = 1;
  private double dslThresholdLow;
  private double dslThresholdMid;
  private double gafamScale = 1;

  public Simulator(List<SchoolProfile> schools, Config config) {
    this.schools = List.copyOf(schools);
    this.config = config;
    for (SchoolProfile s : this.schools) {
      traits.put(s.uai(), new Traits(s, config.seed()));
    }
    calibrateBandwidth();
    calibrateComputers();
    calibrateGafam();
  }

  // ---------------------------------------------------------------- traits and models

  /** A school's fixed random traits. */
  private static final class Traits {
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

  private static boolean primary(SchoolProfile s) {
    return s.type().equals("ecole");
  }

  private static boolean publicSector(SchoolProfile s) {
    return s.sector().equals("public");
  }

  static boolean tneActive(String departement, int year) {
    Integer start = TNE_START.get(departement);
    return start != null && year >= start;
  }

  /** National share of fibre eligibility reached in a year, relative to 2024. */
  static double rollout(int year) {
    return Math.min(1, 0.3 + 0.14 * (year - CALIBRATION_YEAR));
  }

  private double adoption(SchoolProfile s, int year) {
    double base =
        primary(s)
            ? 0.25 + 0.12 * (year - CALIBRATION_YEAR)
            : 0.5 + 0.1 * (year - CALIBRATION_YEAR);
    if (tneActive(s.departementCode(), year)) {
      base += 0.15;
    }
    return Math.min(0.97, base);
  }

  /** The access technology of a school in a school year. */
  String technology(SchoolProfile s, int year) {
    Traits t = traits.get(s.uai());
    if (t.fibreDraw < s.fibre() * rollout(year) && t.adoptDraw < adoption(s, year)) {
      return "fibre";
    }
    if (t.cableDraw < s.cable() * 0.5) {
      return "cable";
    }
    double decay = Math.max(0.2, 1 - 0.15 * (year - CALIBRATION_YEAR));
    if (t.noneDraw < 0.015 * decay) {
      return "aucune";
    }
    if (t.lineQuality < -0.2 || s.dsl() == 0) {
      if (t.altDraw < s.thdRadio() * 0.6) {
        return "thd_radio";
      }
      if (t.altDraw < s.fixed4g() * 0.4 * (0.5 + 0.1 * (year - CALIBRATION_YEAR))) {
        return "4g5g_fixe";
      }
      if (s.dsl() == 0 || t.altDraw > 0.97) {
        return "satellite";
      }
    }
    return "dsl";
  }

  /** Contracted download speed, Mbit/s. */
  double contractedDown(SchoolProfile s, int year, String tech) {
    Traits t = traits.get(s.uai());
    int age = year - CALIBRATION_YEAR;
    return switch (tech) {
      case "fibre" -> {
        double[] offers =
            primary(s)
                ? new double[] {100, 100, 200, 300, 500}
                : new double[] {200, 300, 500, 1000, 1000};
        yield offers[(int) (t.fibreOffer * offers.length)];
      }
      case "cable" -> new double[] {30, 50, 100}[(int) (t.fibreOffer * 3)];
      case "4g5g_fixe" -> round2(10 + 40 * t.speedPosition);
      case "thd_radio" -> new double[] {10, 20, 30}[(int) (t.speedPosition * 3)];
      case "satellite" -> age < 2 ? 10 : 20 + 30 * t.speedPosition;
      case "aucune" -> 0;
      default -> {
        double base = dslBase(s, t);
        yield round2(Math.min(50, base * Math.pow(1.25, age)));
      }
    };
  }

  /** The 2018-2019 DSL speed from the line-quality rank classes; secondary schools get more. */
  private double dslBase(SchoolProfile s, Traits t) {
    double speed;
    if (t.lineQuality < dslThresholdLow) {
      speed = 0.25 * Math.pow(2, t.speedPosition * 0.99); // 0.25–0.5
    } else if (t.lineQuality < dslThresholdMid) {
      speed = 0.512 * Math.pow(2 / 0.512, t.speedPosition * 0.999); // 0.512–2
    } else {
      speed = 2 * Math.pow(4, t.speedPosition); // 2–8
    }
    if (!primary(s)) {
      speed *= s.type().equals("college") ? 2.5 : 4;
    }
    if (!publicSector(s)) {
      speed *= 1.2;
    }
    return speed;
  }

  /**
   * Thresholds of line quality such that, in 2018-2019, public primary schools fall into the
   * survey's bandwidth classes: the non-DSL schools take their class by their speed, and DSL
   * schools fill the rest of each class by rank.
   */
  private void calibrateBandwidth() {
    dslThresholdLow = Double.NEGATIVE_INFINITY;
    dslThresholdMid = Double.NEGATIVE_INFINITY;
    List<Double> dsl = new ArrayList<>();
    int n = 0;
    int none = 0;
    for (SchoolProfile s : schools) {
      if (!primary(s) || !publicSector(s)) {
        continue;
      }
      n++;
      String tech = technology(s, CALIBRATION_YEAR);
      if (tech.equals("dsl")) {
        dsl.add(traits.get(s.uai()).lineQuality);
      } else if (tech.equals("aucune")) {
        none++;
      }
    }
    if (dsl.isEmpty()) {
      return;
    }
    dsl.sort(Comparator.naturalOrder());
    int low = Math.max(0, (int) Math.round(BANDWIDTH_SHARES[0] * n) - none);
    int mid = (int) Math.round(BANDWIDTH_SHARES[1] * n);
    dslThresholdLow = low >= dsl.size() ? Double.POSITIVE_INFINITY : dsl.get(low);
    dslThresholdMid =
        low + mid >= dsl.size()
            ? Double.POSITIVE_INFINITY
            : dsl.get(Math.min(dsl.size() - 1, low + mid));
  }

  /** Computers (fixed and portable) before rounding. */
  private double computers(SchoolProfile s, int year) {
    Traits t = traits.get(s.uai());
    double per100 =
        switch (s.type()) {
          case "ecole" -> (publicSector(s) ? 11.9 : 10) * computersScalePrimary;
          case "college" -> (publicSector(s) ? 33.8 : 30) * computersScaleCollege;
          default -> 50;
        };
    double base = s.pupils() * per100 / 100 * t.computersNoise * (1 + 0.003 * (s.ips() - 100));
    int active = tneYears(s, year);
    return base * Math.pow(1.05, year - CALIBRATION_YEAR) * Math.pow(1.12, active);
  }

  private static int tneYears(SchoolProfile s, int year) {
    Integer start = TNE_START.get(s.departementCode());
    return start == null ? 0 : Math.max(0, year - start + 1);
  }

  /** Rescales computers per pupil so that 2018-2019's ratios of sums hit the survey's. */
  private void calibrateComputers() {
    for (int pass = 0; pass < 3; pass++) {
      double[] primaryRatio = ratio("ecole");
      double[] collegeRatio = ratio("college");
      computersScalePrimary *=
          PRIMARY_COMPUTERS_PER_100 / (primaryRatio[0] / primaryRatio[1] * 100);
      computersScaleCollege *=
          COLLEGE_COMPUTERS_PER_100 / (collegeRatio[0] / collegeRatio[1] * 100);
    }
  }

  private double[] ratio(String type) {
    double computers = 0;
    double pupils = 0;
    for (SchoolProfile s : schools) {
      if (s.type().equals(type) && publicSector(s)) {
        computers += Math.round(computers(s, CALIBRATION_YEAR));
        pupils += s.pupils();
      }
    }
    return new double[] {computers, Math.max(1, pupils)};
  }

  private static int teachers(SchoolProfile s) {
    double ratio =
        switch (s.type()) {
          case "ecole" -> 23;
          case "college" -> 13.5;
          default -> 11;
        };
    return Math.max(1, (int) Math.round(s.pupils() / ratio));
  }

  private int respondents(SchoolProfile s) {
    return (int) Math.round(teachers(s) * traits.get(s.uai()).responseRate);
  }

  private int gafamUsers(SchoolProfile s, int year) {
    Traits t = traits.get(s.uai());
    double p =
        (0.65 + 0.07 * Math.min(1, year - CALIBRATION_YEAR) - 0.02 * Math.max(0, year - GAFAM_YEAR))
                * gafamScale
            + t.gafamEffect;
    if (tneActive(s.departementCode(), year)) {
      p -= 0.05; // sovereign tools promoted with the programme
    }
    return (int) Math.round(respondents(s) * clamp(p));
  }

  /** Rescales the foreign-platform share so that 2019-2020's national share hits the target. */
  private void calibrateGafam() {
    for (int pass = 0; pass < 4; pass++) {
      double share = gafamShare(GAFAM_YEAR);
      gafamScale *= GAFAM_TARGET / share;
    }
  }

  private double gafamShare(int year) {
    long users = 0;
    long resp = 0;
    for (SchoolProfile s : schools) {
      users += gafamUsers(s, year);
      resp += respondents(s);
    }
    return users / (double) Math.max(1, resp);
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
      conn = writeConnectivity(w);
    }
    try (Writer w = writer(dir.resolve("equipement.csv"))) {
      equip = writeEquipment(w);
    }
    try (Writer w = writer(dir.resolve("usages.csv"))) {
      usage = writeUsage(w);
    }
    try (Writer w = writer(dir.resolve("tests_debit.csv"))) {
      tests = writeSpeedTests(w);
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

  private static String schoolYear(int year) {
    return (year - 1) + "-" + year;
  }

  private long writeConnectivity(Writer w) throws IOException {
    w.write(
        "uai;annee_scolaire;date_observation;technologie;debit_descendant_souscrit;"
            + "debit_montant_souscrit;debit_descendant_mesure;debit_montant_mesure;latence;"
            + "part_salles_wifi;methode\n");
    long n = 0;
    var sb = new StringBuilder(160);
    for (SchoolProfile s : schools) {
      Traits t = traits.get(s.uai());
      for (int y = config.firstYear(); y <= config.lastYear(); y++) {
        var r = rng(config.seed(), s.uai(), 100 + y);
        String tech = technology(s, y);
        double down = contractedDown(s, y, tech);
        double up = upload(tech, down);
        LocalDate date = LocalDate.of(y - 1, 10, 1).plusDays(r.nextInt(243));
        double method = t.methodDraw - 0.08 * (y - CALIBRATION_YEAR);
        String methode =
            method < 0.3 ? "mesure_automatique" : method < 0.5 ? "mesure_ponctuelle" : "declaratif";
        double wifi =
            Math.min(
                100,
                Math.round(
                    (primary(s) ? 10 + 50 * t.wifiBase : 30 + 50 * t.wifiBase)
                        + 8 * (y - CALIBRATION_YEAR)
                        + (tneActive(s.departementCode(), y) ? 12 : 0)));
        sb.setLength(0);
        sb.append(s.uai())
            .append(';')
            .append(schoolYear(y))
            .append(';')
            .append(date)
            .append(';')
            .append(tech)
            .append(';');
        if (tech.equals("aucune")) {
          sb.append(";;;;;");
        } else {
          sb.append(num(down)).append(';').append(num(up)).append(';');
          if (methode.equals("declaratif")) {
            sb.append(";;;");
          } else {
            double eff = efficiency(tech, r);
            sb.append(num(down * eff))
                .append(';')
                .append(num(up * efficiency(tech, r)))
                .append(';')
                .append(num(latency(tech, r)))
                .append(';');
          }
        }
        sb.append(num(wifi)).append(';').append(methode).append('\n');
        w.append(sb);
        n++;
      }
    }
    return n;
  }

  /**
   * What a technology gives a school, as the simulation assumes it: upload as a share of the
   * contracted download (rounded, DSL capped at 1 Mbit/s), the measured share of the contracted
   * speed, and the latency range.
   */
  record TechProfile(
      double uploadRatio, double effMin, double effMax, double latMin, double latMax) {}

  static final Map<String, TechProfile> TECHNOLOGIES =
      Map.of(
          "fibre", new TechProfile(1 / 2.0, 0.55, 0.9, 5, 15),
          "cable", new TechProfile(1 / 10.0, 0.6, 0.9, 10, 25),
          "dsl", new TechProfile(1 / 8.0, 0.75, 0.95, 20, 50),
          "4g5g_fixe", new TechProfile(1 / 4.0, 0.4, 0.8, 30, 70),
          "thd_radio", new TechProfile(1 / 5.0, 0.6, 0.9, 20, 45),
          "satellite", new TechProfile(1 / 10.0, 0.5, 0.9, 550, 700));

  static double upload(String tech, double down) {
    TechProfile t = TECHNOLOGIES.get(tech);
    if (t == null) {
      return 0;
    }
    return switch (tech) {
      case "fibre", "cable" -> down * t.uploadRatio();
      case "dsl" -> round2(Math.min(1, down * t.uploadRatio()));
      default -> round2(down * t.uploadRatio());
    };
  }

  private static double efficiency(String tech, SplittableRandom r) {
    TechProfile t = TECHNOLOGIES.get(tech);
    return t.effMin() + (t.effMax() - t.effMin()) * r.nextDouble();
  }

  private static double latency(String tech, SplittableRandom r) {
    TechProfile t = TECHNOLOGIES.get(tech);
    return t.latMin() + (t.latMax() - t.latMin()) * r.nextDouble();
  }

  private long writeEquipment(Writer w) throws IOException {
    w.write(
        "uai;annee_scolaire;ordinateurs_fixes;ordinateurs_portables;tablettes;ecrans_interactifs;"
            + "murs_pedagogiques;kits_hybridation;kits_robotique;equipements_pretes_eleves;"
            + "age_moyen_equipements\n");
    long n = 0;
    var sb = new StringBuilder(128);
    for (SchoolProfile s : schools) {
      for (int y = config.firstYear(); y <= config.lastYear(); y++) {
        var r = rng(config.seed(), s.uai(), 200 + y);
        boolean tne = tneActive(s.departementCode(), y);
        int age = y - CALIBRATION_YEAR;
        long computers = Math.round(computers(s, y));
        double portableShare = Math.min(0.8, 0.3 + 0.04 * age + (tne ? 0.1 : 0));
        long portables = Math.round(computers * portableShare);
        double tabletRate =
            switch (s.type()) {
              case "ecole" -> 0.05;
              case "college" -> 0.08;
              default -> 0.04;
            };
        long tablets =
            Math.round(
                s.pupils()
                    * tabletRate
                    * Math.pow(1.15, age)
                    * Math.pow(1.3, tneYears(s, y))
                    * (0.5 + r.nextDouble()));
        int classes =
            (int)
                Math.ceil(
                    s.pupils() / (primary(s) ? 23.0 : s.type().equals("college") ? 25.0 : 28.0));
        double displayShare =
            Math.min(
                1,
                (primary(s) ? 0.3 : 0.55)
                    + 0.05 * age
                    + (tne ? 0.1 * tneYears(s, y) : 0)
                    + 0.2 * (r.nextDouble() - 0.5));
        long displays = Math.round(classes * Math.max(0, displayShare));
        long walls = (tne ? r.nextDouble() < 0.3 : r.nextDouble() < 0.02) ? 1 : 0;
        long hybrid =
            y < 2021
                ? 0
                : primary(s)
                    ? (r.nextDouble() < (tne ? 0.5 : 0.1) ? 1 : 0)
                    : 1 + r.nextInt(tne ? 4 : 2);
        long robotics = Math.round(classes * 0.05 * Math.pow(1.2, age) * (0.5 + r.nextDouble()));
        long lent =
            Math.round(
                s.pupils()
                    * (primary(s) ? (tne ? 0.03 : 0) : (tne ? 0.15 : 0.02))
                    * r.nextDouble()
                    * 2);
        double ageYears =
            Math.max(1, Math.min(10, 6 - 0.3 * age - (tne ? 1.5 : 0) + (r.nextDouble() - 0.5) * 2));
        sb.setLength(0);
        sb.append(s.uai())
            .append(';')
            .append(schoolYear(y))
            .append(';')
            .append(computers - portables)
            .append(';')
            .append(portables)
            .append(';')
            .append(tablets)
            .append(';')
            .append(displays)
            .append(';')
            .append(walls)
            .append(';')
            .append(hybrid)
            .append(';')
            .append(robotics)
            .append(';')
            .append(lent)
            .append(';')
            .append(Math.round(ageYears * 10) / 10.0)
            .append('\n');
        w.append(sb);
        n++;
      }
    }
    return n;
  }

  private long writeUsage(Writer w) throws IOException {
    w.write(
        "uai;annee_scolaire;enseignants;enseignants_repondants;ens_usage_hebdomadaire;"
            + "ens_usage_ent;ens_ressources_numeriques;ens_formes_3_ans;"
            + "ens_plateformes_etrangeres;familles_touchees\n");
    long n = 0;
    var sb = new StringBuilder(128);
    for (SchoolProfile s : schools) {
      Traits t = traits.get(s.uai());
      int teachers = teachers(s);
      int resp = respondents(s);
      for (int y = config.firstYear(); y <= config.lastYear(); y++) {
        boolean tne = tneActive(s.departementCode(), y);
        int age = y - CALIBRATION_YEAR;
        double ipsEffect = 0.05 * (s.ips() - 100) / 30;
        long weekly =
            Math.round(
                resp * clamp(0.45 + 0.04 * age + (tne ? 0.1 : 0) + ipsEffect + t.schoolEffect));
        long ent =
            Math.round(
                resp
                    * clamp(
                        (primary(s) ? 0.3 + 0.06 * age : 0.85 + 0.02 * age) + t.schoolEffect / 2));
        long resources =
            Math.round(resp * clamp(0.5 + 0.04 * age + (tne ? 0.08 : 0) + t.schoolEffect));
        long trained =
            Math.round(resp * clamp(0.25 + 0.03 * age + (tne ? 0.3 : 0) + t.schoolEffect / 2));
        long gafam = gafamUsers(s, y);
        long families = Math.round(s.pupils() * clamp(0.05 + 0.03 * age + (tne ? 0.2 : 0)));
        sb.setLength(0);
        sb.append(s.uai())
            .append(';')
            .append(schoolYear(y))
            .append(';')
            .append(teachers)
            .append(';')
            .append(resp)
            .append(';')
            .append(weekly)
            .append(';')
            .append(ent)
            .append(';')
            .append(resources)
            .append(';')
            .append(trained)
            .append(';')
            .append(gafam)
            .append(';')
            .append(families)
            .append('\n');
        w.append(sb);
        n++;
      }
    }
    return n;
  }

  private static final Set<Integer> HOLIDAY_WEEKS = Set.of(44, 52, 1, 8, 9, 16, 17);
  private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

  /** School days of a school year: weekdays from early September to early July, less holidays. */
  static List<LocalDate> schoolDays(int year) {
    var days = new ArrayList<LocalDate>();
    for (LocalDate d = LocalDate.of(year - 1, 9, 2);
        d.isBefore(LocalDate.of(year, 7, 5));
        d = d.plusDays(1)) {
      int dow = d.getDayOfWeek().getValue();
      int week = d.get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR);
      if (dow <= 5 && !HOLIDAY_WEEKS.contains(week)) {
        days.add(d);
      }
    }
    return days;
  }

  static ZoneId zone(String departement) {
    if (departement == null) {
      return ZoneId.of("Europe/Paris");
    }
    return switch (departement) {
      case "971", "972" -> ZoneId.of("America/Martinique");
      case "973" -> ZoneId.of("America/Cayenne");
      case "974" -> ZoneId.of("Indian/Reunion");
      case "976" -> ZoneId.of("Indian/Mayotte");
      default -> ZoneId.of("Europe/Paris");
    };
  }

  private long writeSpeedTests(Writer w) throws IOException {
    w.write("uai;horodatage;debit_descendant;debit_montant;latence;gigue;perte_paquets\n");
    if (config.testsPerSchoolDay() == 0 || config.testYears() == 0) {
      return 0;
    }
    long n = 0;
    var sb = new StringBuilder(96);
    int from = Math.max(config.firstYear(), config.lastYear() - config.testYears() + 1);
    for (int y = from; y <= config.lastYear(); y++) {
      List<LocalDate> days = schoolDays(y);
      for (SchoolProfile s : schools) {
        String tech = technology(s, y);
        if (tech.equals("aucune")) {
          continue;
        }
        double down = contractedDown(s, y, tech);
        double up = upload(tech, down);
        ZoneId zone = zone(s.departementCode());
        var r = rng(config.seed(), s.uai(), 10_000 + y);
        double perDay = config.testsPerSchoolDay();
        for (LocalDate d : days) {
          int k = (int) perDay + (r.nextDouble() < perDay - (int) perDay ? 1 : 0);
          for (int i = 0; i < k; i++) {
            int minute = 8 * 60 + r.nextInt(9 * 60);
            // Congestion at the start of lessons and at noon.
            double congestion =
                (minute >= 8 * 60 + 30 && minute < 10 * 60)
                        || (minute >= 12 * 60 && minute < 13 * 60 + 30)
                    ? 0.75
                    : 1;
            double factor = efficiency(tech, r) * congestion * Math.exp(0.15 * r.nextGaussian());
            double loss = r.nextDouble() < 0.02 ? 1 + 9 * r.nextDouble() : 0.1 * r.nextDouble();
            sb.setLength(0);
            sb.append(s.uai())
                .append(';')
                .append(
                    ISO.format(
                        LocalDateTime.of(d, java.time.LocalTime.of(minute / 60, minute % 60))
                            .atZone(zone)
                            .toOffsetDateTime()))
                .append(';')
                .append(num(Math.min(down, down * factor)))
                .append(';')
                .append(num(Math.min(up, up * efficiency(tech, r))))
                .append(';')
                .append(num(latency(tech, r)))
                .append(';')
                .append(num(1 + 9 * r.nextDouble()))
                .append(';')
                .append(num(loss))
                .append('\n');
            w.append(sb);
            n++;
          }
        }
      }
    }
    return n;
  }

  // ---------------------------------------------------------------- calibration report

  /** Each published figure against its simulated counterpart, from the simulated values. */
  public List<Calibration> calibration() {
    var out = new ArrayList<Calibration>();
    double[] primary = ratio("ecole");
    double[] college = ratio("college");
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
        double down = contractedDown(s, CALIBRATION_YEAR, technology(s, CALIBRATION_YEAR));
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
            round2(gafamShare(GAFAM_YEAR) * 100),
            "Enquête auprès de 1 000 enseignants, 2020 (../shared/data/README.md)"));
    return out;
  }

  // ---------------------------------------------------------------- helpers

  private static double clamp(double p) {
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
