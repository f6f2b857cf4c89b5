package org.probity.console;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.probity.connectors.json.AvroJson;
import org.probity.console.auth.Sessions;
import org.probity.console.ingest.Broadcaster;
import org.probity.console.ingest.TopicReader;
import org.probity.console.ingest.UnitBoard;
import org.probity.console.rules.PublishedRules;
import org.probity.console.store.ConsoleStore;
import org.probity.console.web.WebApp;
import org.probity.jobs.config.ConfigException;
import org.probity.jobs.versions.RulesTopic;

/**
 * Starts the console: the store, the Kafka reader and the web server. The demo and {@link
 * ConsoleMain} both come through {@link #start(ConsoleSettings)}:
 *
 * <pre>{@code
 * try (ConsoleServer console = ConsoleServer.start(settings)) {
 *   System.out.println("console: " + console.url());
 * }
 * }</pre>
 */
public final class ConsoleServer implements AutoCloseable {
  /** Live pages (server-sent event streams) served at once; each holds one thread. */
  static final int MAX_LIVE_PAGES = 40;
  /**
   * The JDK server reads a request on a pool thread, so a client that sends half a request holds
   * one until the read time limit below closes it: the pool is sized well above what half-open
   * connections can hold in that time from one attacker's burst, and the rest is queued boundedly.
   */
  private static final int THREADS = MAX_LIVE_PAGES + 200;
  /** Requests waiting for a thread; beyond it the JDK server closes the new connection at once. */
  private static final int QUEUE = 200;
  /** Seconds a request may take from its connection to its response headers (headers and body read). */
  static final int MAX_REQUEST_SECONDS = 10;
  private static final String MAX_REQ_TIME = "sun.net.httpserver.maxReqTime";

  static {
    // The JDK server's only read time limit is this property, read once when its first server is
    // made; set before that unless the operator chose one (java -Dsun.net.httpserver.maxReqTime=…).
    if (System.getProperty(MAX_REQ_TIME) == null) {
      System.setProperty(MAX_REQ_TIME, String.valueOf(MAX_REQUEST_SECONDS));
    }
  }

  private final ConsoleStore store;
  private final Sessions sessions;
  private final TopicReader reader;
  private final HttpServer http;
  private final ExecutorService executor;
  private final ScheduledExecutorService due;
  private final String url;

  private ConsoleServer(ConsoleStore store, Sessions sessions, TopicReader reader, HttpServer http,
      ExecutorService executor, ScheduledExecutorService due, String url) {
    this.due = due;
    this.store = store;
    this.sessions = sessions;
    this.reader = reader;
    this.http = http;
    this.executor = executor;
    this.url = url;
  }

  /**
   * Starts a console and returns once it serves pages; it catches up with the topics in the
   * background (the page shows the progress).
   *
   * @throws ConfigException one line naming the setting at fault: no account, a store that cannot
   *     be opened, a port in use
   */
  public static ConsoleServer start(ConsoleSettings settings) throws IOException {
    return start(settings, Clock.systemUTC());
  }

  /**
   * As {@link #start(ConsoleSettings)}, with {@code clock} dating notices, due dates and escalations
   * (a test moves it past a due date); sign-in sessions keep the system clock.
   */
  public static ConsoleServer start(ConsoleSettings settings, Clock clock) throws IOException {
    if (settings.accounts().isEmpty()) {
      throw new ConfigException("accounts: at least one account is required (nothing is served without a login)");
    }
    ConsoleStore store;
    try {
      store = ConsoleStore.open(settings.jdbcUrl(), settings.jdbcUser(), settings.jdbcPassword());
    } catch (SQLException e) {
      throw new ConfigException("store.jdbcUrl: cannot open " + settings.jdbcUrl() + ": " + firstLine(e.getMessage()));
    }
    UnitBoard board = new UnitBoard(settings.rules().reference());
    Broadcaster broadcaster = new Broadcaster(MAX_LIVE_PAGES);
    Sessions sessions = new Sessions(settings.accounts(), settings.sessionIdleTimeout(), Clock.systemUTC());
    TopicReader[] readerRef = new TopicReader[1];
    WebApp web = new WebApp(store, board, sessions, broadcaster, () -> readerRef[0].status(),
        settings.rules(), new PublishedRules(settings.kafka().client(), RulesTopic.DEFAULT, settings.rules()),
        settings.centreName(), settings.feedLimit(), clock,
        settings.trustedProxy(), settings.secureCookies());
    TopicReader reader = new TopicReader(settings.kafka(), store, settings.evidenceKeepEvents(),
        new AvroJson(settings.rules().zone()), (alerts, statuses) -> {
          statuses.forEach(board::update);
          web.changed(alerts, statuses);
        }, clock);
    readerRef[0] = reader;
    HttpServer http;
    try {
      board.openCounts(store.openAlertCounts());
      http = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 64);
    } catch (BindException e) {
      store.close();
      throw new ConfigException("http.port: cannot listen on " + settings.host() + ":" + settings.port() + ": "
          + e.getMessage());
    } catch (SQLException e) {
      store.close();
      throw new ConfigException("store.jdbcUrl: " + firstLine(e.getMessage()));
    }
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor executor = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(QUEUE), r -> {
          Thread t = new Thread(r, "console-http-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    executor.allowCoreThreadTimeOut(true); // threads only while there is traffic
    http.setExecutor(executor);
    http.createContext("/", web);
    http.start();
    reader.start();
    // A due date passes with nobody looking: checked once a minute as well as whenever shown.
    ScheduledExecutorService due = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "console-due-dates");
      t.setDaemon(true);
      return t;
    });
    due.scheduleWithFixedDelay(web::escalate, 5, 60, TimeUnit.SECONDS);
    String host = settings.host().equals("0.0.0.0") ? "localhost" : settings.host();
    String url = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + http.getAddress().getPort() + "/";
    return new ConsoleServer(store, sessions, reader, http, executor, due, url);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** Where the console serves, e.g. {@code http://127.0.0.1:8088/}. */
  public String url() {
    return url;
  }

  /** The Kafka reader's progress: connected, caught up, counts. */
  public TopicReader.Status status() {
    return reader.status();
  }

  @Override
  public void close() throws InterruptedException {
    http.stop(0);
    due.shutdownNow();
    executor.shutdownNow();
    reader.close();
    executor.awaitTermination(10, TimeUnit.SECONDS);
    sessions.close();
    store.close();
  }
}
