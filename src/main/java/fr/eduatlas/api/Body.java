package fr.eduatlas.api;

import java.util.Map;

/** A response: bytes, media type, extra headers (may override Cache-Control), status. */
record Body(byte[] bytes, String type, Map<String, String> headers, int status) {
  Body(byte[] bytes, String type, Map<String, String> headers) {
    this(bytes, type, headers, 200);
  }
}
