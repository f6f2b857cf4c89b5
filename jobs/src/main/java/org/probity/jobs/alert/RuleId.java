package org.probity.jobs.alert;

import java.util.List;

/**
 * The rule ids of the contract with their reason codes and the name a person reads in the console:
 * the one place a rule's identity is declared. The console's labels, the bench's rule list and the
 * tests' reason sets are derived from here; a rule class names its reasons by {@link #reason}.
 */
public enum RuleId {
  APPROVAL_OVERDUE("审批超时", "OVERDUE"),
  APPROVAL_PROCEDURE("违反审批程序", "NO_REVIEW", "SAME_PERSON", "NO_RECEIPT", "COMPLETED_WITHOUT_DECISION"),
  APPROVAL_FEE("违规收费", "OVERCHARGE"),
  APPROVAL_SUSPENSION_ABUSE("滥用暂停计时", "TOO_MANY", "TOO_LONG"),
  PAYMENT_SIGNATURE_CHAIN("三审三签", "MISSING_SIGNATURE", "OUT_OF_ORDER", "SAME_SIGNER"),
  PAYMENT_LARGE_WITHOUT_DECISION("三重一大未经集体决策", "NO_DECISION_REF", "UNKNOWN_DECISION", "DECISION_AFTER_PAYMENT",
      "AMOUNT_EXCEEDS_DECISION"),
  PAYMENT_BEYOND_AUTHORITY("超越审批权限", "LIMIT_EXCEEDED"),
  PAYMENT_PRINCIPAL_DIRECT("一把手直接分管", "PRINCIPAL_AS_DEPUTY"),
  PAYMENT_DUPLICATE("重复支付", "SAME_INVOICE"),
  PROCUREMENT_TENDER_BYPASS("应招未招", "NO_TENDER"),
  PROCUREMENT_SPLIT_PURCHASE("化整为零规避招标", "SAME_SUPPLIER_WINDOW", "SAME_CATEGORY_YEAR"),
  PROCUREMENT_BID_RIGGING("串标", "SHARED_FINGERPRINT", "IDENTICAL_BIDS", "CLOSE_BIDS", "BID_AFTER_OPENING"),
  PROCUREMENT_CHANGE_ORDERS("追加工程超限", "CHANGE_OVER_LIMIT"),
  CONFLICT_OF_INTEREST("应回避未回避", "RELATED_PARTY"),
  DECISION_AGENDA_NOTICE("临时动议", "LATE_NOTICE", "NO_NOTICE"),
  DECISION_PRINCIPAL_NOT_LAST("一把手未末位表态", "PRINCIPAL_NOT_LAST");

  private final String chineseName;
  private final List<String> reasons;

  RuleId(String chineseName, String... reasons) {
    this.chineseName = chineseName;
    this.reasons = List.of(reasons);
  }

  public String chineseName() {
    return chineseName;
  }

  /** The reason codes this rule raises (contract.md "Rules"). */
  public List<String> reasons() {
    return reasons;
  }

  /** {@code code}, checked to be one of this rule's reasons: a typo fails the job's start, not a verdict. */
  public String reason(String code) {
    if (!reasons.contains(code)) {
      throw new IllegalArgumentException(code + " is not a reason of " + name() + " " + reasons);
    }
    return code;
  }
}
