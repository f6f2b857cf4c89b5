package org.probity.console.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Small helpers over the JDK's HTTP server exchange. */
final class Http {
  static final int MAX_BODY = 64 * 1024;

  private Http() {}

  static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    if (ex.getRequestMethod().equals("HEAD")) {
      ex.sendResponseHeaders(status, -1);
      return;
    }
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  static void json(HttpExchange ex, int status, Object node) throws IOException {
    send(ex, status, "application/json; charset=utf-8", Views.JSON.writeValueAsBytes(node));
  }

  static void html(HttpExchange ex, int status, String html) throws IOException {
    send(ex, status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
  }

  static void error(HttpExchange ex, int status, String message) throws IOException {
    json(ex, status, Map.of("error", message));
  }

  static void redirect(HttpExchange ex, String location) throws IOException {
    ex.getResponseHeaders().set("Location", location);
    ex.sendResponseHeaders(303, -1);
  }

  /**
   * The request body, at most {@link #MAX_BODY} bytes; null when it is larger (answer 413). A
   * declared length above the limit is refused before anything is read.
   */
  static String body(HttpExchange ex) throws IOException {
    return body(ex, MAX_BODY);
  }

  /** The request body, at most {@code max} bytes; null when it is larger. */
  static String body(HttpExchange ex, int max) throws IOException {
    String declared = ex.getRequestHeaders().getFirst("Content-Length");
    try {
      if (declared != null && Long.parseLong(declared.trim()) > max) {
        return null;
      }
    } catch (NumberFormatException e) {
      return null;
    }
    try (InputStream in = ex.getRequestBody()) {
      byte[] bytes = in.readNBytes(max + 1);
      return bytes.length > max ? null : new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /** {@code a=1&b=2} as a map; a repeated name keeps the last value. */
  static Map<String, String> form(String encoded) {
    Map<String, String> out = new HashMap<>();
    if (encoded == null || encoded.isEmpty()) {
      return out;
    }
    for (String pair : encoded.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return out;
  }

  static Map<String, String> query(HttpExchange ex) {
    return form(ex.getRequestURI().getRawQuery());
  }

  static String cookie(HttpExchange ex, String name) {
    List<String> headers = ex.getRequestHeaders().get("Cookie");
    if (headers == null) {
      return null;
    }
    for (String header : headers) {
      for (String part : header.split(";")) {
        String p = part.trim();
        if (p.startsWith(name + "=")) {
          String value = p.substring(name.length() + 1);
          // RFC 6265 allows a quoted value; Java's own client quotes a cookie that had a Max-Age.
          return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
              ? value.substring(1, value.length() - 1) : value;
        }
      }
    }
    return null;
  }

  static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
