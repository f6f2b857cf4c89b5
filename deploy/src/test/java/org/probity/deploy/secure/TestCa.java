package org.probity.deploy.secure;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority made at test time with the JDK's keytool (no openssl): the CA, a broker
 * certificate for localhost and 127.0.0.1 signed by it, and a truststore holding only the CA.
 */
record TestCa(Path brokerKeystore, Path truststore, String password) {
  static TestCa create(Path dir) throws IOException, InterruptedException {
    String pw = "test-" + Long.toHexString(System.nanoTime());
    Path ca = dir.resolve("ca.p12");
    Path caPem = dir.resolve("ca.pem");
    Path broker = dir.resolve("broker.p12");
    Path csr = dir.resolve("broker.csr");
    Path signed = dir.resolve("broker.pem");
    Path trust = dir.resolve("truststore.p12");
    keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=Probity test CA",
        "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString(), "-storetype", "PKCS12", "-storepass", pw);
    keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", pw, "-file",
        caPem.toString());
    keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
        "-validity", "2", "-keystore", broker.toString(), "-storetype", "PKCS12", "-storepass", pw);
    keytool("-certreq", "-alias", "broker", "-keystore", broker.toString(), "-storepass", pw, "-file", csr.toString());
    keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", pw, "-infile",
        csr.toString(), "-outfile", signed.toString(), "-validity", "2", "-ext", "SAN=dns:localhost,ip:127.0.0.1");
    keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", broker.toString(),
        "-storepass", pw);
    keytool("-importcert", "-alias", "broker", "-file", signed.toString(), "-keystore", broker.toString(),
        "-storepass", pw);
    keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", trust.toString(),
        "-storetype", "PKCS12", "-storepass", pw);
    return new TestCa(broker, trust, pw);
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
    }
  }
}
