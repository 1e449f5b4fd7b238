package fr.eduatlas.simulation;

import static fr.eduatlas.simulation.Simulator.*;

import fr.eduatlas.warehouse.SchoolProfiles.SchoolProfile;
import java.io.IOException;
import java.io.Writer;

/**
 * The usage model of the simulation and its file ({@code usages.csv}): teachers and respondents,
 * weekly use, ENT, resources, training, foreign platforms calibrated on the 2020 survey.
 */
final class Usage {
  private final Simulator sim;
  private double gafamScale = 1;

  Usage(Simulator sim) {
    this.sim = sim;
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
    return (int) Math.round(teachers(s) * sim.traits.get(s.uai()).responseRate);
  }

  private int gafamUsers(SchoolProfile s, int year) {
    Traits t = sim.traits.get(s.uai());
    double p =
        (0.65 + 0.07 * Math.min(1, year - CALIBRATION_YEAR) - 0.02 * Math.max(0, year - GAFAM_YEAR))
                * gafamScale
            + t.gafamEffect;
    p -= 0.05 * sim.tne(s.departementCode(), year); // sovereign tools promoted with it
    return (int) Math.round(respondents(s) * clamp(p));
  }

  /** Rescales the foreign-platform share so that 2019-2020's national share hits the target. */
  void calibrate() {
    for (int pass = 0; pass < 4; pass++) {
      double share = gafamShare(GAFAM_YEAR);
      gafamScale *= GAFAM_TARGET / share;
    }
  }

  double gafamShare(int year) {
    long users = 0;
    long resp = 0;
    for (SchoolProfile s : sim.schools) {
      users += gafamUsers(s, year);
      resp += respondents(s);
    }
    return users / (double) Math.max(1, resp);
  }

  long write(Writer w) throws IOException {
    w.write(
        "uai;annee_scolaire;enseignants;enseignants_repondants;ens_usage_hebdomadaire;"
            + "ens_usage_ent;ens_ressources_numeriques;ens_formes_3_ans;"
            + "ens_plateformes_etrangeres;familles_touchees\n");
    long n = 0;
    var sb = new StringBuilder(128);
    for (SchoolProfile s : sim.schools) {
      Traits t = sim.traits.get(s.uai());
      int teachers = teachers(s);
      int resp = respondents(s);
      for (int y = sim.config.firstYear(); y <= sim.config.lastYear(); y++) {
        double tne = sim.tne(s.departementCode(), y);
        int age = y - CALIBRATION_YEAR;
        double ipsEffect = 0.05 * (s.ips() - 100) / 30;
        long weekly =
            Math.round(resp * clamp(0.45 + 0.04 * age + 0.1 * tne + ipsEffect + t.schoolEffect));
        long ent =
            Math.round(
                resp
                    * clamp(
                        (primary(s) ? 0.3 + 0.06 * age : 0.85 + 0.02 * age) + t.schoolEffect / 2));
        long resources = Math.round(resp * clamp(0.5 + 0.04 * age + 0.08 * tne + t.schoolEffect));
        long trained = Math.round(resp * clamp(0.25 + 0.03 * age + 0.3 * tne + t.schoolEffect / 2));
        long gafam = gafamUsers(s, y);
        long families = Math.round(s.pupils() * clamp(0.05 + 0.03 * age + 0.2 * tne));
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
}
