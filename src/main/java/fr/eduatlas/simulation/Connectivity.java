package fr.eduatlas.simulation;

import static fr.eduatlas.simulation.Simulator.*;

import fr.eduatlas.warehouse.SchoolProfiles.SchoolProfile;
import java.io.IOException;
import java.io.Writer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The connectivity model of the simulation and its file ({@code connectivite.csv}): a school's
 * access technology and contracted speed per year, the survey's bandwidth classes calibrated on
 * line quality, and what each technology gives (upload, measured share, latency).
 */
final class Connectivity {
  private final Simulator sim;
  private double dslThresholdLow;
  private double dslThresholdMid;

  Connectivity(Simulator sim) {
    this.sim = sim;
  }

  private double adoption(SchoolProfile s, int year) {
    double base =
        primary(s)
            ? 0.25 + 0.12 * (year - CALIBRATION_YEAR)
            : 0.5 + 0.1 * (year - CALIBRATION_YEAR);
    base += 0.15 * sim.tne(s.departementCode(), year);
    return Math.min(0.97, base);
  }

  /** The access technology of a school in a school year. */
  String technology(SchoolProfile s, int year) {
    Traits t = sim.traits.get(s.uai());
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
    Traits t = sim.traits.get(s.uai());
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
  void calibrate() {
    dslThresholdLow = Double.NEGATIVE_INFINITY;
    dslThresholdMid = Double.NEGATIVE_INFINITY;
    List<Double> dsl = new ArrayList<>();
    int n = 0;
    int none = 0;
    for (SchoolProfile s : sim.schools) {
      if (!primary(s) || !publicSector(s)) {
        continue;
      }
      n++;
      String tech = technology(s, CALIBRATION_YEAR);
      if (tech.equals("dsl")) {
        dsl.add(sim.traits.get(s.uai()).lineQuality);
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

  static double efficiency(String tech, SplittableRandom r) {
    TechProfile t = TECHNOLOGIES.get(tech);
    return t.effMin() + (t.effMax() - t.effMin()) * r.nextDouble();
  }

  static double latency(String tech, SplittableRandom r) {
    TechProfile t = TECHNOLOGIES.get(tech);
    return t.latMin() + (t.latMax() - t.latMin()) * r.nextDouble();
  }

  long write(Writer w) throws IOException {
    w.write(
        "uai;annee_scolaire;date_observation;technologie;debit_descendant_souscrit;"
            + "debit_montant_souscrit;debit_descendant_mesure;debit_montant_mesure;latence;"
            + "part_salles_wifi;methode\n");
    long n = 0;
    var sb = new StringBuilder(160);
    for (SchoolProfile s : sim.schools) {
      Traits t = sim.traits.get(s.uai());
      for (int y = sim.config.firstYear(); y <= sim.config.lastYear(); y++) {
        var r = rng(sim.config.seed(), s.uai(), 100 + y);
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
                        + 12 * sim.tne(s.departementCode(), y)));
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
}
