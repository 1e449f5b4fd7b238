package fr.eduatlas.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the official open data is read from: {@code --data} when given, else the {@code
 * EDUATLAS_DATA} environment variable, else {@code ../shared/data} when it exists, else {@code
 * var/data} where {@code eduatlas fetch} downloads it on a fresh machine.
 */
public final class DataDirectory {
  public static final String ENV = "EDUATLAS_DATA";
  public static final Path DEFAULT = Path.of("..", "shared", "data");

  /** Where {@code eduatlas fetch} downloads the data when no other directory is named. */
  public static final Path FETCHED = Path.of("var", "data");

  private DataDirectory() {}

  public static Path resolve(Path explicit) {
    return resolve(explicit, System.getenv(), Path.of("").toAbsolutePath());
  }

  static Path resolve(Path explicit, Map<String, String> env, Path workingDir) {
    Path dir;
    String origin;
    if (explicit != null) {
      dir = explicit;
      origin = "--data";
    } else if (env.get(ENV) != null && !env.get(ENV).isBlank()) {
      dir = Path.of(env.get(ENV));
      origin = ENV;
    } else if (Files.isDirectory(workingDir.resolve(DEFAULT))) {
      return workingDir.resolve(DEFAULT).normalize();
    } else if (Files.isDirectory(workingDir.resolve(FETCHED))) {
      return workingDir.resolve(FETCHED).normalize();
    } else {
      throw new IllegalArgumentException(
          "aucun répertoire de données : indiquez --data DIR ou la variable "
              + ENV
              + " (par défaut "
              + DEFAULT
              + ", absent ici), ou téléchargez-les avec « eduatlas fetch »");
    }
    Path abs = workingDir.resolve(dir).normalize();
    if (!Files.isDirectory(abs)) {
      throw new IllegalArgumentException(
          "répertoire de données introuvable (" + origin + ") : " + abs);
    }
    return abs;
  }

  /**
   * Where {@code eduatlas fetch} writes: {@code --data} when given, else {@code EDUATLAS_DATA},
   * else {@code var/data} (never {@code ../shared/data}, which is an offline source).
   */
  public static Path fetchTarget(Path explicit) {
    return fetchTarget(explicit, System.getenv(), Path.of("").toAbsolutePath());
  }

  static Path fetchTarget(Path explicit, Map<String, String> env, Path workingDir) {
    if (explicit != null) {
      return workingDir.resolve(explicit).normalize();
    }
    if (env.get(ENV) != null && !env.get(ENV).isBlank()) {
      return workingDir.resolve(env.get(ENV)).normalize();
    }
    return workingDir.resolve(FETCHED).normalize();
  }
}
