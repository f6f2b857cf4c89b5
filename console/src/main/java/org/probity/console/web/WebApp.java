package org.probity.console.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.probity.connectors.json.AvroJson;
import org.probity.console.auth.Sessions;
import org.probity.console.ingest.Broadcaster;
import org.probity.console.ingest.TopicReader;
import org.probity.console.ingest.UnitBoard;
import org.probity.console.rules.DraftBacktest;
import org.probity.console.rules.PublishedRules;
import org.probity.console.store.AlertFilter;
import org.probity.console.store.AlertStep;
import org.probity.console.store.ConsoleStore;
import org.probity.console.store.Rectifications;
import org.probity.console.store.Statistics;
import org.probity.console.store.StoredAlert;
import org.probity.jobs.calendar.WorkingDayCalendar;
import org.probity.jobs.config.IndexParameters;
import org.probity.jobs.config.ProbityConfig;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.time.Instant;
import java.time.LocalDate;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ReferenceData;
import org.probity.schema.AlertStatus;
import org.probity.schema.Severity;
import org.probity.schema.UnitStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every HTTP route of the console. Nothing but the login page is served without a signed-in
 * session: pages redirect to it, the API answers 401. Changes (sign-in, sign-out, acknowledge)
 * are POSTs guarded against cross-site requests: the session cookie is SameSite=Strict, every
 * POST that carries an Origin must come from this origin, and API POSTs also need a custom header
 * no other site can send.
 */
public final class WebApp implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(WebApp.class);
  static final String COOKIE = "probity_session";
  /** The language switch, shared with the page's script (so not HttpOnly): {@code en} or {@code zh}. */
  static final String LANG_COOKIE = "probity_lang";
  static final String API_HEADER = "X-Probity-Request";
  private static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
      + " connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
  private static final String LOGIN_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self';"
      + " frame-ancestors 'none'; base-uri 'none'";
  private static final Map<String, String> STATIC = Map.of(
      "app.js", "text/javascript; charset=utf-8",
      "app.css", "text/css; charset=utf-8",
      "notice.css", "text/css; charset=utf-8",
      "notice.js", "text/javascript; charset=utf-8",
      "stats.js", "text/javascript; charset=utf-8",
      "rules.js", "text/javascript; charset=utf-8",
      "favicon.svg", "image/svg+xml");
  /** Apache ECharts from its webjar on the classpath: the statistics page needs nothing from outside. */
  private static final String ECHARTS = "/META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";
  /** The notice's own words: 自收到本告知书之日起10个工作日内. */
  public static final int RECTIFICATION_WORKING_DAYS = 10;
  private static final long HEARTBEAT_MILLIS = 15_000;

  private final ConsoleStore store;
  private final UnitBoard board;
  private final Sessions sessions;
  private final Broadcaster broadcaster;
  private final Supplier<TopicReader.Status> readerStatus;
  private final Labels labels;
  private final Views views;
  private final String centreName;
  private final int feedLimit;
  private final ZoneId zone;
  private final Clock clock;
  private final boolean trustedProxy;
  private final boolean secureCookies;
  private final Map<String, byte[]> resources = new ConcurrentHashMap<>();
  private final Rectifications rect;
  private final WorkingDayCalendar calendar;
  private final IndexParameters index;
  private final Reports reports;
  private final RulesPages rulesPages;
  private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);

  /** {@code clock} dates notices, due dates and escalations (a test moves it); sessions keep their own. */
  public WebApp(ConsoleStore store, UnitBoard board, Sessions sessions, Broadcaster broadcaster,
      Supplier<TopicReader.Status> readerStatus, ProbityConfig rules, PublishedRules rulesTopic, String centreName,
      int feedLimit, Clock clock, boolean trustedProxy, boolean secureCookies) {
    ReferenceData reference = rules.reference();
    ZoneId zone = rules.zone();
    this.rect = new Rectifications(store);
    this.calendar = WorkingDayCalendar.of(rules);
    this.index = rules.index();
    this.store = store;
    this.board = board;
    this.sessions = sessions;
    this.broadcaster = broadcaster;
    this.readerStatus = readerStatus;
    this.labels = Labels.load();
    this.views = new Views(new AvroJson(zone), board, reference);
    this.centreName = centreName;
    this.feedLimit = feedLimit;
    this.zone = zone;
    this.clock = clock;
    this.trustedProxy = trustedProxy;
    this.secureCookies = secureCookies;
    this.reports = new Reports(new Statistics(store), rect, board, calendar, reference, zone, labels);
    this.rulesPages = new RulesPages(rulesTopic, new DraftBacktest(store), store, board, clock, zone);
  }

  private LocalDate today() {
    return clock.instant().atZone(zone).toLocalDate();
  }

  /**
   * Escalates the problems whose due date has passed (and issues the 监察建议书 of red cards among
   * them); run once a minute and before rectifications are shown. Publishes the units it changed.
   */
  public void escalate() {
    try {
      List<String> units = rect.escalate(today(), clock.instant());
      for (String unit : units) {
        publish("unit", views.tile(board.tile(unit)));
      }
    } catch (SQLException e) {
      LOG.warn("console: cannot check rectification due dates: {}", e.getMessage());
    }
  }

  // ---------------------------------------------------------------- live changes from the topics

  /** Publishes what a stored batch changed to every open page. */
  public void changed(List<StoredAlert> alerts, List<UnitStatus> statuses) {
    Set<String> units = new LinkedHashSet<>();
    statuses.forEach(s -> units.add(s.getUnitId()));
    if (!alerts.isEmpty()) {
      try {
        board.openCounts(store.openAlertCounts());
      } catch (SQLException e) {
        LOG.warn("console: cannot count open alerts: {}", e.getMessage());
      }
      alerts.forEach(a -> units.add(a.alert().getUnitId()));
    }
    for (StoredAlert a : alerts) {
      publish("alert", views.alert(a));
    }
    for (String unit : units) {
      publish("unit", views.tile(board.tile(unit)));
    }
  }

  /** After an alert closed or reopened by an operator: the counts, the tile and the feed row change. */
  private void alertChanged(String alertId) throws SQLException {
    board.openCounts(store.openAlertCounts());
    Optional<StoredAlert> a = store.alert(alertId);
    if (a.isPresent()) {
      publish("alert", views.alert(a.get()));
      publish("unit", views.tile(board.tile(a.get().alert().getUnitId())));
    }
  }

  private void publish(String event, JsonNode node) {
    try {
      broadcaster.publish(event, Views.JSON.writeValueAsString(node));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------- routing

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try {
      route(ex);
    } catch (Exception e) {
      LOG.error("console: {} {} failed", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
      try {
        Http.error(ex, 500, "internal error");
      } catch (IOException ignored) {
        // the response had already started
      }
    } finally {
      ex.close();
    }
  }

  private void route(HttpExchange ex) throws Exception {
    String path = ex.getRequestURI().getPath();
    String method = ex.getRequestMethod();
    var h = ex.getResponseHeaders();
    h.set("X-Content-Type-Options", "nosniff");
    h.set("X-Frame-Options", "DENY");
    // Not no-referrer: with it, browsers send "Origin: null" on form POSTs, and sign-in could not be checked.
    h.set("Referrer-Policy", "same-origin");
    h.set("Cache-Control", "no-store");
    h.set("Content-Security-Policy", CSP);

    if (method.equals("POST") && !sameOrigin(ex)) {
      Http.error(ex, 403, "cross-site request");
      return;
    }
    if ((path.equals("/favicon.ico") || path.equals("/static/favicon.svg")) && isGet(method)) {
      Http.send(ex, 200, "image/svg+xml", resource("favicon.svg"));
      return;
    }
    if (path.equals("/login")) {
      h.set("Content-Security-Policy", LOGIN_CSP);
      if (method.equals("POST")) {
        login(ex);
      } else {
        // The sign-in page's own switch sets the same cookie as the console page's.
        String lang = Http.query(ex).get("lang");
        if ("en".equals(lang) || "zh".equals(lang)) {
          h.add("Set-Cookie", LANG_COOKIE + "=" + lang + "; Path=/; Max-Age=31536000; SameSite=Strict" + secure(ex));
        }
        loginPage(ex, 200, null, english(ex));
      }
      return;
    }
    Optional<Sessions.Session> session = sessions.find(Http.cookie(ex, COOKIE));
    if (session.isEmpty()) {
      if (path.startsWith("/api/")) {
        Http.error(ex, 401, "sign in first");
      } else {
        Http.redirect(ex, "/login");
      }
      return;
    }
    Sessions.Session s = session.get();
    if (method.equals("POST") && path.startsWith("/api/") && ex.getRequestHeaders().getFirst(API_HEADER) == null) {
      Http.error(ex, 403, "missing " + API_HEADER + " header");
      return;
    }
    // The rules are the rule owners' alone, reading included; their writes are those pages' only.
    if (path.equals("/rules") || path.startsWith("/api/rules/")) {
      if (!s.account().role().mayOwnRules()) {
        LOG.info("console: account '{}' ({}) refused {} {}: rule owners only", s.account().username(),
            s.account().role(), method, path);
        Http.error(ex, 403, "only rule owners (规则管理员) may see and change the rules");
        return;
      }
      rulesPages.handle(ex, s.account(), page(ex, s), path, method);
      return;
    }
    // Every other change but signing out needs the operator role: one check for every write there is.
    if (method.equals("POST") && !path.equals("/logout") && !s.account().role().mayAcknowledge()) {
      LOG.info("console: read-only account '{}' refused {} {}", s.account().username(), method, path);
      Http.error(ex, 403, "read-only accounts cannot change anything");
      return;
    }
    if (path.equals("/logout") && method.equals("POST")) {
      sessions.signOut(s.token());
      h.add("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + secure(ex));
      Http.redirect(ex, "/login");
    } else if (path.equals("/") && isGet(method)) {
      Http.send(ex, 200, "text/html; charset=utf-8", resource("index.html"));
    } else if (path.equals("/static/echarts.min.js") && isGet(method)) {
      ex.getResponseHeaders().set("Cache-Control", "max-age=86400");
      Http.send(ex, 200, "text/javascript; charset=utf-8", classpath(ECHARTS));
    } else if (path.equals("/stats") && isGet(method)) {
      Http.send(ex, 200, "text/html; charset=utf-8", resource("stats.html"));
    } else if (path.equals("/api/stats") && isGet(method)) {
      statistics(ex, null);
    } else if (path.startsWith("/api/stats/") && path.endsWith(".csv") && isGet(method)) {
      statistics(ex, path.substring("/api/stats/".length(), path.length() - ".csv".length()));
    } else if (path.equals("/reports/quarter") && isGet(method)) {
      quarterReport(ex, s);
    } else if (path.startsWith("/reports/yearly/") && isGet(method)) {
      yearlyReport(ex, s, path.substring("/reports/yearly/".length()));
    } else if (path.equals("/audit") && isGet(method)) {
      render(ex, 200, "audit.jte", page(ex, s), new Models.AuditView(store.auditTrail(500)));
    } else if (path.startsWith("/rectification/") && isGet(method)) {
      rectificationPage(ex, s, path.substring("/rectification/".length()));
    } else if (path.startsWith("/rectification/") && method.equals("POST")) {
      rectificationAction(ex, s, path.substring("/rectification/".length()).split("/", -1));
    } else if (path.startsWith("/notices/") && isGet(method)) {
      issuedNotice(ex, s, path.substring("/notices/".length()));
    } else if (path.startsWith("/static/") && isGet(method) && STATIC.containsKey(path.substring(8))) {
      Http.send(ex, 200, STATIC.get(path.substring(8)), resource(path.substring(8)));
    } else if (path.equals("/api/me") && isGet(method)) {
      ObjectNode me = Views.JSON.createObjectNode();
      me.put("username", s.account().username());
      me.put("displayName", s.account().displayName());
      me.put("role", s.account().role().name());
      me.put("mayAcknowledge", s.account().role().mayAcknowledge());
      me.put("mayOwnRules", s.account().role().mayOwnRules());
      me.put("centreName", centreName);
      me.put("zone", zone.getId());
      ObjectNode legend = me.putObject("index");
      legend.put("windowDays", index.windowDays());
      legend.put("noticeWeight", index.noticeWeight());
      legend.put("yellowWeight", index.yellowWeight());
      legend.put("redWeight", index.redWeight());
      legend.put("orangeAt", index.orangeAt());
      legend.put("redAt", index.redAt());
      Http.json(ex, 200, me);
    } else if (path.equals("/api/labels") && isGet(method)) {
      Http.json(ex, 200, labels.json());
    } else if (path.equals("/api/units") && isGet(method)) {
      Http.json(ex, 200, views.tiles(board.tiles()));
    } else if (path.equals("/api/status") && isGet(method)) {
      Http.json(ex, 200, readerStatus.get());
    } else if (path.equals("/api/alerts") && isGet(method)) {
      feed(ex);
    } else if (path.startsWith("/api/alerts/") && path.endsWith("/ack") && method.equals("POST")) {
      acknowledge(ex, s, path.substring("/api/alerts/".length(), path.length() - "/ack".length()));
    } else if (path.startsWith("/api/alerts/") && isGet(method)) {
      detail(ex, path.substring("/api/alerts/".length()));
    } else if (path.equals("/api/stream") && method.equals("GET")) {
      stream(ex, s);
    } else if (path.startsWith("/notice/") && isGet(method)) {
      String unitId = path.substring("/notice/".length());
      if (!board.knows(unitId)) {
        unknownUnit(ex, unitId);
        return;
      }
      draftNotice(ex, s, unitId);
    } else {
      Http.error(ex, 404, "not found");
    }
  }

  private static boolean isGet(String method) {
    return method.equals("GET") || method.equals("HEAD");
  }

  /** English when {@code ?lang=en}, else as the language cookie says; Chinese first. */
  private static boolean english(HttpExchange ex) {
    String lang = Http.query(ex).get("lang");
    return "en".equals(lang != null ? lang : Http.cookie(ex, LANG_COOKIE));
  }

  /**
   * A POST's Origin must be this server. Browsers send one on every POST, so a missing one is a
   * client that is not a browser (no cross-site risk); "null" (a sandboxed or privacy-stripped
   * page) is refused. Behind a trusted proxy the host the browser used is X-Forwarded-Host.
   */
  private boolean sameOrigin(HttpExchange ex) {
    String origin = ex.getRequestHeaders().getFirst("Origin");
    String host = forwarded(ex, "X-Forwarded-Host");
    if (host == null) {
      host = ex.getRequestHeaders().getFirst("Host");
    }
    return origin == null || host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
  }

  /** The first value of a proxy's header when the proxy is trusted, else null. */
  private String forwarded(HttpExchange ex, String header) {
    if (!trustedProxy) {
      return null;
    }
    String v = ex.getRequestHeaders().getFirst(header);
    if (v == null || v.isBlank()) {
      return null;
    }
    int comma = v.indexOf(',');
    return (comma < 0 ? v : v.substring(0, comma)).trim();
  }

  /** The cookie attribute that keeps a cookie to HTTPS: configured, or the trusted proxy says HTTPS. */
  private String secure(HttpExchange ex) {
    return secureCookies || "https".equalsIgnoreCase(forwarded(ex, "X-Forwarded-Proto")) ? "; Secure" : "";
  }

  /**
   * The client's address for the sign-in limit. Behind a trusted proxy it is the last address of
   * X-Forwarded-For (the one the proxy itself appended; earlier ones are the client's say-so).
   */
  private String clientAddress(HttpExchange ex) {
    if (trustedProxy) {
      String v = ex.getRequestHeaders().getFirst("X-Forwarded-For");
      if (v != null && !v.isBlank()) {
        return v.substring(v.lastIndexOf(',') + 1).trim();
      }
    }
    return ex.getRemoteAddress().getAddress().getHostAddress();
  }

  private byte[] resource(String name) {
    return classpath("/org/probity/console/web/" + name);
  }

  private byte[] classpath(String name) {
    return resources.computeIfAbsent(name, n -> {
      try (InputStream in = WebApp.class.getResourceAsStream(n)) {
        if (in == null) {
          throw new IllegalStateException(n + " missing from the jar");
        }
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  // ---------------------------------------------------------------- sign-in

  private void loginPage(HttpExchange ex, int status, String error, boolean en) throws IOException {
    String page = new String(resource("login.html"), StandardCharsets.UTF_8)
        .replace("{{lang}}", en ? "en" : "zh-CN")
        .replace("{{title}}", en ? "Sign in · Integrity Weather Station" : "登录 · 廉情气象站")
        .replace("{{switchHref}}", en ? "/login?lang=zh" : "/login?lang=en")
        .replace("{{switchText}}", en ? "中文" : "EN")
        .replace("{{heading}}", en ? "Integrity Weather Station" : "廉情气象站")
        .replace("{{subtitle}}", en ? "e-supervision, live" : "电子监察实时监测")
        .replace("{{username}}", en ? "Username" : "用户名")
        .replace("{{password}}", en ? "Password" : "密码")
        .replace("{{signIn}}", en ? "Sign in" : "登录")
        .replace("{{error}}", error == null ? "" : "<p class=\"error\" id=\"login-error\">" + Http.escape(error) + "</p>")
        .replace("{{centre}}", Http.escape(centreName));
    Http.html(ex, status, page);
  }

  private void login(HttpExchange ex) throws IOException {
    String body = Http.body(ex);
    boolean en = english(ex);
    if (body == null) {
      loginPage(ex, 413, en ? "Request too large." : "请求过大。", en);
      return;
    }
    Map<String, String> form = Http.form(body);
    String password = form.getOrDefault("password", "");
    Sessions.Attempt attempt = sessions.signIn(form.get("username"), password.toCharArray(), clientAddress(ex));
    if (attempt instanceof Sessions.Accepted accepted) {
      ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + accepted.session().token()
          + "; Path=/; HttpOnly; SameSite=Strict" + secure(ex));
      Http.redirect(ex, "/");
    } else if (attempt instanceof Sessions.LockedOut locked) {
      long seconds = Math.max(1, Duration.between(clock.instant(), locked.until()).toSeconds());
      long minutes = (seconds + 59) / 60;
      LOG.warn("console: sign-in for '{}' refused: {} failures in a row, locked until {}", form.get("username"),
          Sessions.MAX_FAILURES, locked.until());
      ex.getResponseHeaders().set("Retry-After", String.valueOf(seconds));
      loginPage(ex, 429, en ? "Too many failed sign-ins for this username: try again in " + minutes + " min."
          : "该用户名连续登录失败次数过多，已暂停登录，请 " + minutes + " 分钟后再试。", en);
    } else if (attempt instanceof Sessions.Throttled) {
      ex.getResponseHeaders().set("Retry-After", "5");
      loginPage(ex, 429, en ? "Too many sign-ins at once for this username: try again in a few seconds."
          : "该用户名同时登录请求过多，请稍后再试。", en);
    } else if (attempt instanceof Sessions.Busy) {
      ex.getResponseHeaders().set("Retry-After", "5");
      loginPage(ex, 503, en ? "The console is busy: try again in a few seconds." : "系统繁忙，请稍后再试。", en);
    } else {
      LOG.info("console: failed sign-in for '{}'", form.get("username"));
      loginPage(ex, 401, en ? "Wrong username or password." : "用户名或密码错误。", en);
    }
  }

  // ---------------------------------------------------------------- alerts

  private static String choice(Map<String, String> q, String name, Set<String> allowed) {
    String v = q.get(name);
    if (v == null || v.isEmpty()) {
      return null;
    }
    v = v.toUpperCase(Locale.ROOT);
    if (allowed != null && !allowed.contains(v)) {
      throw new BadRequest(name + " must be one of " + allowed);
    }
    return v;
  }

  private static final class BadRequest extends RuntimeException {
    BadRequest(String message) {
      super(message, null, false, false);
    }
  }

  /** The feed's filter from the query string, shared by the feed and the page's live updates. */
  static AlertFilter filter(Map<String, String> q) {
    Set<String> rules = new LinkedHashSet<>();
    for (RuleId r : RuleId.values()) {
      rules.add(r.name());
    }
    Set<String> severities = new LinkedHashSet<>();
    for (Severity v : Severity.values()) {
      severities.add(v.name());
    }
    Set<String> statuses = new LinkedHashSet<>(List.of("OPEN", "CLOSED"));
    Set<String> sorts = new LinkedHashSet<>();
    for (AlertFilter.Sort v : AlertFilter.Sort.values()) {
      sorts.add(v.name());
    }
    String sort = choice(q, "sort", sorts);
    for (AlertStatus v : AlertStatus.values()) {
      statuses.add(v.name());
    }
    String unit = q.get("unit");
    return new AlertFilter(choice(q, "rule", rules), unit == null || unit.isEmpty() ? null : unit,
        choice(q, "severity", severities), choice(q, "status", statuses),
        choice(q, "ack", Set.of("PENDING", "DONE")), sort == null ? null : AlertFilter.Sort.valueOf(sort));
  }

  private void feed(HttpExchange ex) throws Exception {
    AlertFilter f;
    try {
      f = filter(Http.query(ex));
    } catch (BadRequest e) {
      Http.error(ex, 400, e.getMessage());
      return;
    }
    Http.json(ex, 200, views.alerts(store.feed(f, feedLimit)));
  }

  private void detail(HttpExchange ex, String alertId) throws Exception {
    Optional<StoredAlert> a = store.alert(alertId);
    if (a.isEmpty()) {
      Http.error(ex, 404, "no alert " + alertId);
      return;
    }
    List<AlertStep> steps = store.steps(alertId);
    Set<String> evidence = new LinkedHashSet<>();
    steps.forEach(s -> evidence.addAll(s.alert().getEvidence()));
    evidence.addAll(a.get().alert().getEvidence());
    List<String> ids = List.copyOf(evidence);
    ObjectNode detail = views.detail(a.get(), steps, store.acks(alertId), ids, store.events(ids));
    Optional<Rectifications.Item> item = rect.current(alertId);
    if (item.isPresent()) {
      Page p = new Page(english(ex), centreName, zone, labels, false);
      Rectifications.Item i = item.get();
      ObjectNode r = detail.putObject("rectification");
      r.put("noticeId", i.noticeId());
      r.put("itemNo", i.itemNo());
      r.put("state", i.state().name());
      r.put("stateText", p.state(i, today()));
      r.put("due", i.dueDay().toString());
      r.put("overdue", i.overdue(today()));
    }
    Http.json(ex, 200, detail);
  }

  private void acknowledge(HttpExchange ex, Sessions.Session s, String alertId) throws Exception {
    if (!s.account().role().mayAcknowledge()) {
      Http.error(ex, 403, "read-only accounts cannot acknowledge");
      return;
    }
    String body = Http.body(ex);
    if (body == null) {
      Http.error(ex, 413, "request too large");
      return;
    }
    String note = null;
    if (!body.isBlank()) {
      JsonNode n;
      try {
        n = Views.JSON.readTree(body);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        Http.error(ex, 400, "the body must be JSON such as {\"note\": \"…\"}");
        return;
      }
      if (n.hasNonNull("note")) {
        note = n.get("note").asText();
        if (note.length() > 1000) {
          Http.error(ex, 400, "note: at most 1000 characters");
          return;
        }
      }
    }
    Optional<StoredAlert> acked = store.acknowledge(alertId, s.account().username(), s.account().displayName(),
        clock.instant(), note);
    if (acked.isEmpty()) {
      Http.error(ex, 404, "no alert " + alertId);
      return;
    }
    ObjectNode view = views.alert(acked.get());
    publish("alert", view);
    Http.json(ex, 200, view);
  }

  // ---------------------------------------------------------------- rectification, notices, reports

  private Page page(HttpExchange ex, Sessions.Session s) {
    return new Page(english(ex), centreName, zone, labels, s.account().role().mayAcknowledge());
  }

  private void render(HttpExchange ex, int status, String template, Page p, Object model) throws IOException {
    StringOutput out = new StringOutput();
    templates.render(template, Map.of("p", p, "v", model), out);
    Http.html(ex, status, out.toString());
  }

  /** The answer for a unit neither the rules file nor the topics name (a mistyped or stale link). */
  private void unknownUnit(HttpExchange ex, String unitId) throws IOException {
    boolean en = english(ex);
    String id = Http.escape(unitId);
    Http.html(ex, 404, "<!DOCTYPE html><html lang=\"" + (en ? "en" : "zh-CN") + "\"><head><meta charset=\"utf-8\">"
        + "<title>" + (en ? "No such unit" : "无此单位") + "</title>"
        + "<link rel=\"stylesheet\" href=\"/static/notice.css\"></head><body>"
        + "<article class=\"notice unknown\"><p class=\"none\" id=\"unknown-unit\">"
        + (en ? "There is no unit \"" + id + "\": it is not in the rules file and the console has not seen it on the"
            + " topics, so there is no warning notice to issue."
            : "没有单位“" + id + "”：规则文件中没有该单位，监察台也未从数据流中收到过它，无法出具预警告知书。")
        + "</p><p><a href=\"/\">" + (en ? "Back to the console" : "返回监察台") + "</a></p></article></body></html>");
  }

  private LocalDate due(LocalDate day) {
    return calendar.nthWorkingDayAfter(day, RECTIFICATION_WORKING_DAYS);
  }

  /** How many open problems of the unit no rectification covers yet: what a new notice would list. */
  private int issuable(String unitId) throws SQLException {
    java.util.Set<String> covered = new java.util.HashSet<>();
    for (Rectifications.Issued n : rect.notices(unitId)) {
      n.items().stream().filter(i -> i.state() != Rectifications.State.ACCEPTED)
          .forEach(i -> covered.add(i.alert().alert().getAlertId()));
    }
    return (int) store.openAlerts(unitId).stream().filter(a -> !covered.contains(a.alert().getAlertId())).count();
  }

  /** The unit's open problems now, as the next 预警告知书 would be worded, each with its rectification. */
  private void draftNotice(HttpExchange ex, Sessions.Session s, String unitId) throws Exception {
    escalate();
    Map<String, Rectifications.Item> items = new java.util.HashMap<>();
    List<Rectifications.Issued> notices = rect.notices(unitId);
    for (int k = notices.size() - 1; k >= 0; k--) {
      notices.get(k).items().forEach(i -> items.put(i.alert().alert().getAlertId(), i));
    }
    List<Models.Problem> problems = new java.util.ArrayList<>();
    for (StoredAlert a : store.openAlerts(unitId)) {
      problems.add(new Models.Problem(problems.size() + 1, a, items.get(a.alert().getAlertId())));
    }
    LocalDate today = today();
    render(ex, 200, "notice.jte", page(ex, s), new Models.NoticeView(unitId, board.name(unitId), null, today,
        due(today), RECTIFICATION_WORKING_DAYS, problems, problems.size(), issuable(unitId), today));
  }

  private void issuedNotice(HttpExchange ex, Sessions.Session s, String id) throws Exception {
    escalate();
    Optional<Rectifications.Issued> found = Optional.empty();
    if (id.matches("[0-9]{1,18}")) {
      found = rect.notice(Long.parseLong(id));
    }
    if (found.isEmpty()) {
      Http.error(ex, 404, "no notice " + id);
      return;
    }
    Rectifications.Issued n = found.get();
    String unitId = n.notice().unitId();
    if (n.notice().kind() == Rectifications.Kind.SUPERVISION) {
      List<Rectifications.Notice> warnings = rect.notices(unitId).stream().map(Rectifications.Issued::notice)
          .filter(w -> w.kind() == Rectifications.Kind.WARNING).toList();
      render(ex, 200, "supervision.jte", page(ex, s),
          new Models.SupervisionView(unitId, board.name(unitId), n.notice(), n.items(), warnings, today()));
      return;
    }
    List<Models.Problem> problems = n.items().stream().map(i -> new Models.Problem(i.itemNo(), i.alert(), i)).toList();
    render(ex, 200, "notice.jte", page(ex, s), new Models.NoticeView(unitId, board.name(unitId), n.notice(),
        n.notice().issuedDay(), n.notice().dueDay(), n.notice().workingDays(), problems, n.open(), 0, today()));
  }

  private void rectificationPage(HttpExchange ex, Sessions.Session s, String unitId) throws Exception {
    if (!board.knows(unitId)) {
      unknownUnit(ex, unitId);
      return;
    }
    escalate();
    render(ex, 200, "rectification.jte", page(ex, s), new Models.RectificationView(unitId, board.name(unitId),
        store.openAlerts(unitId).size(), issuable(unitId), rect.notices(unitId), today(), RECTIFICATION_WORKING_DAYS));
  }

  /** Sends a form's answer back to the rectification view (the browser's back button stays harmless). */
  private void backTo(HttpExchange ex, String unitId) throws IOException {
    Http.redirect(ex, "/rectification/" + java.net.URLEncoder.encode(unitId, StandardCharsets.UTF_8)
        + (english(ex) ? "?lang=en" : ""));
  }

  private void refused(HttpExchange ex, int status, String message) throws IOException {
    Http.html(ex, status, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + status + "</title>"
        + "<link rel=\"stylesheet\" href=\"/static/notice.css\"></head><body><article class=\"notice unknown\">"
        + "<p class=\"none\" id=\"refused\">" + Http.escape(message) + "</p><p><a href=\"/\">"
        + (english(ex) ? "Back to the console" : "返回监察台") + "</a></p></article></body></html>");
  }

  /** The rectification forms: {unit}/issue, {noticeId}/{alertId}/feedback, {noticeId}/{alertId}/decide. */
  private void rectificationAction(HttpExchange ex, Sessions.Session s, String[] parts) throws Exception {
    String body = Http.body(ex);
    if (body == null) {
      refused(ex, 413, "request too large");
      return;
    }
    Map<String, String> form = Http.form(body);
    Rectifications.Operator who = new Rectifications.Operator(s.account().username(), s.account().displayName());
    Instant now = clock.instant();
    if (parts.length == 2 && parts[1].equals("issue")) {
      String unitId = java.net.URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
      if (!board.knows(unitId)) {
        unknownUnit(ex, unitId);
        return;
      }
      LocalDate today = today();
      Optional<Rectifications.Issued> issued = rect.issue(unitId, who, now, today, due(today),
          RECTIFICATION_WORKING_DAYS);
      if (issued.isEmpty()) {
        refused(ex, 409, "no open problem of " + unitId + " is left without a rectification: nothing to notify");
        return;
      }
      for (Rectifications.Item i : issued.get().items()) {
        publish("alert", views.alert(i.alert()));
      }
      Http.redirect(ex, "/notices/" + issued.get().notice().id() + (english(ex) ? "?lang=en" : ""));
      return;
    }
    if (parts.length != 3 || !parts[0].matches("[0-9]{1,18}")) {
      refused(ex, 404, "not found");
      return;
    }
    long noticeId = Long.parseLong(parts[0]);
    String alertId = java.net.URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
    try {
      Rectifications.Item item;
      if (parts[2].equals("feedback")) {
        String by = form.getOrDefault("submittedBy", "").strip();
        String text = form.getOrDefault("body", "").strip();
        String attachment = form.getOrDefault("attachment", "").strip();
        if (by.isEmpty() || text.isEmpty()) {
          refused(ex, 400, "submittedBy and body: who reported and what was done are both required");
          return;
        }
        if (by.length() > 100 || text.length() > 2000 || attachment.length() > 200) {
          refused(ex, 400, "submittedBy, body, attachment: at most 100, 2000 and 200 characters");
          return;
        }
        item = rect.feedback(noticeId, alertId, by, text, attachment.isEmpty() ? null : attachment, who, now);
      } else if (parts[2].equals("decide")) {
        String decision = form.get("decision");
        if (!"accept".equals(decision) && !"return".equals(decision)) {
          refused(ex, 400, "decision: must be accept or return, got " + (decision == null ? "nothing" : decision));
          return;
        }
        String note = form.getOrDefault("note", "").strip();
        if (note.length() > 1000) {
          refused(ex, 400, "note: at most 1000 characters");
          return;
        }
        item = rect.decide(noticeId, alertId, decision.equals("accept"), note.isEmpty() ? null : note, who, now);
      } else {
        refused(ex, 404, "not found");
        return;
      }
      alertChanged(alertId);
      backTo(ex, item.alert().alert().getUnitId());
    } catch (Rectifications.Refused e) {
      refused(ex, 409, e.getMessage());
    }
  }

  /** The period and unit of the statistics and reports: {@code from}/{@code to} dates, {@code unit}. */
  private Reports.Period period(Map<String, String> q) {
    LocalDate today = today();
    LocalDate from;
    LocalDate to;
    try {
      from = q.containsKey("from") && !q.get("from").isEmpty() ? LocalDate.parse(q.get("from"))
          : today.minusDays(89);
      to = q.containsKey("to") && !q.get("to").isEmpty() ? LocalDate.parse(q.get("to")) : today;
    } catch (java.time.format.DateTimeParseException e) {
      throw new BadRequest("from, to: dates such as 2026-10-01");
    }
    if (to.isBefore(from)) {
      throw new BadRequest("to: must not be before from");
    }
    if (to.toEpochDay() - from.toEpochDay() > 3660) {
      throw new BadRequest("from, to: at most ten years");
    }
    return new Reports.Period(from, to.plusDays(1));
  }

  private void statistics(HttpExchange ex, String chart) throws Exception {
    Map<String, String> q = Http.query(ex);
    Reports.Period period;
    try {
      period = period(q);
    } catch (BadRequest e) {
      Http.error(ex, 400, e.getMessage());
      return;
    }
    String unit = q.get("unit") == null || q.get("unit").isEmpty() ? null : q.get("unit");
    if (chart != null && !Reports.CHARTS.contains(chart)) {
      Http.error(ex, 404, "no chart " + chart + "; the charts are " + Reports.CHARTS);
      return;
    }
    Map<String, Reports.Table> tables = reports.tables(period, unit, english(ex), today());
    if (chart != null) {
      ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + chart + "_"
          + period.from() + "_" + period.to().minusDays(1) + (unit == null ? "" : "_" + unit.replaceAll("[^A-Za-z0-9_-]", ""))
          + ".csv\"");
      Http.send(ex, 200, "text/csv; charset=utf-8", Reports.csv(tables.get(chart)).getBytes(StandardCharsets.UTF_8));
      return;
    }
    ObjectNode out = Views.JSON.createObjectNode();
    out.put("from", period.from().toString());
    out.put("to", period.to().minusDays(1).toString());
    out.set("tables", Views.JSON.valueToTree(tables));
    Http.json(ex, 200, out);
  }

  private void quarterReport(HttpExchange ex, Sessions.Session s) throws Exception {
    Map<String, String> q = Http.query(ex);
    LocalDate today = today();
    int year;
    int quarter;
    try {
      year = q.containsKey("year") ? Integer.parseInt(q.get("year")) : today.getYear();
      quarter = q.containsKey("quarter") ? Integer.parseInt(q.get("quarter")) : (today.getMonthValue() + 2) / 3;
    } catch (NumberFormatException e) {
      Http.error(ex, 400, "year, quarter: numbers such as year=2026&quarter=4");
      return;
    }
    if (quarter < 1 || quarter > 4 || year < 2000 || year > 9999) {
      Http.error(ex, 400, "quarter: 1 to 4, year: 2000 to 9999");
      return;
    }
    Models.QuarterView v = reports.quarter(year, quarter, today, english(ex));
    if ("csv".equals(q.get("format"))) {
      ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"grades_" + year + "Q" + quarter
          + ".csv\"");
      Reports.Table t = new Reports.Table("grades", List.of("unitId", "unit", "grade", "score", "alerts", "open",
          "topProblems"), reports.quarterRows(v));
      Http.send(ex, 200, "text/csv; charset=utf-8", Reports.csv(t).getBytes(StandardCharsets.UTF_8));
      return;
    }
    render(ex, 200, "quarter.jte", page(ex, s), v);
  }

  private void yearlyReport(HttpExchange ex, Sessions.Session s, String unitId) throws Exception {
    if (!board.knows(unitId)) {
      unknownUnit(ex, unitId);
      return;
    }
    Map<String, String> q = Http.query(ex);
    int year;
    try {
      year = q.containsKey("year") ? Integer.parseInt(q.get("year")) : today().getYear();
    } catch (NumberFormatException e) {
      Http.error(ex, 400, "year: a number such as 2026");
      return;
    }
    if (year < 2000 || year > 9999) {
      Http.error(ex, 400, "year: 2000 to 9999");
      return;
    }
    Models.YearlyView v = reports.yearly(unitId, year, today());
    if ("csv".equals(q.get("format"))) {
      // The 预警建议书 as a file: one row per rule with the unit's year's figures.
      ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"yearly_" + unitId + "_" + year
          + ".csv\"");
      List<List<Object>> rows = new java.util.ArrayList<>();
      for (Models.RuleCount r : v.rules()) {
        rows.add(List.of(v.unitId(), v.unitName(), v.year(), v.grade() == null ? "" : v.grade(),
            v.score() == null ? "" : v.score(), r.ruleId(), r.alerts(), r.red(), r.open()));
      }
      Reports.Table t = new Reports.Table("yearly", List.of("unitId", "unit", "year", "grade", "score", "ruleId",
          "alerts", "red", "open"), rows);
      Http.send(ex, 200, "text/csv; charset=utf-8", Reports.csv(t).getBytes(StandardCharsets.UTF_8));
      return;
    }
    render(ex, 200, "yearly.jte", page(ex, s), v);
  }

  // ---------------------------------------------------------------- server-sent events

  private void stream(HttpExchange ex, Sessions.Session s) throws IOException {
    Broadcaster.Subscription sub = broadcaster.subscribe();
    if (sub == null) {
      Http.error(ex, 503, "too many live pages open");
      return;
    }
    try (sub) {
      ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      ex.getResponseHeaders().set("X-Accel-Buffering", "no");
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      // The page reloads its snapshot on "hello", so nothing published before it is missed.
      write(out, "retry: 3000\nevent: hello\ndata: {}\n\n");
      while (!sub.overflowed()) {
        Broadcaster.Message m = sub.next(HEARTBEAT_MILLIS);
        if (sessions.find(s.token()).isEmpty()) {
          write(out, "event: signedout\ndata: {}\n\n");
          return;
        }
        write(out, m == null ? ": heartbeat\n\n" : "event: " + m.event() + "\ndata: " + m.data() + "\n\n");
      }
    } catch (IOException | InterruptedException e) {
      // the page went away, or the console is stopping
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
