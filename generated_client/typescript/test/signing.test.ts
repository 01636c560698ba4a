import assert from "node:assert/strict";
import { test } from "node:test";

import { NonceSource, sign, signedHeaders } from "../src/index.js";

test("the vendor's worked example signs as the Python client and Node's crypto agree", () => {
  // Vendor page: sk HWHp9xFVlbboxIU2S6DHA7sf9sGzt3, keyToSign 20001031608119594123221.
  // The page prints no result; tests/unit/test_signing.py pins the same value.
  assert.equal(
    sign("2000103", "HWHp9xFVlbboxIU2S6DHA7sf9sGzt3", "1608119594", "123221"),
    "ybCwXrg9CMo39xv1kdfVLemqFmk+2Elz+vXYu1CyHlo=",
  );
});

test("the signed headers carry a 10-digit timestamp, a 6-digit nonce and their signature", () => {
  const headers = signedHeaders("2000103", "s3cret", () => 1_608_119_594_999);
  assert.equal(headers["m7-appkey"], "2000103");
  assert.equal(headers["m7-timestamp"], "1608119594");
  assert.match(headers["m7-nonce"], /^[0-9]{6}$/);
  assert.equal(headers["m7-sign"], sign("2000103", "s3cret", "1608119594", headers["m7-nonce"]));
});

test("nonces never repeat within one second", () => {
  const nonces = new NonceSource();
  const seen = new Set(Array.from({ length: 5000 }, () => nonces.next("1608119594")));
  assert.equal(seen.size, 5000);
});
