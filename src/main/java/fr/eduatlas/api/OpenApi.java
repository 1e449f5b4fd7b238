package fr.eduatlas.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The OpenAPI 3.0 document of the whole API ({@code /api/openapi.json}), built here beside the
 * routes so that every query parameter a route accepts is declared (a test holds them equal), and
 * an HTML page that presents it without any script ({@code /api/docs}).
 */
final class OpenApi {
  private final ObjectMapper json = new ObjectMapper();

  record Param(String name, String in, boolean required, String type, String description) {
    static Param query(String name, String type, String description) {
      return new Param(name, "query", false, type, description);
    }

    static Param path(String name, String description) {
      return new Param(name, "path", true, "string", description);
    }
  }

  record Op(String method, String path, String summary, String mediaType, List<Param> params) {
    Op(String path, String summary, String mediaType, List<Param> params) {
      this("get", path, summary, mediaType, params);
    }
  }

  static final List<Op> OPS =
      List.of(
          new Op(
              "/api/v1/levels",
              "Niveaux territoriaux et nombre de territoires",
              "application/json",
              List.of()),
          new Op(
              "/api/v1/territories",
              "Recherche de territoires par nom ou code (sans accents ni casse), classés",
              "application/json",
              List.of(
                  Param.query("q", "string", "nom ou code cherché"),
                  Param.query(
                      "level",
                      "string",
                      "niveau : commune, epci, departement, academie, region, france"),
                  Param.query(
                      "limit", "integer", "nombre de résultats, 20 par défaut, 100 au plus"))),
          new Op(
              "/api/v1/territories/{level}/{code}",
              "Profil d'un territoire : chaque indicateur, sa série, ses territoires de comparaison",
              "application/json",
              List.of(
                  Param.path("level", "niveau du territoire"),
                  Param.path("code", "code du territoire"),
                  Param.query("geometry", "boolean", "joindre le contour (GeoJSON, WGS84)"),
                  Param.query(
                      "zoom", "integer", "contour simplifié pour ce niveau de zoom (0 à 22)"))),
          new Op(
              "/api/v1/territories/{level}/{code}/annuaire",
              "Acteurs et projets du territoire, tels que ses pôles de données les ont publiés"
                  + " (déclaratif)",
              "application/json",
              List.of(
                  Param.path("level", "niveau : region, academie, departement, epci, commune"),
                  Param.path("code", "code du territoire"))),
          new Op(
              "/api/v1/session",
              "Session de l'espace contributeurs (cookie) : membre, rôles, jeton anti-CSRF à"
                  + " joindre aux écritures (en-tête X-CSRF-Token) ; 401 sans session",
              "application/json",
              List.of()),
          new Op(
              "/api/v1/labels/{level}",
              "Noms des territoires d'un niveau à leur point d'étiquette, les plus importants"
                  + " d'abord (communes par population, autres niveaux par superficie)",
              "application/json",
              List.of(
                  Param.path("level", "niveau : region, academie, departement, epci, commune"),
                  Param.query(
                      "bbox",
                      "string",
                      "lon min, lat min, lon max, lat max (WGS84), bornes incluses, comparées aux"
                          + " points publiés (5 décimales)"),
                  Param.query("limit", "integer", "500 par défaut, 2000 au plus"))),
          new Op("/api/v1/indicators", "Catalogue des indicateurs", "application/json", List.of()),
          new Op(
              "/api/v1/indicators/{id}",
              "Définition d'un indicateur et ses périodes",
              "application/json",
              List.of(Param.path("id", "identifiant de l'indicateur"))),
          new Op(
              "/api/v1/indicators/{id}/values",
              "Valeurs d'un indicateur à un niveau et une période",
              "application/json",
              List.of(
                  Param.path("id", "identifiant de l'indicateur"),
                  Param.query("level", "string", "niveau (departement par défaut)"),
                  Param.query("year", "string", "période (la plus récente par défaut)"),
                  Param.query(
                      "within",
                      "string",
                      "niveau:code d'un territoire englobant, ou programme:tne (les territoires qui"
                          + " partagent une commune avec un département du programme)"),
                  Param.query("format", "string", "json (défaut), csv ou geojson"),
                  Param.query("zoom", "integer", "GeoJSON : contours simplifiés pour ce zoom"),
                  Param.query("sep", "string", "CSV : séparateur , (défaut) ou ;"),
                  Param.query("decimal", "string", "CSV : séparateur décimal . (défaut) ou ,"))),
          new Op(
              "/api/v1/schools",
              "Établissements, filtrés et paginés",
              "application/json",
              List.of(
                  Param.query(
                      "programme", "string", "identifiant d'un programme (tne) : ses départements"),
                  Param.query("commune", "string", "code commune"),
                  Param.query("epci", "string", "SIREN de l'EPCI"),
                  Param.query("departement", "string", "code département"),
                  Param.query("academie", "string", "code académie"),
                  Param.query("region", "string", "code région"),
                  Param.query("type", "string", "ecole, college ou lycee"),
                  Param.query("sector", "string", "public ou prive"),
                  Param.query("q", "string", "UAI, ou partie du nom (sans accents ni casse)"),
                  Param.query("bbox", "string", "ouest,sud,est,nord en degrés WGS84"),
                  Param.query("format", "string", "json (défaut), csv ou geojson"),
                  Param.query("sep", "string", "séparateur CSV : , (défaut) ou ;"),
                  Param.query("decimal", "string", "séparateur décimal CSV : . (défaut) ou ,"),
                  Param.query("limit", "integer", "taille de page, 100 par défaut, 1000 au plus"),
                  Param.query("offset", "integer", "rang du premier résultat"))),
          new Op(
              "/api/v1/programmes",
              "Programmes nationaux et leurs territoires (TNE : départements, vague et première"
                  + " année scolaire), leviers, financeurs, phases, cibles et réalisations publiées"
                  + " avec leurs sources",
              "application/json",
              List.of()),
          new Op(
              "/api/v1/programmes/{id}",
              "Un programme : territoires, vagues et phases datées, leviers, financeurs, cibles et"
                  + " réalisations publiées, chacune avec sa source et sa date",
              "application/json",
              List.of(Param.path("id", "identifiant du programme (tne)"))),
          new Op(
              "/api/v1/programmes/{id}/evaluation",
              "Évaluation d'un programme : différence de différences par levier face à des"
                  + " départements comparables (appariés avant le programme), intervalle à 95 %,"
                  + " temps d'évènement depuis le déploiement de chaque vague, placebo ; sur données"
                  + " simulées, le résultat le dit",
              "application/json",
              List.of(Param.path("id", "identifiant du programme (tne)"))),
          new Op(
              "/api/v1/programmes/{id}/suivi",
              "Suivi d'un programme levier par levier : chaque indicateur du levier par période"
                  + " pour les départements du programme, les autres départements et la France"
                  + " (couverture, part simulée), et l'avancement des cibles publiées",
              "application/json",
              List.of(Param.path("id", "identifiant du programme (tne)"))),
          new Op(
              "/api/v1/schools/{uai}",
              "Un établissement et ses données par année",
              "application/json",
              List.of(Param.path("uai", "UAI de l'établissement"))),
          new Op(
              "/tiles/{file}",
              "TileJSON d'une couche : {file} = {couche}.json (regions, academies, departements,"
                  + " epci, communes, schools)",
              "application/json",
              List.of(Param.path("file", "nom de la couche suivi de .json"))),
          new Op(
              "/tiles/{layer}/{z}/{x}/{file}",
              "Tuile vectorielle MVT : {file} = {y}.mvt ; 204 si vide",
              TileRoutes.MVT,
              List.of(
                  Param.path("layer", "couche"),
                  Param.path("z", "zoom, 0 à 22"),
                  Param.path("x", "colonne"),
                  Param.path("file", "ligne suivie de .mvt"),
                  Param.query(
                      "indicator",
                      "string",
                      "indicateur dont chaque territoire porte la valeur, la classe et le drapeau simulé"),
                  Param.query(
                      "year", "string", "période de l'indicateur (la plus récente par défaut)"),
                  Param.query(
                      "programme",
                      "string",
                      "identifiant d'un programme (tne) : ses territoires seulement (couches de"
                          + " territoires)"))),
          new Op("/ogc", "Page d'accueil OGC API Features", "application/json", List.of(f())),
          new Op(
              "/ogc/api",
              "Définition OpenAPI de l'API OGC API Features seule (serveur /ogc), pour les clients"
                  + " et la suite de tests de l'OGC",
              "application/vnd.oai.openapi+json;version=3.0",
              List.of(f())),
          new Op("/ogc/conformance", "Classes de conformité", "application/json", List.of(f())),
          new Op("/ogc/collections", "Collections", "application/json", List.of(f())),
          new Op(
              "/ogc/collections/{collectionId}",
              "Une collection",
              "application/json",
              List.of(Param.path("collectionId", "identifiant de la collection"), f())),
          new Op(
              "/ogc/collections/{collectionId}/items",
              "Objets d'une collection",
              "application/geo+json",
              List.of(
                  Param.path("collectionId", "identifiant de la collection"),
                  Param.query(
                      "limit",
                      "integer",
                      "taille de page, 10 par défaut, 1000 au plus (au-delà : 1000)"),
                  Param.query("offset", "integer", "rang du premier objet"),
                  Param.query(
                      "bbox",
                      "array",
                      "minx,miny,maxx,maxy en CRS84 (ou dans le système 'bbox-crs')"),
                  Param.query(
                      "bbox-crs",
                      "string",
                      "système de 'bbox' : http://www.opengis.net/def/crs/OGC/1.3/CRS84 (défaut) ou"
                          + " http://www.opengis.net/def/crs/EPSG/0/2154 (Lambert-93)"),
                  Param.query(
                      "crs",
                      "string",
                      "système des géométries servies : CRS84 (défaut) ou"
                          + " http://www.opengis.net/def/crs/EPSG/0/2154 (Lambert-93, France"
                          + " métropolitaine ; hors de son domaine, géométrie omise)"),
                  Param.query("datetime", "string", "instant ou intervalle RFC 3339"),
                  Param.query(
                      "indicator",
                      "string",
                      "identifiant d'un indicateur (collections de territoires) : chaque objet"
                          + " porte sa valeur (propriétés indicateur, periode, valeur, unite,"
                          + " statut, simule, remarque)"),
                  Param.query(
                      "year",
                      "string",
                      "période de l'indicateur (par défaut la plus récente) ; avec 'indicator'"),
                  Param.query(
                      "filter",
                      "string",
                      "filtre CQL2 (OGC API Features Part 3) sur les propriétés filtrables de la"
                          + " collection (voir /queryables) : comparaisons, LIKE, BETWEEN, IN, IS"
                          + " NULL, CASEI, ACCENTI, fonctions spatiales S_… et temporelles T_…"),
                  Param.query(
                      "filter-lang",
                      "string",
                      "encodage de 'filter' : cql2-text (défaut) ou cql2-json"),
                  Param.query(
                      "filter-crs",
                      "string",
                      "système des géométries de 'filter' : CRS84 (défaut) ou"
                          + " http://www.opengis.net/def/crs/EPSG/0/2154 (Lambert-93)"),
                  f())),
          new Op(
              "/ogc/collections/{collectionId}/queryables",
              "Propriétés filtrables d'une collection (schéma JSON), pour 'filter'",
              "application/schema+json",
              List.of(Param.path("collectionId", "identifiant de la collection"), f())),
          new Op(
              "/ogc/collections/{collectionId}/items/{featureId}",
              "Un objet",
              "application/geo+json",
              List.of(
                  Param.path("collectionId", "identifiant de la collection"),
                  Param.path("featureId", "identifiant de l'objet"),
                  Param.query(
                      "crs",
                      "string",
                      "système de la géométrie : CRS84 (défaut) ou"
                          + " http://www.opengis.net/def/crs/EPSG/0/2154 (Lambert-93)"),
                  f())),
          new Op(
              "/api/v1/selections/schema",
              "Schéma JSON (2020-12) des critères d'une sélection de communes",
              "application/schema+json",
              List.of()),
          new Op(
              "/api/v1/selections/defaults",
              "Critères par défaut, années disponibles et définition de chaque critère",
              "application/json",
              List.of()),
          new Op(
              "post",
              "/api/v1/selections/{id}/conservation",
              "Conserve une sélection sans limite de durée (les bornes du stockage ne la"
                  + " retirent jamais) : 204",
              "application/json",
              List.of(Param.path("id", "identifiant de la sélection"))),
          new Op(
              "/api/health",
              "État du serveur et version des données",
              "application/json",
              List.of()),
          new Op(
              "/api/v1/stats",
              "Territoires par niveau, établissements par type, lignes en" + " quarantaine",
              "application/json",
              List.of()),
          new Op(
              "/api/v1/config",
              "Réglages de la carte (fond de carte facultatif)",
              "application/json",
              List.of()),
          new Op(
              "post",
              "/api/v1/selections",
              "Calcule (ou retrouve) la sélection des communes d'un appel à manifestation"
                  + " d'intérêt : corps JSON conforme au schéma ; 201 avec Location, 200 si"
                  + " déjà calculée, 400 si les critères sont invalides, 422 si les quotas sont"
                  + " impossibles",
              "application/json",
              List.of()),
          new Op(
              "/api/v1/selections/{id}",
              "Une sélection : liste retenue, suivantes, explications, quotas, sensibilité",
              "application/json",
              List.of(
                  Param.path("id", "identifiant de la sélection"),
                  Param.query("format", "string", "json (défaut), csv ou geojson"),
                  Param.query("sep", "string", "séparateur CSV : , (défaut) ou ;"),
                  Param.query("decimal", "string", "séparateur décimal CSV : . (défaut) ou ,"),
                  Param.query(
                      "scope",
                      "string",
                      "CSV : liste (retenues et suivantes, défaut) ou toutes (chaque commune,"
                          + " avec la règle qui l'exclut)"))),
          new Op(
              "/api/v1/selections/{id}/communes/{code}",
              "Explication du sort d'une commune dans une sélection (score détaillé ou règle"
                  + " d'exclusion)",
              "application/json",
              List.of(
                  Param.path("id", "identifiant de la sélection"),
                  Param.path("code", "code INSEE de la commune"))));

  /** A route of the local data hubs: authenticated by a bearer token, never cached. */
  record HubOp(
      String method,
      String path,
      String summary,
      String mediaType,
      String requestBody,
      List<Param> params) {}

  private static final Param HUB = Param.path("hub", "identifiant du pôle");
  private static final Param CAMPAGNE = Param.path("campagne", "identifiant de la campagne");
  private static final Param CANDIDATURE =
      Param.path("candidature", "identifiant de la candidature");
  private static final Param JEU =
      Param.path("jeu", "jeu de données : connectivite, equipement, usages ou tests_debit");

  static final List<HubOp> HUB_OPS =
      List.of(
          new HubOp(
              "get",
              "/api/v1/hubs",
              "Les pôles du membre authentifié",
              "application/json",
              null,
              List.of()),
          new HubOp(
              "get",
              "/api/v1/hubs/{hub}",
              "Un pôle : périmètre, compétence, versions publiées, membres",
              "application/json",
              null,
              List.of(HUB)),
          new HubOp(
              "post",
              "/api/v1/hubs/{hub}/uploads",
              "Dépôt validé de fichiers de contribution (CSV seul, zip d'un dossier, ou"
                  + " formulaire multipart) : rapport par fichier et versions brouillon créées",
              "application/json",
              "text/csv, application/zip ou multipart/form-data ; 64 Mio au plus",
              List.of(
                  HUB,
                  Param.query("jeu", "string", "jeu d'un CSV envoyé seul"),
                  Param.query("format", "string", "rapport : json (défaut) ou csv"))),
          new HubOp(
              "get",
              "/api/v1/hubs/{hub}/uploads/{upload}",
              "Rapport de validation d'un dépôt",
              "application/json",
              null,
              List.of(
                  HUB,
                  Param.path("upload", "identifiant du dépôt"),
                  Param.query("format", "string", "json (défaut) ou csv"))),
          new HubOp(
              "get",
              "/api/v1/hubs/{hub}/versions",
              "Versions du pôle, la plus récente" + " d'abord, avec leur état de publication",
              "application/json",
              null,
              List.of(HUB, Param.query("jeu", "string", "un seul jeu de données"))),
          new HubOp(
              "get",
              "/api/v1/hubs/{hub}/versions/{jeu}/{numero}",
              "Une version et ses lignes",
              "application/json",
              null,
              List.of(
                  HUB,
                  JEU,
                  Param.path("numero", "numéro de version"),
                  Param.query("limit", "integer", "lignes, 1000 par défaut, 10000 au plus"),
                  Param.query("offset", "integer", "lignes à sauter"))),
          new HubOp(
              "post",
              "/api/v1/hubs/{hub}/versions/{jeu}/{numero}/publication",
              "Publie une version (une version antérieure : retour arrière) et demande la"
                  + " reconstruction de l'entrepôt (rôle valideur)",
              "application/json",
              null,
              List.of(HUB, JEU, Param.path("numero", "numéro de version"))),
          new HubOp(
              "get",
              "/api/v1/hubs/{hub}/diff/{jeu}",
              "Différences entre deux versions : lignes ajoutées, modifiées (ancienne et"
                  + " nouvelle valeur), retirées",
              "application/json",
              null,
              List.of(
                  HUB,
                  JEU,
                  Param.query("de", "integer", "version de départ"),
                  Param.query("a", "integer", "version d'arrivée"))),
          new HubOp(
              "get",
              "/api/v1/hubs/{hub}/publications",
              "Historique des publications",
              "application/json",
              null,
              List.of(HUB)),
          new HubOp(
              "get",
              "/api/v1/hubs/{hub}/conflicts",
              "Conflits avec d'autres sources dans l'entrepôt servi (ligne retenue, ligne"
                  + " écartée, règle)",
              "application/json",
              null,
              List.of(HUB)),
          new HubOp(
              "get",
              "/api/v1/hubs/{hub}/audit",
              "Journal des actions du pôle",
              "application/json",
              null,
              List.of(HUB, Param.query("limit", "integer", "entrées, 200 par défaut"))),
          new HubOp(
              "get",
              "/api/v1/hubs/{hub}/completeness",
              "Complétude par jeu : établissements du périmètre, couverts par la version"
                  + " publiée, dernière observation",
              "application/json",
              null,
              List.of(HUB)),
          new HubOp(
              "get",
              "/api/v1/hubs/{hub}/templates/{jeu}",
              "Modèle CSV prérempli avec les établissements du périmètre",
              "text/csv",
              null,
              List.of(HUB, JEU)),
          new HubOp(
              "post",
              "/api/v1/hubs/{hub}/tests-debit",
              "Flux de mesures : un lot de tests de débit (colonnes de tests_debit.csv), validé"
                  + " comme le fichier, enregistré en entier ou pas du tout, rejouable sans doublon"
                  + " par son identifiant ; jeton du flux (hub token create --flux-tests) ou rôle"
                  + " contributeur. 201 (enregistré) ou 200 (lot déjà reçu)",
              "application/json",
              "application/x-ndjson (un objet JSON par ligne) ou text/csv ; 64 Mio au plus",
              List.of(
                  HUB,
                  Param.query(
                      "lot",
                      "string",
                      "identifiant du lot choisi par l'envoyeur (1 à 64 lettres, chiffres, . _"
                          + " -), obligatoire"))),
          new HubOp(
              "get",
              "/api/v1/hubs/{hub}/annuaire",
              "Annuaire des acteurs et projets du pôle : versions, version publiée, exemple",
              "application/json",
              null,
              List.of(HUB)),
          new HubOp(
              "post",
              "/api/v1/hubs/{hub}/annuaire",
              "Enregistre une version brouillon de l'annuaire (contributeur) ; 422 avec chaque"
                  + " erreur s'il est invalide",
              "application/json",
              "application/json : { \"acteurs\": […], \"projets\": […] } ; 512 Kio au plus",
              List.of(HUB)),
          new HubOp(
              "post",
              "/api/v1/hubs/{hub}/annuaire/versions/{numero}/publication",
              "Publie une version de l'annuaire (valideur) : elle paraît sur la fiche du"
                  + " territoire",
              "application/json",
              null,
              List.of(HUB, Param.path("numero", "numéro de version"))),
          new HubOp(
              "get",
              "/api/v1/rebuilds",
              "Dernières reconstructions de l'entrepôt",
              "application/json",
              null,
              List.of()),
          new HubOp(
              "get",
              "/api/v1/rebuilds/{id}",
              "État d'une reconstruction : queued, building, served ou failed, avec le rapport",
              "application/json",
              null,
              List.of(Param.path("id", "identifiant"))),
          new HubOp(
              "get",
              "/api/v1/audit",
              "Journal de tous les pôles (administrateurs)",
              "application/json",
              null,
              List.of(Param.query("limit", "integer", "entrées, 200 par défaut"))),
          new HubOp(
              "get",
              "/api/v1/campaigns",
              "Campagnes d'appel à manifestation d'intérêt : état, liste, lauréats (public)",
              "application/json",
              null,
              List.of()),
          new HubOp(
              "post",
              "/api/v1/campaigns",
              "Ouvre une campagne sur une sélection enregistrée, dont la liste est figée avec sa"
                  + " version des données (valideur du pôle porteur)",
              "application/json",
              "application/json : { hub, name, selection, opensOn, closesOn, budget? }",
              List.of()),
          new HubOp(
              "get",
              "/api/v1/campaigns/{campagne}",
              "Une campagne : liste figée, état, lauréats, suivi des travaux et débit mesuré avant"
                  + " et après le raccordement (public)",
              "application/json",
              null,
              List.of(CAMPAGNE)),
          new HubOp(
              "post",
              "/api/v1/campaigns/{campagne}/cloture",
              "Clôt les candidatures (valideur du pôle porteur)",
              "application/json",
              null,
              List.of(CAMPAGNE)),
          new HubOp(
              "post",
              "/api/v1/campaigns/{campagne}/candidatures",
              "Candidature d'une commune de la liste, par son pôle (ou celui de son EPCI), pour ses"
                  + " établissements : connexion actuelle préremplie ; pièce jointe de 2 Mio au"
                  + " plus",
              "application/json",
              "application/json : { hub, commune, schools: [UAI…], project, cost, cofunding,"
                  + " attachment?: { name, type, content (base64) } } ; 3 Mio au plus",
              List.of(CAMPAGNE)),
          new HubOp(
              "get",
              "/api/v1/campaigns/{campagne}/candidatures",
              "Candidatures : toutes pour le jury (membres du pôle porteur), avec rang, score et"
                  + " coût estimé de la liste ; celles de ses pôles pour un candidat",
              "application/json",
              null,
              List.of(CAMPAGNE)),
          new HubOp(
              "get",
              "/api/v1/campaigns/{campagne}/candidatures/{candidature}/piece",
              "Pièce jointe d'une candidature (jury et pôle candidat)",
              "application/octet-stream",
              null,
              List.of(CAMPAGNE, CANDIDATURE)),
          new HubOp(
              "post",
              "/api/v1/campaigns/{campagne}/candidatures/{candidature}/decision",
              "Décision du jury après la clôture : laureate ou refusee, avec un commentaire ; les"
                  + " aides des lauréates restent dans le budget (valideur du pôle porteur)",
              "application/json",
              "application/json : { decision, comment? }",
              List.of(CAMPAGNE, CANDIDATURE)),
          new HubOp(
              "get",
              "/api/v1/campaigns/{campagne}/dossier",
              "Dossier de décision : candidatures, scores, coûts, décisions, méthode et version des"
                  + " données (jury)",
              "text/html",
              null,
              List.of(CAMPAGNE, Param.query("format", "string", "html (par défaut), csv ou ods"))),
          new HubOp(
              "post",
              "/api/v1/campaigns/{campagne}/travaux",
              "Suivi des travaux d'un établissement lauréat : prevu, en-cours ou raccorde, daté"
                  + " (pôle candidat ou valideur du pôle porteur)",
              "application/json",
              "application/json : { uai, status, date }",
              List.of(CAMPAGNE)));

  /** The hub routes anyone may read, without a token. */
  static final java.util.Set<String> OPEN =
      java.util.Set.of("GET /api/v1/campaigns", "GET /api/v1/campaigns/{campagne}");

  private static Param f() {
    return Param.query(
        "f", "string", "format : json (geojson pour les objets) ou html (page en français)");
  }

  ObjectNode document() {
    ObjectNode d = json.createObjectNode();
    d.put("openapi", "3.0.3");
    d.putObject("info")
        .put("title", "EduAtlas")
        .put(
            "description",
            "API de l'observatoire du numérique éducatif : indicateurs par territoire et par"
                + " période, établissements, OGC API Features. Les chiffres d'établissement"
                + " simulés le disent (champ simulated).")
        .put("version", "1.0.0");
    d.putArray("servers").addObject().put("url", "/");
    ObjectNode paths = d.putObject("paths");
    for (Op op : OPS) {
      ObjectNode get = paths.putObject(op.path()).putObject(op.method());
      get.put("summary", op.summary());
      get.put("operationId", op.path().replaceAll("[^a-zA-Z]+", "_"));
      ArrayNode params = get.putArray("parameters");
      for (Param p : op.params()) {
        ObjectNode n = params.addObject();
        n.put("name", p.name()).put("in", p.in()).put("required", p.required());
        n.put("description", p.description());
        ObjectNode schema = n.putObject("schema");
        if (p.type().equals("array")) {
          schema.put("type", "array").put("minItems", 4).put("maxItems", 6);
          schema.putObject("items").put("type", "number");
          n.put("style", "form").put("explode", false);
        } else {
          schema.put("type", p.type());
        }
        if (p.name().equals("limit")) {
          schema.put("minimum", 1);
        }
        if (p.name().equals("offset")) {
          schema.put("minimum", 0);
        }
      }
      ObjectNode responses = get.putObject("responses");
      if (op.method().equals("post") && !op.path().equals("/api/v1/selections")) {
        responses.putObject("204").put("description", "fait");
        responses.set("404", json.createObjectNode().put("$ref", "#/components/responses/Problem"));
        continue;
      }
      if (op.method().equals("post")) {
        get.putObject("requestBody")
            .put("required", true)
            .put("description", "critères, selon le schéma /api/v1/selections/schema")
            .putObject("content")
            .putObject("application/json")
            .putObject("schema")
            .put("type", "object");
        responses.putObject("201").put("description", "sélection calculée et enregistrée");
        ObjectNode problem = json.createObjectNode().put("$ref", "#/components/responses/Problem");
        responses.set("413", problem.deepCopy());
        responses.set("415", problem);
        responses.set("422", problem.deepCopy());
        responses.set("429", problem.deepCopy());
        responses.set("503", problem.deepCopy());
      }
      responses
          .putObject("200")
          .put("description", "succès")
          .putObject("content")
          .putObject(op.mediaType())
          .putObject("schema")
          .put("type", "object");
      ObjectNode problem = json.createObjectNode().put("$ref", "#/components/responses/Problem");
      responses.set("400", problem);
      responses.set("404", problem.deepCopy());
    }
    for (HubOp op : HUB_OPS) {
      ObjectNode o = paths.withObjectProperty(op.path()).putObject(op.method());
      o.put("summary", op.summary());
      o.put("operationId", op.method() + op.path().replaceAll("[^a-zA-Z]+", "_"));
      o.putArray("tags")
          .add(op.path().startsWith("/api/v1/campaigns") ? "campagnes" : "pôles de données");
      if (!OPEN.contains(op.method().toUpperCase(java.util.Locale.ROOT) + " " + op.path())) {
        o.putArray("security").addObject().putArray("jeton");
      }
      ArrayNode params = o.putArray("parameters");
      for (Param p : op.params()) {
        ObjectNode n = params.addObject();
        n.put("name", p.name()).put("in", p.in()).put("required", p.required());
        n.put("description", p.description());
        n.putObject("schema").put("type", p.type());
      }
      if (op.requestBody() != null) {
        ObjectNode content =
            o.putObject("requestBody")
                .put("required", true)
                .put("description", op.requestBody())
                .putObject("content");
        for (String t : List.of("text/csv", "application/zip", "multipart/form-data")) {
          content.putObject(t).putObject("schema").put("type", "string").put("format", "binary");
        }
      }
      ObjectNode responses = o.putObject("responses");
      responses
          .putObject(
              op.method().equals("post") && op.requestBody() != null
                  ? "201"
                  : op.method().equals("post") ? "202" : "200")
          .put("description", "succès")
          .putObject("content")
          .putObject(op.mediaType())
          .putObject("schema")
          .put("type", op.mediaType().equals("text/csv") ? "string" : "object");
      for (String code :
          op.requestBody() != null
              ? List.of("400", "401", "403", "404", "413", "415", "429")
              : List.of("400", "401", "403", "404", "429")) {
        responses.set(code, json.createObjectNode().put("$ref", "#/components/responses/Problem"));
      }
    }
    ObjectNode components = d.putObject("components");
    components
        .putObject("securitySchemes")
        .putObject("jeton")
        .put("type", "http")
        .put("scheme", "bearer")
        .put("bearerFormat", "eat_…")
        .put(
            "description",
            "jeton d'accès d'un membre de pôle, créé par « eduatlas hub token create » : affiché"
                + " une seule fois, conservé haché, révocable, avec une date d'expiration");
    ObjectNode problem = components.putObject("responses").putObject("Problem");
    problem.put("description", "erreur (RFC 9457)");
    ObjectNode schema =
        problem
            .putObject("content")
            .putObject(Problem.MEDIA_TYPE)
            .putObject("schema")
            .put("type", "object");
    ObjectNode props = schema.putObject("properties");
    for (String s : List.of("type", "title", "detail", "instance")) {
      props.putObject(s).put("type", "string");
    }
    props.putObject("errors").put("type", "array").putObject("items").put("type", "string");
    props.putObject("status").put("type", "integer");
    return d;
  }

  /**
   * The OGC API Features definition: the {@code /ogc} paths of the whole document, relative to a
   * server at {@code serverUrl} (the API's own root, as OGC clients and the official test suite
   * resolve it), with the parameters declared as Part 1 asks (limit's bounds and default; form
   * style, not exploded, for bbox, datetime and limit) and 304 and 500 answers declared.
   */
  ObjectNode ogcDocument(String serverUrl) {
    ObjectNode d = document();
    ((ObjectNode) d.get("info")).put("title", "EduAtlas – OGC API Features");
    d.putArray("servers").addObject().put("url", serverUrl);
    ObjectNode paths = json.createObjectNode();
    var it = d.get("paths").fields();
    while (it.hasNext()) {
      var e = it.next();
      String path = e.getKey();
      if (!path.equals("/ogc") && !path.startsWith("/ogc/")) {
        continue;
      }
      String local = path.equals("/ogc") ? "/" : path.substring(4);
      ObjectNode ops = (ObjectNode) e.getValue().deepCopy();
      var methods = ops.fields();
      while (methods.hasNext()) {
        ObjectNode op = (ObjectNode) methods.next().getValue();
        for (var param : op.path("parameters")) {
          ObjectNode p = (ObjectNode) param;
          ObjectNode schema = (ObjectNode) p.get("schema");
          switch (p.get("name").asText()) {
            case "limit" -> {
              schema
                  .put("minimum", 1)
                  .put("maximum", fr.eduatlas.observatory.Observatory.MAX_LIMIT)
                  .put("default", 10);
              p.put("style", "form").put("explode", false);
            }
            case "bbox", "datetime" -> p.put("style", "form").put("explode", false);
            default -> {
              // path and other query parameters as declared
            }
          }
        }
        ObjectNode responses = (ObjectNode) op.get("responses");
        responses.putObject("304").put("description", "inchangé depuis l'ETag envoyé");
        responses.set("500", json.createObjectNode().put("$ref", "#/components/responses/Problem"));
      }
      paths.set(local, ops);
    }
    d.set("paths", paths);
    return d;
  }

  /** The page's style, a file of its own: the server's CSP allows no inline style. */
  static final String CSS =
      "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
          + "color:#1b1b1b}code{background:#f2f2f2;padding:0 .2rem}table{border-collapse:"
          + "collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}\n";

  /** The document as a page: each path, what it does, its parameters. */
  String html() {
    StringBuilder s = new StringBuilder();
    s.append(
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>EduAtlas – API"
            + "</title><link rel=\"stylesheet\" href=\"/api/docs.css\"></head><body>"
            + "<h1>EduAtlas – API</h1><p>Document"
            + " OpenAPI 3.0 : <a href=\"/api/openapi.json\">/api/openapi.json</a>. Erreurs au"
            + " format <code>application/problem+json</code> (RFC 9457).</p>");
    for (Op op : OPS) {
      s.append("<h2><code>")
          .append(op.method().toUpperCase(java.util.Locale.ROOT))
          .append(" ")
          .append(esc(op.path()))
          .append("</code></h2><p>");
      s.append(esc(op.summary())).append(" (").append(esc(op.mediaType())).append(")</p>");
      if (!op.params().isEmpty()) {
        s.append("<table><tr><th>paramètre</th><th>où</th><th>type</th><th>rôle</th></tr>");
        for (Param p : op.params()) {
          s.append("<tr><td><code>")
              .append(esc(p.name()))
              .append("</code></td><td>")
              .append(p.in())
              .append("</td><td>")
              .append(p.type())
              .append("</td><td>")
              .append(esc(p.description()))
              .append("</td></tr>");
        }
        s.append("</table>");
      }
    }
    s.append(
        "<h2>Pôles de données (jeton requis)</h2><p>En-tête <code>Authorization: Bearer"
            + " eat_…</code> ; réponses jamais mises en cache.</p>");
    for (HubOp op : HUB_OPS) {
      s.append("<h3><code>")
          .append(op.method().toUpperCase(java.util.Locale.ROOT))
          .append(" ")
          .append(esc(op.path()))
          .append("</code></h3><p>")
          .append(esc(op.summary()))
          .append("</p>");
    }
    return s.append("</body></html>").toString();
  }

  private static String esc(String s) {
    return OgcHtml.esc(s);
  }
}
