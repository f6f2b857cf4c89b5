package org.probity.console;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.console.auth.Passwords;
import org.probity.jobs.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code console}: the monitoring centre's web console; {@code console hash-password} makes an account's hash. */
public final class ConsoleMain {
  private ConsoleMain() {}

  public static void main(String[] args) throws Exception {
    System.exit(execute(args, System.in, System.out, System.err, new CountDownLatch(1)));
  }

  /**
   * Runs the command; returns the exit code: 0, or 2 for a bad option or setting (one line on
   * {@code err}, before anything starts). A serving console runs until {@code stop} counts down
   * (a shutdown hook does it on Ctrl-C).
   */
  static int execute(String[] argv, InputStream in, PrintStream out, PrintStream err, CountDownLatch stop) {
    CommandLine cli = new CommandLine(new Serve(out, stop));
    cli.addSubcommand("hash-password", new HashPassword(in, out, err));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setParameterExceptionHandler((e, args) -> {
      err.println(oneLine(e));
      return CommandLine.ExitCode.USAGE;
    });
    cli.setExecutionExceptionHandler((e, command, parsed) -> {
      if (e instanceof ConfigException) {
        String m = e.getMessage();
        err.println(m.startsWith("console: ") ? m : "console: " + m);
        return CommandLine.ExitCode.USAGE;
      }
      throw e;
    });
    return cli.execute(argv);
  }

  /** A bad value names its option, as the config file names its field; other mistakes point at --help. */
  private static String oneLine(ParameterException e) {
    if (e.getCause() instanceof TypeConversionException && e.getArgSpec() instanceof CommandLine.Model.OptionSpec o) {
      return "console: " + o.longestName() + ": " + e.getCause().getMessage();
    }
    return "console: " + e.getMessage() + " (see console --help)";
  }

  @Command(name = "console", sortOptions = false, usageHelpAutoWidth = false,
      description = "Serves the monitoring centre's console (unit board, live alerts, evidence, notices) until"
          + " Ctrl-C. The options override the config file's settings.")
  static final class Serve implements Callable<Integer> {
    private final PrintStream out;
    private final CountDownLatch stop;

    @Option(names = "--help", usageHelp = true, description = "Prints this help.")
    boolean help;

    @Spec
    CommandLine.Model.CommandSpec spec;

    // Checked in settings(), not with required = true: picocli would ask for it before --help and
    // before the hash-password subcommand too.
    @Option(names = "--config", paramLabel = "FILE", converter = ExistingFile.class,
        description = "The console's YAML config: accounts, Kafka, store (see console/README.md). Required:"
            + " nothing is served without accounts.")
    Path config;

    @Option(names = "--bootstrap", paramLabel = "HOSTS", converter = NonBlank.class,
        description = "Kafka bootstrap servers (overrides kafka.bootstrapServers).")
    String bootstrap;

    @Option(names = {"--kafka-config", "--command-config"}, paramLabel = "FILE", converter = ExistingFile.class,
        description = "Kafka client properties for the console's readers (security.protocol, sasl.*, ssl.* …), "
            + "as Kafka's own tools take --command-config (overrides kafka.clientConfig).")
    Path kafkaConfig;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
        description = "A Kafka client property for the console's readers, over --kafka-config (repeatable).")
    java.util.Map<String, String> kafkaProperties = new java.util.LinkedHashMap<>();

    @Option(names = "--host", paramLabel = "ADDRESS", converter = NonBlank.class,
        description = "Address to listen on (overrides http.host; default 127.0.0.1).")
    String host;

    @Option(names = "--port", paramLabel = "N", converter = Port.class,
        description = "HTTP port (overrides http.port; default 8088, 0 = any free port).")
    Integer port;

    @Option(names = "--store", paramLabel = "JDBC_URL", converter = JdbcUrl.class,
        description = "jdbc:h2:file:… or jdbc:postgresql://… (overrides store.jdbcUrl).")
    String store;

    @Option(names = "--trusted-proxy", negatable = true,
        description = "Served through a reverse proxy whose X-Forwarded-Proto/-Host/-For headers are believed"
            + " (overrides http.trustedProxy; default off).")
    Boolean trustedProxy;

    @Option(names = "--secure-cookies", negatable = true,
        description = "Cookies only over HTTPS (overrides http.secureCookies; default on with a trusted proxy,"
            + " and always for a request the trusted proxy says came over HTTPS).")
    Boolean secureCookies;

    Serve(PrintStream out, CountDownLatch stop) {
      this.out = out;
      this.stop = stop;
    }

    @Override
    public Integer call() throws Exception {
      ConsoleSettings settings = settings();
      try (ConsoleServer console = ConsoleServer.start(settings)) {
        out.println("console: serving " + console.url() + " (Kafka " + settings.kafka().bootstrapServers()
            + ", store " + settings.jdbcUrl() + ")");
        Thread hook = new Thread(stop::countDown);
        Runtime.getRuntime().addShutdownHook(hook);
        stop.await();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // already shutting down
        }
      }
      return 0;
    }

    ConsoleSettings settings() {
      if (config == null) {
        throw new ParameterException(spec.commandLine(), "--config is required: accounts must be configured");
      }
      ConsoleSettings s = ConsoleConfigFile.load(config, System::getenv);
      if (bootstrap != null) {
        KafkaSettings k = s.kafka();
        s = s.withKafka(new KafkaSettings(bootstrap, k.groupId(), k.eventTopics(), k.alertsTopic(),
            k.unitStatusTopic(), k.deadLetterTopic(), k.exactlyOnce(), k.transactionalIdPrefix(),
            k.transactionTimeout(), k.clientProperties()));
      }
      if (kafkaConfig != null || !kafkaProperties.isEmpty()) {
        java.util.Map<String, String> props = new java.util.TreeMap<>(kafkaConfig != null ? java.util.Map.of()
            : s.kafka().clientProperties());
        try {
          props.putAll(org.probity.connectors.kafka.KafkaClientProperties.load(kafkaConfig, kafkaProperties));
        } catch (IllegalArgumentException e) {
          throw new ParameterException(spec.commandLine(), "--kafka-config/--kafka-property: " + e.getMessage());
        }
        s = s.withKafka(s.kafka().withClientProperties(props));
      }
      if (host != null || port != null) {
        s = s.withListen(host != null ? host : s.host(), port != null ? port : s.port());
      }
      if (store != null) {
        s = s.withStore(store, s.jdbcUser(), s.jdbcPassword());
      }
      if (trustedProxy != null || secureCookies != null) {
        boolean proxy = trustedProxy != null ? trustedProxy : s.trustedProxy();
        // As in the config file: trusting a TLS proxy turns Secure cookies on unless told otherwise.
        boolean secure = secureCookies != null ? secureCookies : s.secureCookies() || proxy;
        s = s.withHttpSecurity(proxy, secure);
      }
      return s;
    }
  }

  @Command(name = "hash-password", description = "Reads a password (from the terminal without echo, or the first"
      + " line of standard input) and prints the passwordHash line for an account of the config file.")
  static final class HashPassword implements Callable<Integer> {
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;

    @Option(names = "--help", usageHelp = true, description = "Prints this help.")
    boolean help;

    HashPassword(InputStream in, PrintStream out, PrintStream err) {
      this.in = in;
      this.out = out;
      this.err = err;
    }

    @Override
    public Integer call() throws IOException {
      char[] password;
      Console terminal = System.console();
      if (terminal != null && in == System.in) {
        password = terminal.readPassword("password: ");
      } else {
        String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
        password = line == null ? null : line.toCharArray();
      }
      if (password == null || password.length < 8) {
        err.println("console: hash-password: the password must have at least 8 characters");
        return 2;
      }
      out.println(Passwords.hash(password));
      return 0;
    }
  }

  static final class ExistingFile implements ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
      Path p = Path.of(value);
      if (!Files.isRegularFile(p)) {
        throw new TypeConversionException("no such file '" + value + "'");
      }
      return p;
    }
  }

  static final class NonBlank implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      if (value.isBlank()) {
        throw new TypeConversionException("must not be empty");
      }
      return value;
    }
  }

  static final class Port implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      try {
        int n = Integer.parseInt(value);
        if (n >= 0 && n <= 65535) {
          return n;
        }
      } catch (NumberFormatException e) {
        // the message below
      }
      throw new TypeConversionException("must be a whole number from 0 to 65535, got '" + value + "'");
    }
  }

  static final class JdbcUrl implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      if (!value.startsWith("jdbc:h2:") && !value.startsWith("jdbc:postgresql:")) {
        throw new TypeConversionException("must start with jdbc:h2: or jdbc:postgresql:, got '" + value + "'");
      }
      return value;
    }
  }
}
