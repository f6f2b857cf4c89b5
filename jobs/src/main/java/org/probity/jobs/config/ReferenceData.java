package org.probity.jobs.config;

import java.io.Serializable;
import java.util.Map;
import java.util.Set;

/**
 * The rules file's reference data: item catalogue, people, related parties and units. A gap here
 * (an item, person or unit the file does not know) never drops an event; the rules that need the
 * missing fact skip it and count it.
 */
public record ReferenceData(
    Map<String, Item> items,
    Map<String, Person> people,
    Map<String, Set<String>> relatedParties,
    Map<String, Unit> units)
    implements Serializable {

  /** 事项: promised working days (承诺时限) and the published fee standard (服务收费标准). */
  public record Item(String code, String name, int promisedWorkingDays, long feeFen) implements Serializable {}

  /** An official: the unit, the role, the authority limit (授权审批额度) if any. */
  public record Person(String id, String unitId, String name, String role, Long authorityLimitFen)
      implements Serializable {}

  /** A unit with its own thresholds (and its own 三审三签 chain) where they differ from the rule defaults. */
  public record Unit(String id, String name, Long largeFundsThresholdFen, Long tenderThresholdFen,
      Map<String, Long> categoryTenderThresholdsFen, java.util.List<org.probity.schema.SignerRole> signingChain)
      implements Serializable {}

  public Item item(String code) {
    return items.get(code);
  }

  public Person person(String id) {
    return id == null ? null : people.get(id);
  }

  public Unit unit(String id) {
    return units.get(id);
  }

  /** Whether {@code personId} is a related party (关联方) of {@code partyId}: relative, former employer, shareholding. */
  public boolean related(String personId, String partyId) {
    if (personId == null || partyId == null) {
      return false;
    }
    Set<String> parties = relatedParties.get(personId);
    return parties != null && parties.contains(partyId);
  }
}
