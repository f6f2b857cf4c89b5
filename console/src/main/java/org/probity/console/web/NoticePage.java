package org.probity.console.web;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.probity.console.store.StoredAlert;
import org.probity.jobs.alert.Money;
import org.probity.schema.Alert;

/**
 * The warning notice (《预警告知书》, seed 003): sent to a unit when problems are found, listing
 * its open problems and what each rule asks it to fix. A plain server-rendered page with print
 * styles, so the browser's print (or print-to-PDF) gives the paper form.
 */
final class NoticePage {
  private static final DateTimeFormatter ZH_DATE = DateTimeFormatter.ofPattern("yyyy年M月d日");
  private static final DateTimeFormatter EN_DATE = DateTimeFormatter.ofPattern("d MMM yyyy", java.util.Locale.ENGLISH);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

  private NoticePage() {}

  static String render(String unitId, String unitName, List<StoredAlert> open, String centreName, Instant now,
      ZoneId zone, Labels labels, boolean en) {
    LocalDate today = now.atZone(zone).toLocalDate();
    String number = "〔" + today.getYear() + "〕" + unitId + "-" + today.format(DateTimeFormatter.BASIC_ISO_DATE);
    StringBuilder rows = new StringBuilder();
    int i = 0;
    for (StoredAlert s : open) {
      Alert a = s.alert();
      i++;
      String amount = a.getAmountFen() == null ? "" : "<br><span class=\"amount\">" + Money.yuan(a.getAmountFen())
          + "</span>";
      rows.append("<tr class=\"problem\" data-alert-id=\"").append(Http.escape(a.getAlertId())).append("\">")
          .append("<td>").append(i).append("</td>")
          .append("<td>").append(Http.escape(labels.ruleName(a.getRuleId(), en))).append("<br><span class=\"code\">")
          .append(Http.escape(a.getRuleId())).append(" · ").append(Http.escape(labels.reason(a.getReason(), en)))
          .append("</span></td>")
          .append("<td>").append(Http.escape(a.getMessage())).append("<br><span class=\"code\">")
          .append(Http.escape(a.getSubjectType() + " " + a.getSubjectId())).append("</span>").append(amount)
          .append("</td>")
          .append("<td class=\"sev sev-").append(a.getSeverity()).append("\">")
          .append(severity(a, en)).append("</td>")
          .append("<td>").append(TIME.format(s.firstEventTime().atZone(zone))).append("</td>")
          .append("<td>").append(Http.escape(labels.fix(a.getRuleId(), en))).append("</td>")
          .append("</tr>\n");
    }
    String table = open.isEmpty()
        ? "<p class=\"none\">" + (en ? "The unit has no open problems." : "该单位当前无未办结问题。") + "</p>"
        : "<table class=\"problems\"><thead><tr><th>" + (en ? "No." : "序号") + "</th><th>"
            + (en ? "Rule" : "问题类型") + "</th><th>" + (en ? "Problem found" : "发现的问题") + "</th><th>"
            + (en ? "Level" : "预警级别") + "</th><th>" + (en ? "Since" : "发生时间") + "</th><th>"
            + (en ? "What to fix" : "整改要求") + "</th></tr></thead><tbody>\n" + rows + "</tbody></table>";
    String name = Http.escape(unitName);
    String centre = Http.escape(centreName);
    String body = en
        ? "<p class=\"to\">To: " + name + "</p><p>The e-supervision system of the " + centre + " has found the "
            + open.size() + " open problem(s) below in your unit's use of power. Please put each right as the"
            + " last column asks, within 10 working days of receiving this notice, and report in writing to the "
            + centre + " what was done.</p>"
        : "<p class=\"to\">" + name + "：</p><p>经电子监察系统实时监测，你单位存在以下" + open.size()
            + "项未办结问题。请对照整改要求，自收到本告知书之日起10个工作日内认真整改，并将整改情况书面报送" + centre
            + "。</p>";
    return "<!DOCTYPE html><html lang=\"" + (en ? "en" : "zh-CN") + "\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>" + (en ? "Warning notice — " : "预警告知书 — ") + name + "</title>"
        + "<link rel=\"stylesheet\" href=\"/static/notice.css\"></head><body>"
        + "<div class=\"toolbar\"><button id=\"print\" type=\"button\">" + (en ? "Print" : "打印")
        + "</button> <a href=\"/\">" + (en ? "Back to the console" : "返回监察台") + "</a></div>"
        + "<article class=\"notice\" data-unit-id=\"" + Http.escape(unitId) + "\">"
        + "<h1>" + (en ? "Integrity Warning Notice" : "廉情预警告知书") + "</h1>"
        + "<p class=\"number\">" + (en ? "No. " : "预警告字") + Http.escape(number) + (en ? "" : "号") + "</p>"
        + body + table
        + "<div class=\"sign\"><p>" + centre + "</p><p>" + (en ? EN_DATE.format(today) : ZH_DATE.format(today))
        + "</p></div>"
        + "<p class=\"receipt\">" + (en ? "Received by (signature): ____________  Date: ____________"
            : "签收人：____________　　签收日期：____________") + "</p>"
        + "</article><script src=\"/static/notice.js\"></script></body></html>";
  }

  /** The answer for a unit neither the rules file nor the topics name (a mistyped or stale link). */
  static String unknownUnit(String unitId, boolean en) {
    String id = Http.escape(unitId);
    return "<!DOCTYPE html><html lang=\"" + (en ? "en" : "zh-CN") + "\"><head><meta charset=\"utf-8\">"
        + "<title>" + (en ? "No such unit" : "无此单位") + "</title>"
        + "<link rel=\"stylesheet\" href=\"/static/notice.css\"></head><body>"
        + "<article class=\"notice unknown\"><p class=\"none\" id=\"unknown-unit\">"
        + (en ? "There is no unit \"" + id + "\": it is not in the rules file and the console has not seen it on the"
            + " topics, so there is no warning notice to issue."
            : "没有单位“" + id + "”：规则文件中没有该单位，监察台也未从数据流中收到过它，无法出具预警告知书。")
        + "</p><p><a href=\"/\">" + (en ? "Back to the console" : "返回监察台") + "</a></p></article></body></html>";
  }

  private static String severity(Alert a, boolean en) {
    return switch (a.getSeverity()) {
      case NOTICE -> en ? "Notice" : "预警";
      case YELLOW -> en ? "Yellow card" : "黄牌";
      case RED -> en ? "Red card" : "红牌";
    };
  }
}
