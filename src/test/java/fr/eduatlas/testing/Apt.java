package fr.eduatlas.testing;

import java.util.List;

/** Debian packages the end-to-end tests need, installed with apt-get when missing (as root). */
public final class Apt {
  private Apt() {}

  /**
   * Installs {@code packages} without their recommendations.
   *
   * @throws IllegalStateException naming the packages if apt-get fails (no root, no network)
   */
  public static void install(List<String> packages) throws Exception {
    var apt =
        new ProcessBuilder(
                "sh",
                "-c",
                "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq"
                    + " --no-install-recommends "
                    + String.join(" ", packages))
            .inheritIO()
            .start();
    if (apt.waitFor() != 0) {
      throw new IllegalStateException(
          "paquets absents et non installables (apt-get, droits root) : installez "
              + String.join(" ", packages)
              + " avant les tests");
    }
  }
}
