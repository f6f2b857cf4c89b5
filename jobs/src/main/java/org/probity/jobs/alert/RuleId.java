package org.probity.jobs.alert;

/** The rule ids of the contract, with the name a person reads in the console. */
public enum RuleId {
  APPROVAL_OVERDUE("审批超时"),
  APPROVAL_PROCEDURE("违反审批程序"),
  APPROVAL_FEE("违规收费"),
  APPROVAL_SUSPENSION_ABUSE("滥用暂停计时"),
  PAYMENT_SIGNATURE_CHAIN("三审三签"),
  PAYMENT_LARGE_WITHOUT_DECISION("三重一大未经集体决策"),
  PAYMENT_BEYOND_AUTHORITY("超越审批权限"),
  PAYMENT_PRINCIPAL_DIRECT("一把手直接分管"),
  PAYMENT_DUPLICATE("重复支付"),
  PROCUREMENT_TENDER_BYPASS("应招未招"),
  PROCUREMENT_SPLIT_PURCHASE("化整为零规避招标"),
  PROCUREMENT_BID_RIGGING("串标"),
  PROCUREMENT_CHANGE_ORDERS("追加工程超限"),
  CONFLICT_OF_INTEREST("应回避未回避"),
  DECISION_AGENDA_NOTICE("临时动议"),
  DECISION_PRINCIPAL_NOT_LAST("一把手未末位表态");

  private final String chineseName;

  RuleId(String chineseName) {
    this.chineseName = chineseName;
  }

  public String chineseName() {
    return chineseName;
  }
}
