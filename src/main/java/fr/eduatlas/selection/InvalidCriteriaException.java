package fr.eduatlas.selection;

import java.util.List;

/** Criteria that break the schema or a rule: every problem, in French, for the requester. */
public final class InvalidCriteriaException extends RuntimeException {
  private final List<String> problems;

  public InvalidCriteriaException(List<String> problems) {
    super("critères invalides : " + String.join(" ; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
