package fr.eduatlas.hub;

/** What a member may do in a hub. */
public enum Role {
  /** Uploads data: each accepted upload becomes a draft version. */
  CONTRIBUTEUR("contributeur"),
  /** Publishes a version (or an earlier one: a rollback). */
  VALIDEUR("valideur"),
  /** Reads drafts, reports, conflicts and the audit log. */
  LECTEUR("lecteur");

  private final String code;

  Role(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static Role of(String code) {
    for (Role r : values()) {
      if (r.code.equals(code)) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "rôle inconnu : '" + code + "' (contributeur, valideur ou lecteur)");
  }
}
