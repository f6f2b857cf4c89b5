package org.probity.jobs.rules.approval;

import java.time.LocalDate;
import org.probity.jobs.config.ReferenceData;
import org.probity.schema.ApprovalAction;

/** The Chinese phrases the APPROVAL_* alert messages share. */
final class CaseText {
  private CaseText() {}

  /** 办件CASE-1（建设工程规划许可）, or the bare code when the catalogue does not know the item. */
  static String caseAndItem(String caseId, String itemCode, ReferenceData reference) {
    ReferenceData.Item item = reference.item(itemCode);
    String name = item == null || item.name().isEmpty() ? itemCode : item.name();
    return "办件" + caseId + "（" + name + "）";
  }

  /** The end of a working day as people write it: 2025-10-09 24:00. */
  static String endOf(int day) {
    return LocalDate.ofEpochDay(day) + " 24:00";
  }

  static String action(ApprovalAction action) {
    return switch (action) {
      case RECEIVED -> "受理";
      case SUPPLEMENT_REQUESTED -> "要求补正";
      case SUPPLEMENT_RECEIVED -> "接收补正材料";
      case SUSPENDED -> "暂停计时";
      case RESUMED -> "恢复计时";
      case EXTENDED -> "延期";
      case REVIEWED -> "审核";
      case APPROVED -> "批准";
      case REJECTED -> "不予批准";
      case COMPLETED -> "办结";
      case WITHDRAWN -> "撤回";
    };
  }
}
