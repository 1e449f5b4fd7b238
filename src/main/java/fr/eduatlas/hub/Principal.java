package fr.eduatlas.hub;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Who makes a request, however they authenticated (an API token or a web session): a member, their
 * roles per hub, and the hub a token is restricted to, if any.
 *
 * @param tokenId the token used, for the audit (null for a session)
 * @param onlyHub the one hub a token may act on, or null
 * @param feedOnly a token that may only post speed tests to its hub's feed
 */
public record Principal(
    String member,
    boolean admin,
    Map<String, Set<Role>> roles,
    String tokenId,
    String onlyHub,
    boolean feedOnly) {
  public Principal {
    var copy = new HashMap<String, Set<Role>>();
    roles.forEach((k, v) -> copy.put(k, Set.copyOf(v)));
    roles = Map.copyOf(copy);
  }

  public Principal(
      String member, boolean admin, Map<String, Set<Role>> roles, String tokenId, String onlyHub) {
    this(member, admin, roles, tokenId, onlyHub, false);
  }

  /** Whether this principal holds {@code role} in {@code hub} (administrators hold them all). */
  public boolean has(String hub, Role role) {
    if (feedOnly || (onlyHub != null && !onlyHub.equals(hub))) {
      return false;
    }
    return admin || roles.getOrDefault(hub, Set.of()).contains(role);
  }

  /** Whether this principal may read the hub's drafts, reports and audit (any role). */
  public boolean member(String hub) {
    if (feedOnly || (onlyHub != null && !onlyHub.equals(hub))) {
      return false;
    }
    return admin || !roles.getOrDefault(hub, Set.of()).isEmpty();
  }

  /** Whether this principal may post speed tests to {@code hub}'s feed. */
  public boolean mayFeed(String hub) {
    if (onlyHub != null && !onlyHub.equals(hub)) {
      return false;
    }
    if (feedOnly) {
      // A feed token acts for its member, who must still hold the contributor role.
      return admin || roles.getOrDefault(hub, Set.of()).contains(Role.CONTRIBUTEUR);
    }
    return has(hub, Role.CONTRIBUTEUR);
  }

  /** This principal with more roles (those an identity provider's claims map to). */
  public Principal with(Map<String, Set<Role>> more) {
    if (more.isEmpty()) {
      return this;
    }
    var merged = new HashMap<String, Set<Role>>();
    roles.forEach((k, v) -> merged.put(k, new HashSet<>(v)));
    more.forEach((k, v) -> merged.computeIfAbsent(k, x -> new HashSet<>()).addAll(v));
    return new Principal(member, admin, merged, tokenId, onlyHub, feedOnly);
  }
}
