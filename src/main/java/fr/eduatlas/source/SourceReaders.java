package fr.eduatlas.source;

import fr.eduatlas.source.arcep.CoverageReader;
import fr.eduatlas.source.arcep.FtthQuartersReader;
import fr.eduatlas.source.cog.AcademiesReader;
import fr.eduatlas.source.cog.CogCommunesReader;
import fr.eduatlas.source.cog.CogDepartementsReader;
import fr.eduatlas.source.cog.CogEpciReader;
import fr.eduatlas.source.cog.CogRegionsReader;
import fr.eduatlas.source.contrib.ConnectivityReader;
import fr.eduatlas.source.contrib.EquipmentReader;
import fr.eduatlas.source.contrib.SpeedTestReader;
import fr.eduatlas.source.contrib.UsageReader;
import fr.eduatlas.source.depp.AnnuaireReader;
import fr.eduatlas.source.depp.CollegesGeolocReader;
import fr.eduatlas.source.depp.IpsSchoolsReader;
import fr.eduatlas.source.ign.BoundaryFileReader;
import fr.eduatlas.source.ign.CommuneBoundariesReader;
import fr.eduatlas.source.insee.BpePrimaryReader;
import fr.eduatlas.source.insee.DensityGridReader;
import fr.eduatlas.source.insee.LegalPopulationsReader;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/** The readers the manifest can name, by key. */
public final class SourceReaders {
  private static final Map<String, Supplier<SourceReader>> READERS =
      Map.ofEntries(
          Map.entry("cog-communes", CogCommunesReader::new),
          Map.entry("cog-departements", CogDepartementsReader::new),
          Map.entry("cog-regions", CogRegionsReader::new),
          Map.entry("cog-epci", CogEpciReader::new),
          Map.entry("academies", AcademiesReader::new),
          Map.entry("insee-density-grid", DensityGridReader::new),
          Map.entry("insee-legal-populations", LegalPopulationsReader::new),
          Map.entry("insee-bpe-primary", BpePrimaryReader::new),
          Map.entry("depp-ips-ecoles", IpsSchoolsReader.Ecoles::new),
          Map.entry("depp-ips-colleges", IpsSchoolsReader.Colleges::new),
          Map.entry("depp-ips-lycees", IpsSchoolsReader.Lycees::new),
          Map.entry("depp-colleges-geoloc", CollegesGeolocReader::new),
          Map.entry("education-annuaire", AnnuaireReader::new),
          Map.entry("arcep-coverage", CoverageReader::new),
          Map.entry("arcep-ftth-quarters", FtthQuartersReader::new),
          Map.entry("ign-commune-boundaries", CommuneBoundariesReader::new),
          Map.entry("ign-boundary-file", BoundaryFileReader::new),
          Map.entry("contrib-connectivite", ConnectivityReader::new),
          Map.entry("contrib-equipement", EquipmentReader::new),
          Map.entry("contrib-usages", UsageReader::new),
          Map.entry("contrib-tests_debit", SpeedTestReader::new));

  private SourceReaders() {}

  public static boolean has(String key) {
    return READERS.containsKey(key);
  }

  public static SourceReader create(String key) {
    Supplier<SourceReader> s = READERS.get(key);
    if (s == null) {
      throw new IllegalArgumentException("no reader named '" + key + "'; known: " + keys());
    }
    return s.get();
  }

  public static Set<String> keys() {
    return new TreeSet<>(READERS.keySet());
  }
}
