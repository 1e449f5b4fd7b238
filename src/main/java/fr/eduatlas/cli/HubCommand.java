package fr.eduatlas.cli;

import fr.eduatlas.hub.Hub;
import fr.eduatlas.hub.HubException;
import fr.eduatlas.hub.HubStore;
import fr.eduatlas.hub.Role;
import fr.eduatlas.hub.SchoolDirectory;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code eduatlas hub}: the instance administrator's commands for the local data hubs: create them,
 * give their members roles, issue and revoke API tokens. Acts on the hub store directly, so it
 * works whether or not a server runs.
 */
@Command(
    name = "hub",
    mixinStandardHelpOptions = true,
    description = {
      "Administre les pôles de données locaux (académies, collectivités, programmes) :",
      "création, périmètre, membres et rôles, jetons d'accès à l'API."
    },
    subcommands = {
      HubCommand.Create.class,
      HubCommand.ListHubs.class,
      HubCommand.Scope.class,
      HubCommand.Grant.class,
      HubCommand.Revoke.class,
      HubCommand.Token.class,
      HubCommand.LoginLink.class
    })
public final class HubCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println(
        "Précisez une commande : create, list, scope, grant, revoke ou token (--help).");
    return 2;
  }

  /** Where the store is, for every subcommand. */
  static final class StoreOptions {
    @Option(
        names = "--store",
        paramLabel = "JDBC",
        defaultValue = "${env:EDUATLAS_HUB_STORE}",
        description = {
          "Base des pôles : jdbc:sqlite:FICHIER ou jdbc:postgresql://… (défaut : variable",
          "EDUATLAS_HUB_STORE, sinon hubs.sqlite à côté de l'entrepôt)."
        })
    String store;

    @Option(
        names = "--warehouse",
        paramLabel = "FILE",
        defaultValue = "var/eduatlas.duckdb",
        description = "Entrepôt servi, pour vérifier les territoires (défaut : ${DEFAULT-VALUE}).")
    Path warehouse;

    HubStore open() {
      return HubStore.open(store != null ? store : HubStore.defaultUrl(warehouse));
    }
  }

  static String actor() {
    return "admin:" + System.getProperty("user.name", "inconnu");
  }

  /** Runs {@code work}, printing a refused operation's message; returns the exit code. */
  static int guarded(Callable<Integer> work) {
    try {
      return work.call();
    } catch (HubException | IllegalArgumentException e) {
      System.err.println("Erreur : " + e.getMessage());
      return e instanceof HubException h && h.status() == 404 ? 3 : 2;
    } catch (Exception e) {
      System.err.println("Erreur : " + e.getMessage());
      return 1;
    }
  }

  static Set<String> list(String csv) {
    return new HashSet<>(Arrays.asList(csv.split(",")));
  }

  /** A territory "niveau:code", checked against the warehouse when it exists. */
  static String[] territory(String value, Hub.Kind kind, Path warehouse) throws Exception {
    String level;
    String code;
    int k = value.indexOf(':');
    if (k < 0) {
      if (kind.level() == null) {
        throw new IllegalArgumentException(
            "un pôle de programme nomme son territoire : --territoire niveau:code");
      }
      level = kind.level();
      code = value;
    } else {
      level = value.substring(0, k);
      code = value.substring(k + 1);
    }
    if (fr.eduatlas.territory.Level.of(level).isEmpty()) {
      throw new IllegalArgumentException(
          "niveau de territoire inconnu : '"
              + level
              + "' (commune, epci, departement, academie, region ou france)");
    }
    if (!code.matches("[0-9A-Za-z]{1,12}")) {
      throw new IllegalArgumentException("code de territoire mal formé : '" + code + "'");
    }
    if (Files.isRegularFile(warehouse)) {
      var props = new Properties();
      props.setProperty("duckdb.read_only", "true");
      try (var c =
          DriverManager.getConnection("jdbc:duckdb:" + warehouse.toAbsolutePath(), props)) {
        if (!SchoolDirectory.territoryExists(c, level, code)) {
          throw new IllegalArgumentException(
              "aucun territoire " + level + " « " + code + " » dans l'entrepôt " + warehouse);
        }
      }
    }
    return new String[] {level, code};
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Crée un pôle. Son périmètre suit par défaut la compétence de son type :",
        "communes et EPCI : écoles ; départements : collèges ; régions : lycées",
        "(connectivité, équipement, tests de débit) ; académies : tous les établissements",
        "(usages, connectivité, tests de débit) ; programme : écoles et collèges",
        "(équipement, usages)."
      })
  static final class Create implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Parameters(index = "0", paramLabel = "ID", description = "Identifiant (minuscules, tirets).")
    String id;

    @Option(names = "--nom", required = true, description = "Nom de l'organisation.")
    String name;

    @Option(
        names = "--type",
        required = true,
        description = "academie, region, departement, epci, commune ou programme.")
    String kind;

    @Option(
        names = "--territoire",
        required = true,
        paramLabel = "[NIVEAU:]CODE",
        description = "Territoire du pôle, ex. 02, departement:02, academie:20.")
    String territory;

    @Option(names = "--types", paramLabel = "T,…", description = "Types d'établissement accordés.")
    String types;

    @Option(names = "--jeux", paramLabel = "J,…", description = "Jeux de données accordés.")
    String datasets;

    @Override
    public Integer call() {
      return guarded(
          () -> {
            Hub.validId(id);
            Hub.Kind k = Hub.Kind.of(kind);
            String[] t = territory(territory, k, store.warehouse);
            Hub.Scope c = Hub.competence(k, t[0], t[1]);
            var scope =
                new Hub.Scope(
                    t[0],
                    t[1],
                    types == null ? c.types() : list(types),
                    datasets == null ? c.datasets() : list(datasets));
            try (HubStore s = store.open()) {
              s.createHub(new Hub(id, name, k, t[0], t[1], scope, Instant.now()), actor());
            }
            System.out.println(
                "Pôle « "
                    + id
                    + " » créé : "
                    + scope.level()
                    + " "
                    + scope.code()
                    + ", "
                    + String.join(",", scope.types())
                    + ", "
                    + String.join(",", scope.datasets()));
            return 0;
          });
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Liste les pôles.")
  static final class ListHubs implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Override
    public Integer call() {
      return guarded(
          () -> {
            PrintStream out = System.out;
            try (HubStore s = store.open()) {
              for (Hub h : s.hubs()) {
                out.printf(
                    "%-24s %-12s %s:%s  types=%s  jeux=%s  « %s »%n",
                    h.id(),
                    h.kind().code(),
                    h.scope().level(),
                    h.scope().code(),
                    String.join(",", new java.util.TreeSet<>(h.scope().types())),
                    String.join(",", new java.util.TreeSet<>(h.scope().datasets())),
                    h.name());
                for (var m : s.members(h.id())) {
                  out.printf("    %-40s %s%n", m.member(), m.role().code());
                }
              }
            }
            return 0;
          });
    }
  }

  @Command(
      name = "scope",
      mixinStandardHelpOptions = true,
      description = "Élargit ou restreint le périmètre d'un pôle (territoire, types, jeux).")
  static final class Scope implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Option(names = "--territoire", paramLabel = "NIVEAU:CODE")
    String territory;

    @Option(names = "--types", paramLabel = "T,…")
    String types;

    @Option(names = "--jeux", paramLabel = "J,…")
    String datasets;

    @Override
    public Integer call() {
      return guarded(
          () -> {
            try (HubStore s = store.open()) {
              Hub h =
                  s.hub(id).orElseThrow(() -> HubException.notFound("aucun pôle « " + id + " »"));
              String[] t =
                  territory == null
                      ? new String[] {h.scope().level(), h.scope().code()}
                      : territory(territory, h.kind(), store.warehouse);
              var scope =
                  new Hub.Scope(
                      t[0],
                      t[1],
                      types == null ? h.scope().types() : list(types),
                      datasets == null ? h.scope().datasets() : list(datasets));
              s.setScope(id, scope, actor());
              System.out.println("Périmètre de « " + id + " » : " + scope);
            }
            return 0;
          });
    }
  }

  @Command(
      name = "grant",
      mixinStandardHelpOptions = true,
      description = "Donne un rôle à un membre (créé s'il est nouveau).")
  static final class Grant implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Parameters(index = "1", paramLabel = "MEMBRE", description = "Adresse électronique ou nom.")
    String member;

    @Option(
        names = "--role",
        required = true,
        description = "contributeur, valideur ou lecteur (répétable).")
    java.util.List<String> roles;

    @Option(
        names = "--admin",
        description = "Fait aussi du membre un administrateur de l'instance.")
    boolean admin;

    @Override
    public Integer call() {
      return guarded(
          () -> {
            if (member.isBlank() || member.length() > 320) {
              throw new IllegalArgumentException("membre : 1 à 320 caractères");
            }
            try (HubStore s = store.open()) {
              for (String r : roles) {
                s.grant(id, member, Role.of(r), actor());
              }
              if (admin) {
                s.ensureMember(member, true);
              }
            }
            System.out.println(member + " : " + String.join(", ", roles) + " dans « " + id + " »");
            return 0;
          });
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Retire un rôle.")
  static final class Revoke implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Parameters(index = "1", paramLabel = "MEMBRE")
    String member;

    @Option(names = "--role", required = true)
    String role;

    @Override
    public Integer call() {
      return guarded(
          () -> {
            try (HubStore s = store.open()) {
              boolean held = s.revoke(id, member, Role.of(role), actor());
              System.out.println(held ? "Rôle retiré." : "Ce membre n'avait pas ce rôle.");
            }
            return 0;
          });
    }
  }

  @Command(
      name = "lien",
      mixinStandardHelpOptions = true,
      description = {
        "Émet un lien de connexion personnel à usage unique pour l'espace contributeurs (quand",
        "aucun fournisseur d'identité n'est configuré). Le lien n'est affiché qu'une fois."
      })
  static final class LoginLink implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Parameters(index = "0", paramLabel = "MEMBRE")
    String member;

    @Option(
        names = "--adresse",
        paramLabel = "URL",
        defaultValue = "${env:EDUATLAS_PUBLIC_URL:-http://127.0.0.1:8080}",
        description = "Adresse publique du serveur (défaut : ${DEFAULT-VALUE}).")
    String base;

    @Option(
        names = "--minutes",
        defaultValue = "30",
        description = "Validité du lien en minutes (défaut : ${DEFAULT-VALUE}, 7 jours au plus).")
    long minutes;

    @Override
    public Integer call() {
      return guarded(
          () -> {
            try (HubStore s = store.open()) {
              var link =
                  new fr.eduatlas.hub.Sessions(s)
                      .createLink(member, Duration.ofMinutes(minutes), actor());
              String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
              System.out.println(b + "/contribuer/connexion#code=" + link.code());
              System.err.println(
                  "Lien à usage unique pour "
                      + member
                      + ", valable jusqu'au "
                      + link.expiresAt()
                      + " : il ne sera plus affiché.");
            }
            return 0;
          });
    }
  }

  @Command(
      name = "token",
      mixinStandardHelpOptions = true,
      description = "Jetons d'accès à l'API : create, list, revoke.",
      subcommands = {TokenCreate.class, TokenList.class, TokenRevoke.class})
  static final class Token implements Callable<Integer> {
    @Override
    public Integer call() {
      System.err.println("Précisez : create, list ou revoke (--help).");
      return 2;
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Crée un jeton pour un membre. Le jeton est affiché une seule fois : conservez-le ;",
        "seule son empreinte est enregistrée."
      })
  static final class TokenCreate implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Parameters(index = "0", paramLabel = "MEMBRE")
    String member;

    @Option(names = "--nom", required = true, description = "Nom du jeton (usage, machine…).")
    String name;

    @Option(names = "--hub", paramLabel = "ID", description = "Restreint le jeton à ce pôle.")
    String hub;

    @Option(
        names = "--jours",
        defaultValue = "90",
        description = "Durée de validité en jours (défaut : ${DEFAULT-VALUE}).")
    long days;

    @Option(
        names = "--flux-tests",
        description = {
          "Jeton d'un agent de mesure : il ne peut qu'envoyer des tests de débit au flux du",
          "pôle (--hub requis)."
        })
    boolean feed;

    @Override
    public Integer call() {
      return guarded(
          () -> {
            try (HubStore s = store.open()) {
              var t = s.createToken(member, hub, name, Duration.ofDays(days), actor(), feed);
              System.out.println(t.secret());
              System.err.println(
                  "Jeton "
                      + t.info().id()
                      + " pour "
                      + member
                      + ", valable jusqu'au "
                      + t.info().expiresAt()
                      + " : il ne sera plus affiché.");
            }
            return 0;
          });
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Liste les jetons.")
  static final class TokenList implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MEMBRE")
    String member;

    @Override
    public Integer call() {
      return guarded(
          () -> {
            try (HubStore s = store.open()) {
              for (var t : s.tokens(member)) {
                System.out.printf(
                    "%s  %-30s %-20s pôle=%s%s  expire=%s%s  dernier usage=%s%n",
                    t.id(),
                    t.member(),
                    t.name(),
                    t.hub() == null ? "tous" : t.hub(),
                    HubStore.FEED_USAGE.equals(t.usage()) ? " (flux de tests)" : "",
                    t.expiresAt(),
                    t.revokedAt() == null ? "" : "  RÉVOQUÉ",
                    t.lastUsedAt() == null
                        ? "jamais"
                        : t.lastUsedAt() + " (" + t.lastUsedFrom() + ")");
              }
            }
            return 0;
          });
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Révoque un jeton.")
  static final class TokenRevoke implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Parameters(
        index = "0",
        paramLabel = "JETON",
        description = "Identifiant du jeton (12 signes).")
    String id;

    @Override
    public Integer call() {
      return guarded(
          () -> {
            try (HubStore s = store.open()) {
              System.out.println(
                  s.revokeToken(id, actor())
                      ? "Jeton révoqué."
                      : "Aucun jeton actif « " + id + " ».");
            }
            return 0;
          });
    }
  }
}
