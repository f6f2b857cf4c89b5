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
import org.probity.console.store.AlertFilter;
import org.probity.console.store.AlertStep;
import org.probity.console.store.ConsoleStore;
import org.probity.console.store.StoredAlert;
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
      "notice.js", "text/javascript; charset=utf-8");
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

  public WebApp(ConsoleStore store, UnitBoard board, Sessions sessions, Broadcaster broadcaster,
      Supplier<TopicReader.Status> readerStatus, ReferenceData reference, ZoneId zone, String centreName,
      int feedLimit, Clock clock, boolean trustedProxy, boolean secureCookies) {
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
    if (path.equals("/logout") && method.equals("POST")) {
      sessions.signOut(s.token());
      h.add("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + secure(ex));
      Http.redirect(ex, "/login");
    } else if (path.equals("/") && isGet(method)) {
      Http.send(ex, 200, "text/html; charset=utf-8", resource("index.html"));
    } else if (path.startsWith("/static/") && isGet(method) && STATIC.containsKey(path.substring(8))) {
      Http.send(ex, 200, STATIC.get(path.substring(8)), resource(path.substring(8)));
    } else if (path.equals("/api/me") && isGet(method)) {
      ObjectNode me = Views.JSON.createObjectNode();
      me.put("username", s.account().username());
      me.put("displayName", s.account().displayName());
      me.put("role", s.account().role().name());
      me.put("mayAcknowledge", s.account().role().mayAcknowledge());
      me.put("centreName", centreName);
      me.put("zone", zone.getId());
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
        Http.html(ex, 404, NoticePage.unknownUnit(unitId, english(ex)));
        return;
      }
      Http.html(ex, 200, NoticePage.render(unitId, board.name(unitId), store.openAlerts(unitId), centreName,
          clock.instant(), zone, labels, english(ex)));
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
    return resources.computeIfAbsent(name, n -> {
      try (InputStream in = WebApp.class.getResourceAsStream("/org/probity/console/web/" + n)) {
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
    Set<String> statuses = new LinkedHashSet<>(Set.of("OPEN"));
    for (AlertStatus v : AlertStatus.values()) {
      statuses.add(v.name());
    }
    String unit = q.get("unit");
    return new AlertFilter(choice(q, "rule", rules), unit == null || unit.isEmpty() ? null : unit,
        choice(q, "severity", severities), choice(q, "status", statuses),
        choice(q, "ack", Set.of("PENDING", "DONE")));
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
    Http.json(ex, 200, views.detail(a.get(), steps, store.acks(alertId), ids, store.events(ids)));
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
