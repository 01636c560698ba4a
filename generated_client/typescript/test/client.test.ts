/** The Node client against the project's real mock server (demo scenario, demo credentials). */
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";

import { AuthError, CallMonitor, CallStateError, type SuccessEnvelope } from "../src/index.js";
import { DEMO_APP_KEY, DEMO_SECRET, freePort, type RunningMock, startMock } from "./mock.js";

let mock: RunningMock;

before(async () => {
  mock = await startMock();
});
after(async () => {
  await mock?.stop();
});
beforeEach(async () => {
  await mock.admin("POST", "/reset");
  await mock.admin("DELETE", "/journal");
});

function monitor(overrides: Partial<ConstructorParameters<typeof CallMonitor>[0]> = {}) {
  return new CallMonitor({
    baseUrl: mock.baseUrl,
    appKey: DEMO_APP_KEY,
    secretKey: DEMO_SECRET,
    ...overrides,
  });
}

function assertSuccess(envelope: SuccessEnvelope, url: string, body: Record<string, string>) {
  assert.equal(envelope.success, true);
  assert.equal(envelope.code, "200");
  assert.equal(envelope.requestInfo.url, url);
  assert.deepEqual(envelope.requestInfo.body, body);
}

test("the five operations succeed, each echoing its body", async () => {
  const client = monitor();
  const listen = { listenAgent: "2002", agentNumber: "9527", actionId: "监听-42" };
  const listened = await client.listen(listen);
  assertSuccess(listened, "/openapi/v1/call/listen", listen);
  assert.equal(listened.actionId, "监听-42");
  const whisper = { whisperAgent: "2002", agentNumber: "9527" };
  assertSuccess(await client.whisper(whisper), "/openapi/v1/call/whisper", whisper);
  const barge = { lootCallAgent: "2002", agentNumber: "9527" };
  assertSuccess(await client.barge(barge), "/openapi/v1/call/lootCall", barge);
  const pickup = { pickupAgent: "2002", agentNumber: "9527" };
  assertSuccess(await client.pickup(pickup), "/openapi/v1/call/pickupChannel", pickup);
  const hangup = { hangupAgent: "2000", agentNumber: "9529" };
  assertSuccess(await client.hangup(hangup), "/openapi/v1/call/hangupChannel", hangup);
});

test("a call-state refusal is a typed CallStateError with the envelope's code and request id", async () => {
  await assert.rejects(
    monitor().listen({ listenAgent: "2002", agentNumber: "9530" }),
    (error: unknown) => {
      assert.ok(error instanceof CallStateError);
      assert.equal(error.status, 409);
      assert.equal(error.code, "40903");
      assert.match(error.message, /9530/);
      assert.match(error.requestId ?? "", /^[0-9A-Za-z_-]+$/);
      return true;
    },
  );
});

test("a wrong secret is an AuthError that does not contain the secret", async () => {
  await assert.rejects(
    monitor({ secretKey: "not-the-demo-secret" }).listen({ listenAgent: "2002", agentNumber: "9527" }),
    (error: unknown) => {
      assert.ok(error instanceof AuthError);
      assert.equal(error.code, "401");
      assert.ok(!error.message.includes("not-the-demo-secret"));
      return true;
    },
  );
});

test("a 503 is retried after Retry-After, and the retry carries a fresh nonce and signature", async () => {
  await mock.admin("PUT", "/faults", { status: { status: 503, count: 1 } });
  const waits: number[] = [];
  const client = monitor({ sleep: async (ms) => void waits.push(ms) });
  const envelope = await client.listen({ listenAgent: "2002", agentNumber: "9527" });
  assert.equal(envelope.success, true);
  assert.deepEqual(waits, [1000]); // the mock's Retry-After: 1
  const journal = (await mock.admin("GET", "/journal")) as {
    entries: { status: number; headers: Record<string, string> }[];
  };
  const [first, second] = journal.entries;
  assert.equal(journal.entries.length, 2);
  assert.equal(first?.status, 503);
  assert.equal(second?.status, 200);
  assert.notEqual(first?.headers["m7-nonce"], second?.headers["m7-nonce"]);
});

test("nothing answering the port is a TransportError that was retried, never sent", async () => {
  const waits: number[] = [];
  const closed = `http://127.0.0.1:${await freePort()}`;
  const client = monitor({ baseUrl: closed, sleep: async (ms) => void waits.push(ms) });
  await assert.rejects(client.listen({ listenAgent: "2002", agentNumber: "9527" }), (error: unknown) => {
    assert.equal((error as { requestSent?: boolean }).requestSent, false);
    return true;
  });
  assert.equal(waits.length, 2);
});
