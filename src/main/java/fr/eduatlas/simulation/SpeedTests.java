package fr.eduatlas.simulation;

import static fr.eduatlas.simulation.Simulator.*;

import fr.eduatlas.warehouse.SchoolProfiles.SchoolProfile;
import java.io.IOException;
import java.io.Writer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The speed tests of the simulation ({@code tests_debit.csv}): tests at random minutes of each
 * school day, slowed at the start of lessons and at noon, from each school's connection.
 */
final class SpeedTests {
  private SpeedTests() {}

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

  static long write(Simulator sim, Writer w) throws IOException {
    w.write("uai;horodatage;debit_descendant;debit_montant;latence;gigue;perte_paquets\n");
    if (sim.config.testsPerSchoolDay() == 0 || sim.config.testYears() == 0) {
      return 0;
    }
    long n = 0;
    var sb = new StringBuilder(96);
    int from = Math.max(sim.config.firstYear(), sim.config.lastYear() - sim.config.testYears() + 1);
    for (int y = from; y <= sim.config.lastYear(); y++) {
      List<LocalDate> days = schoolDays(y);
      for (SchoolProfile s : sim.schools) {
        String tech = sim.connectivity.technology(s, y);
        if (tech.equals("aucune")) {
          continue;
        }
        double down = sim.connectivity.contractedDown(s, y, tech);
        double up = Connectivity.upload(tech, down);
        ZoneId zone = zone(s.departementCode());
        var r = rng(sim.config.seed(), s.uai(), 10_000 + y);
        double perDay = sim.config.testsPerSchoolDay();
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
            double factor =
                Connectivity.efficiency(tech, r) * congestion * Math.exp(0.15 * r.nextGaussian());
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
                .append(num(Math.min(up, up * Connectivity.efficiency(tech, r))))
                .append(';')
                .append(num(Connectivity.latency(tech, r)))
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
}
