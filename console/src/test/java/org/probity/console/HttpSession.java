package org.probity.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** A plain HTTP client with its own cookies: what a browser sends, without the page. */
final class HttpSession {
  static final ObjectMapper JSON = new ObjectMapper();
  private final String base;
  private final HttpClient client;

  HttpSession(String base) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.client = HttpClient.newBuilder().cookieHandler(new CookieManager())
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  JsonNode json(String path) throws Exception {
    HttpResponse<String> r = get(path);
    if (r.statusCode() != 200) {
      throw new AssertionError(path + " answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  HttpResponse<String> signIn(String user, String password) throws Exception {
    String form = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
        + URLEncoder.encode(password, StandardCharsets.UTF_8);
    return client.send(HttpRequest.newBuilder(URI.create(base + "/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String body, boolean apiHeader) throws Exception {
    return post(path, body, apiHeader, null);
  }

  /** A POST with the Origin header a browser would send ({@code null}: none, as from a non-browser client). */
  HttpResponse<String> post(String path, String body, boolean apiHeader, String origin) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (origin != null) {
      b.header("Origin", origin);
    }
    if (apiHeader) {
      b.header("X-Probity-Request", "1");
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
