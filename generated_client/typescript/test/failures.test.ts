/** Failures no mock produces on demand, through an injected fetch. */
import assert from "node:assert/strict";
import { test } from "node:test";

import { CallMonitor, ServerError, TransportError } from "../src/index.js";

function monitor(fetch: typeof globalThis.fetch, waits: number[]) {
  return new CallMonitor({
    baseUrl: "http://m7.test",
    appKey: "2100147",
    secretKey: "m7-demo-secret",
    timeoutMs: 50,
    fetch,
    sleep: async (ms) => void waits.push(ms),
  });
}

test("a proxy's HTML 502 is a ServerError naming the status, and is not retried", async () => {
  let calls = 0;
  const waits: number[] = [];
  const fetch = async () => {
    calls += 1;
    return new Response("<html>bad gateway</html>", {
      status: 502,
      headers: { "content-type": "text/html" },
    });
  };
  await assert.rejects(monitor(fetch, waits).listen({ listenAgent: "2002", agentNumber: "9527" }), (error: unknown) => {
    assert.ok(error instanceof ServerError);
    assert.equal(error.status, 502);
    assert.match(error.message, /HTTP 502 with a body that is not the API's JSON envelope \(text\/html\)/);
    return true;
  });
  assert.equal(calls, 1);
  assert.deepEqual(waits, []);
});

test("a timeout may have acted: a TransportError with requestSent, never retried", async () => {
  let calls = 0;
  const waits: number[] = [];
  const fetch = (request: Request) => {
    calls += 1;
    return new Promise<Response>((_, fail) =>
      request.signal.addEventListener("abort", () => fail(request.signal.reason)),
    );
  };
  const keepAlive = setTimeout(() => undefined, 10_000); // AbortSignal.timeout's timer is unref'd
  await assert.rejects(
    monitor(fetch as typeof globalThis.fetch, waits).hangup({ hangupAgent: "2000", agentNumber: "9529" }),
    (error: unknown) => {
      assert.ok(error instanceof TransportError);
      assert.equal(error.requestSent, true);
      assert.match(error.message, /may have happened/);
      return true;
    },
  );
  clearTimeout(keepAlive);
  assert.equal(calls, 1);
  assert.deepEqual(waits, []);
});
