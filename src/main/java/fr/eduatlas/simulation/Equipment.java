package fr.eduatlas.simulation;

import static fr.eduatlas.simulation.Simulator.*;

import fr.eduatlas.warehouse.SchoolProfiles.SchoolProfile;
import java.io.IOException;
import java.io.Writer;

/**
 * The equipment model of the simulation and its file ({@code equipement.csv}): computers per pupil
 * calibrated on the survey's ratios of sums, tablets, displays, the TNE equipment.
 */
final class Equipment {
  private final Simulator sim;
  private double computersScalePrimary = 1;
  private double computersScaleCollege = 1;

  Equipment(Simulator sim) {
    this.sim = sim;
  }

  /** Computers (fixed and portable) before rounding. */
  double computers(SchoolProfile s, int year) {
    Traits t = sim.traits.get(s.uai());
    double per100 =
        switch (s.type()) {
          case "ecole" -> (publicSector(s) ? 11.9 : 10) * computersScalePrimary;
          case "college" -> (publicSector(s) ? 33.8 : 30) * computersScaleCollege;
          default -> 50;
        };
    double base = s.pupils() * per100 / 100 * t.computersNoise * (1 + 0.003 * (s.ips() - 100));
    double active = sim.tneYearsScaled(s, year);
    return base * Math.pow(1.05, year - CALIBRATION_YEAR) * Math.pow(1.12, active);
  }

  /** Rescales computers per pupil so that 2018-2019's ratios of sums hit the survey's. */
  void calibrate() {
    for (int pass = 0; pass < 3; pass++) {
      double[] primaryRatio = ratio("ecole");
      double[] collegeRatio = ratio("college");
      computersScalePrimary *=
          PRIMARY_COMPUTERS_PER_100 / (primaryRatio[0] / primaryRatio[1] * 100);
      computersScaleCollege *=
          COLLEGE_COMPUTERS_PER_100 / (collegeRatio[0] / collegeRatio[1] * 100);
    }
  }

  double[] ratio(String type) {
    double computers = 0;
    double pupils = 0;
    for (SchoolProfile s : sim.schools) {
      if (s.type().equals(type) && publicSector(s)) {
        computers += Math.round(computers(s, CALIBRATION_YEAR));
        pupils += s.pupils();
      }
    }
    return new double[] {computers, Math.max(1, pupils)};
  }

  long write(Writer w) throws IOException {
    w.write(
        "uai;annee_scolaire;ordinateurs_fixes;ordinateurs_portables;tablettes;ecrans_interactifs;"
            + "murs_pedagogiques;kits_hybridation;kits_robotique;equipements_pretes_eleves;"
            + "age_moyen_equipements\n");
    long n = 0;
    var sb = new StringBuilder(128);
    for (SchoolProfile s : sim.schools) {
      for (int y = sim.config.firstYear(); y <= sim.config.lastYear(); y++) {
        var r = rng(sim.config.seed(), s.uai(), 200 + y);
        double tne = sim.tne(s.departementCode(), y);
        int age = y - CALIBRATION_YEAR;
        long computers = Math.round(computers(s, y));
        double portableShare = Math.min(0.8, 0.3 + 0.04 * age + 0.1 * tne);
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
                    * Math.pow(1.3, sim.tneYearsScaled(s, y))
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
                    + 0.1 * sim.tneYearsScaled(s, y)
                    + 0.2 * (r.nextDouble() - 0.5));
        long displays = Math.round(classes * Math.max(0, displayShare));
        long walls = r.nextDouble() < 0.02 + 0.28 * tne ? 1 : 0;
        long hybrid =
            y < 2021
                ? 0
                : primary(s)
                    ? (r.nextDouble() < 0.1 + 0.4 * tne ? 1 : 0)
                    : 1 + r.nextInt((int) Math.round(2 + 2 * tne));
        long robotics = Math.round(classes * 0.05 * Math.pow(1.2, age) * (0.5 + r.nextDouble()));
        long lent =
            Math.round(
                s.pupils() * (primary(s) ? 0.03 * tne : 0.02 + 0.13 * tne) * r.nextDouble() * 2);
        double ageYears =
            Math.max(1, Math.min(10, 6 - 0.3 * age - 1.5 * tne + (r.nextDouble() - 0.5) * 2));
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
}
