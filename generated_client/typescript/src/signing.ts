/**
 * The vendor's authentication rule on node:crypto:
 * m7-sign = base64(HMAC-SHA256(key = secretKey, message = appKey + timestamp + nonce)).
 *
 * Written by hand because it is this API's own rule; the vendor suggests crypto-js, but
 * node:crypto computes the same HMAC without a dependency.
 */
import { createHmac, randomInt } from "node:crypto";
import type { Middleware } from "openapi-fetch";

export const HEADER_NAMES = ["m7-appkey", "m7-nonce", "m7-timestamp", "m7-sign"] as const;
export type SignedHeaders = Record<(typeof HEADER_NAMES)[number], string>;

/** The signature of one request: base64 of the HMAC-SHA256 of appKey + timestamp + nonce. */
export function sign(appKey: string, secretKey: string, timestamp: string, nonce: string): string {
  return createHmac("sha256", secretKey).update(appKey + timestamp + nonce).digest("base64");
}

/**
 * Six-digit nonces that never repeat within one second (the server refuses a replayed
 * sign + nonce, and two requests in one second with one nonce would share a signature).
 */
export class NonceSource {
  #second = "";
  #used = new Set<string>();

  next(timestamp: string): string {
    if (timestamp !== this.#second) {
      this.#second = timestamp;
      this.#used.clear();
    }
    for (;;) {
      const nonce = String(randomInt(0, 1_000_000)).padStart(6, "0");
      if (!this.#used.has(nonce)) {
        this.#used.add(nonce);
        return nonce;
      }
    }
  }
}

/** The four m7-* headers for a request sent now. */
export function signedHeaders(
  appKey: string,
  secretKey: string,
  now: () => number = Date.now,
  nonces: NonceSource = new NonceSource(),
): SignedHeaders {
  const timestamp = String(Math.floor(now() / 1000));
  const nonce = nonces.next(timestamp);
  return {
    "m7-appkey": appKey,
    "m7-nonce": nonce,
    "m7-timestamp": timestamp,
    "m7-sign": sign(appKey, secretKey, timestamp, nonce),
  };
}

/**
 * An openapi-fetch middleware that signs every request it sees, so each attempt of a
 * retried call carries a fresh nonce, timestamp and signature.
 */
export function m7Auth(appKey: string, secretKey: string, now: () => number = Date.now): Middleware {
  const nonces = new NonceSource();
  return {
    onRequest({ request }) {
      for (const [name, value] of Object.entries(signedHeaders(appKey, secretKey, now, nonces))) {
        request.headers.set(name, value);
      }
      return request;
    },
  };
}
