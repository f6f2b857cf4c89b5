package org.probity.jobs.rules.conflict;

/**
 * CONFLICT_OF_INTEREST (回避, seeds 003 and 004): the official who reviews, decides, signs, buys or
 * awards is a related party (关联方: relative, former employer, shareholding — the rules file's
 * {@code relatedParties}, looked up with {@code ReferenceData.related}) of the applicant, payee or
 * supplier. One rule class per stream acted on; they share the rule's version and reason code.
 */
public final class ConflictOfInterest {
  public static final int VERSION = 1;
  public static final String RELATED_PARTY = "RELATED_PARTY";

  private ConflictOfInterest() {}
}
