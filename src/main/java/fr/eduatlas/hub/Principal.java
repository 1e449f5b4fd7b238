package fr.eduatlas.hub;

import java.util.Map;
import java.util.Set;

/**
 * Who makes a request, however they authenticated (an API token today, a web session later): a
 * member, their roles per hub, and the hub a token is restricted to, if any.
 *
 * @param tokenId the token used, for the audit (null for a session)
 * @param onlyHub the one hub a token may act on, or null
 */
public record Principal(
    String member, boolean admin, Map<String, Set<Role>> roles, String tokenId, String onlyHub) {
  public Principal {
    roles = Map.copyOf(roles);
  }

  /** Whether this principal holds {@code role} in {@code hub} (administrators hold them all). */
  public boolean has(String hub, Role role) {
    if (onlyHub != null && !onlyHub.equals(hub)) {
      return false;
    }
    return admin || roles.getOrDefault(hub, Set.of()).contains(role);
  }

  /** Whether this principal may read the hub's drafts, reports and audit (any role). */
  public boolean member(String hub) {
    if (onlyHub != null && !onlyHub.equals(hub)) {
      return false;
    }
    return admin || !roles.getOrDefault(hub, Set.of()).isEmpty();
  }
}
