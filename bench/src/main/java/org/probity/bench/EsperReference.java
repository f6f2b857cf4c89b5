package org.probity.bench;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.ReferenceData;
import org.probity.jobs.rules.procurement.FiscalYear;

/**
 * The rules file's reference data as the Esper peer's statements call it ({@code ref.threshold(…)}):
 * an Esper user keeps reference data in Java and calls it from EPL. Public, as the classes the
 * Esper compiler generates call it.
 */
public final class EsperReference {
  private final ProbityConfig config;
  private final Set<String> parties = new HashSet<>();

  EsperReference(ProbityConfig config) {
    this.config = config;
    config.reference().relatedParties().values().forEach(parties::addAll);
  }

  /** The tender threshold of the unit and category. */
  public long threshold(String unitId, String category) {
    return config.tenderThresholdFen(unitId, category);
  }

  public String fiscalYear(Instant t) {
    return FiscalYear.of(t, config.zone(), config.procurement().fiscalYearStartMonth()).label();
  }

  /** A fee above the item's standard; an item the catalogue does not know is not judged. */
  public boolean overcharged(String itemCode, Long feeFen) {
    ReferenceData.Item item = config.reference().item(itemCode);
    return item != null && feeFen != null && feeFen > item.feeFen();
  }

  /** The signer's authority limit, or null (not judged). */
  public Long authorityLimit(String signerId) {
    ReferenceData.Person p = config.reference().person(signerId);
    return p == null ? null : p.authorityLimitFen();
  }

  public boolean isPrincipal(String personId) {
    ReferenceData.Person p = config.reference().person(personId);
    return p != null && "PRINCIPAL".equals(p.role());
  }

  public boolean related(String officialId, String partyId) {
    return config.reference().related(officialId, partyId);
  }

  public boolean isRelatedParty(String partyId) {
    return parties.contains(partyId);
  }

  public boolean hasRelatedParties(String officialId) {
    return officialId != null && config.reference().relatedParties().containsKey(officialId);
  }

  /** Undecided change orders above the limit percentage of the award, in exact decimals. */
  public boolean changeOverLimit(Long undecidedFen, Long awardedFen) {
    if (undecidedFen == null || awardedFen == null) {
      return false;
    }
    return BigDecimal.valueOf(undecidedFen).multiply(BigDecimal.valueOf(100)).compareTo(
        BigDecimal.valueOf(config.procurement().changeOrderLimitPercent()).multiply(BigDecimal.valueOf(awardedFen)))
        > 0;
  }
}
