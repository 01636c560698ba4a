// The vendor's signing rule in the browser, for the console and the signing Swagger UI.
//
//   m7-sign = base64(HMAC-SHA256(key = secretKey, message = appkey + timestamp + nonce))
//
// Web Crypto (crypto.subtle) does the HMAC; it exists only in a secure context, which a page
// on a loopback address (http://127.0.0.1, http://localhost) or on https is. Each call gets a
// fresh 6-digit nonce, never repeated within one second, so no two requests share a
// sign + nonce (the server refuses a replay for 300 s).
"use strict";

const M7Signing = (() => {
  const encoder = new TextEncoder();
  const keys = new Map(); // secret -> CryptoKey, imported once
  let usedSecond = 0;
  let usedNonces = new Set();

  function available() {
    return Boolean(globalThis.crypto && globalThis.crypto.subtle);
  }

  function freshNonce(second) {
    if (second !== usedSecond) {
      usedSecond = second;
      usedNonces = new Set();
    }
    const draw = new Uint32Array(1);
    for (;;) {
      crypto.getRandomValues(draw);
      const nonce = String(draw[0] % 1000000).padStart(6, "0");
      if (!usedNonces.has(nonce)) {
        usedNonces.add(nonce);
        return nonce;
      }
    }
  }

  async function keyFor(secret) {
    let key = keys.get(secret);
    if (key === undefined) {
      key = await crypto.subtle.importKey(
        "raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      keys.set(secret, key);
    }
    return key;
  }

  function base64(buffer) {
    let binary = "";
    for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
    return btoa(binary);
  }

  async function sign(appKey, secret, timestamp, nonce) {
    const mac = await crypto.subtle.sign("HMAC", await keyFor(secret), encoder.encode(appKey + timestamp + nonce));
    return base64(mac);
  }

  // The four m7-* headers for one request, signed now.
  async function headers(appKey, secret) {
    const second = Math.floor(Date.now() / 1000);
    const timestamp = String(second);
    const nonce = freshNonce(second);
    return {
      "m7-appkey": appKey,
      "m7-timestamp": timestamp,
      "m7-nonce": nonce,
      "m7-sign": await sign(appKey, secret, timestamp, nonce),
    };
  }

  return { available, headers, sign };
})();
