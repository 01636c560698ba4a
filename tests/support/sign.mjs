// An independent implementation of the vendor's m7-sign, with Node's built-in crypto,
// to check the Python one against. Reads a JSON array of
// {appKey, secretKey, timestamp, nonce} on stdin, prints a JSON array of signatures:
//   m7-sign = base64(HMAC-SHA256(key = secretKey, message = appKey + timestamp + nonce))
import { createHmac } from "node:crypto";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const inputs = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const signatures = inputs.map(({ appKey, secretKey, timestamp, nonce }) =>
  createHmac("sha256", secretKey).update(appKey + timestamp + nonce).digest("base64"),
);
process.stdout.write(JSON.stringify(signatures) + "\n");
