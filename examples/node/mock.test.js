// @ts-check
/**
 * Testing your own Node code against the m7 mock, with Node's test runner.
 *
 * The session starts `m7-mock` on a free port (M7_MOCK_COMMAND, else `m7-mock` on the PATH)
 * and waits for `GET /__mock/health` (bounded, each probe too), and stops it at the end
 * (SIGTERM, then SIGKILL: bounded too); each test gets an account of its own
 * (`POST /__mock/accounts`: its own app key, secret, call center, journal and clock), so tests
 * never see each other's requests, and removes it when done. The admin API is called with
 * openapi-fetch typed by the generated `m7-call-monitor/mock-admin` types, the vendor API
 * with the package's signing client.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { after, afterEach, before, beforeEach, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";

import { CallMonitor, m7Auth } from "m7-call-monitor";
import createClient from "openapi-fetch";

/** @typedef {import("m7-call-monitor/mock-admin").paths} AdminPaths */
/** @typedef {import("m7-call-monitor/mock-admin").components["schemas"]} AdminSchemas */
/** @typedef {import("m7-call-monitor").paths} VendorPaths */

/** How long the mock may take to answer `GET /__mock/health` with "ready", in all. */
const START_TIMEOUT_MS = 30_000;
/** How long one health probe may wait for its answer. */
const PROBE_TIMEOUT_MS = 2_000;
/** How long the mock may take to exit on SIGTERM (then SIGKILL), and again on SIGKILL. */
const STOP_TIMEOUT_MS = 10_000;

/** @type {import("node:child_process").ChildProcess} */
let mock;
let baseUrl = "";
/** @type {import("openapi-fetch").Client<AdminPaths>} */
let admin;
/** @type {AdminSchemas["AccountCredentials"]} */
let account;

/** Your code under test: a supervisor's click on "listen", sent to the vendor. */
async function listenFromConsole(/** @type {CallMonitor} */ monitor, supervisor = "2002", agent = "9527") {
  return monitor.listen({ listenAgent: supervisor, agentNumber: agent });
}

/** A port nothing listens on, so that parallel runs never collide. */
async function freePort() {
  const probe = createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const address = probe.address();
  probe.close();
  assert.ok(address && typeof address === "object");
  return address.port;
}

/** The admin API's `?account=`: every operation acts on the test's own account. */
function ofAccount() {
  return { query: { account: account.appKey } };
}

/** @param {AdminSchemas["VerifyRequest"]} rule */
async function verify(rule) {
  const { data, error } = await admin.POST("/verify", { params: ofAccount(), body: rule });
  assert.ok(data, `POST /__mock/verify: ${JSON.stringify(error)}`);
  return data;
}

before(async () => {
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const command = process.env["M7_MOCK_COMMAND"] ?? "m7-mock";
  const argv = ["--host", "127.0.0.1", "--port", String(port), "--log-level", "warning"];
  mock = spawn(command, argv, { stdio: ["ignore", "ignore", "pipe"] });
  let output = "";
  mock.stderr?.on("data", (chunk) => (output += chunk));
  /** @type {Error | undefined} */
  let failed;
  mock.once("error", (error) => (failed = error)); // e.g. m7-mock not installed
  admin = createClient({ baseUrl: `${baseUrl}/__mock` });
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (failed || mock.exitCode !== null) throw new Error(`${command} did not start: ${failed ?? output}`);
    // Each probe bounded too: a process that accepts the connection and never answers must
    // not hold the wait past its deadline.
    const signal = AbortSignal.timeout(Math.max(1, Math.min(PROBE_TIMEOUT_MS, deadline - Date.now())));
    const health = await admin.GET("/health", { signal }).catch(() => undefined); // not answering yet
    if (health?.data?.status === "ready") break;
    if (Date.now() > deadline) throw new Error(`${command} not ready within ${START_TIMEOUT_MS / 1000} s:\n${output}`);
    await sleep(100);
  }
});

after(async () => {
  if (mock && mock.exitCode === null && mock.signalCode === null) {
    await stop(mock);
  }
});

/**
 * Stops the mock: SIGTERM, then SIGKILL if it has not exited within STOP_TIMEOUT_MS, so that
 * a mock that hangs on its way out never holds the test run.
 * @param {import("node:child_process").ChildProcess} child
 */
async function stop(child) {
  const exited = once(child, "exit", { signal: AbortSignal.timeout(STOP_TIMEOUT_MS) });
  child.kill("SIGTERM");
  try {
    await exited;
  } catch {
    child.kill("SIGKILL");
    await once(child, "exit", { signal: AbortSignal.timeout(STOP_TIMEOUT_MS) }).catch(() => {
      throw new Error(`the mock (pid ${child.pid}) did not exit, even on SIGKILL`);
    });
  }
}

beforeEach(async () => {
  // No body: the mock makes up the app key and the secret, and the account starts from the
  // mock's start-up call center (supervisor 2002, agent 9527 talking).
  const { data, error } = await admin.POST("/accounts", { body: {} });
  assert.ok(data, `POST /__mock/accounts: ${JSON.stringify(error)}`);
  account = data;
});

afterEach(async () => {
  const { response } = await admin.DELETE("/accounts/{appKey}", {
    params: { path: { appKey: account.appKey } },
  });
  assert.equal(response.status, 204);
});

test("your code's listen is signed with the test's account, and the mock counts it", async () => {
  const monitor = new CallMonitor({ baseUrl, appKey: account.appKey, secretKey: account.secret });
  const envelope = await listenFromConsole(monitor);
  assert.equal(envelope.success, true);

  const listened = await verify({
    operation: "listen",
    where: { listenAgent: "2002", agentNumber: "9527" },
    exactly: 1,
  });
  assert.deepEqual([listened.holds, listened.matched], [true, 1]);
  const hungUp = await verify({ operation: "hangupChannel", exactly: 0 }); // never, as intended
  assert.equal(hungUp.holds, true);
});

test("a rule that does not hold names the nearest request and what differed", async () => {
  const monitor = new CallMonitor({ baseUrl, appKey: account.appKey, secretKey: account.secret });
  await listenFromConsole(monitor, "2002", "9527");

  const result = await verify({ operation: "listen", where: { agentNumber: "9528" }, exactly: 1 });
  assert.deepEqual([result.holds, result.matched], [false, 0]);
  const [nearest] = result.nearest;
  assert.ok(nearest, JSON.stringify(result));
  assert.deepEqual(nearest.differences, [
    { field: "body.agentNumber", expected: "9528", actual: "9527" },
  ]);
});

test("the mock's clock: a request signed 301 s before it is refused, one signed 300 s before is not", async () => {
  const frozenAt = 1_767_225_600; // 2026-01-01T00:00:00Z, whatever the real time
  const frozen = await admin.PUT("/clock", { params: ofAccount(), body: { frozenAt } });
  assert.deepEqual(frozen.data, { now: frozenAt, frozen: true });
  const advanced = await admin.POST("/clock/advance", { params: ofAccount(), body: { seconds: 301 } });
  assert.deepEqual(advanced.data, { now: frozenAt + 301, frozen: true });

  /** A vendor client that signs as if the time were `signedAt` (epoch seconds). */
  const signingAt = (/** @type {number} */ signedAt) => {
    /** @type {import("openapi-fetch").Client<VendorPaths>} */
    const vendor = createClient({ baseUrl });
    vendor.use(m7Auth(account.appKey, account.secret, () => signedAt * 1000));
    return vendor;
  };
  const body = { listenAgent: "2002", agentNumber: "9527" };
  const late = await signingAt(frozenAt).POST("/openapi/v1/call/listen", { body });
  assert.equal(late.response.status, 401); // 301 s old by the mock's clock
  const inTime = await signingAt(frozenAt + 1).POST("/openapi/v1/call/listen", { body });
  assert.equal(inTime.response.status, 200); // 300 s old: the window's edge, still inside

  // The refused request does not count, and verification says why it came close.
  const result = await verify({ operation: "listen", exactly: 2 });
  assert.deepEqual([result.holds, result.matched], [false, 1]);
  assert.ok(
    result.nearest.some((miss) => miss.differences.some((d) => d.field === "authentication")),
    JSON.stringify(result.nearest),
  );

  const reset = await admin.DELETE("/clock", { params: ofAccount() });
  assert.ok(reset.data, JSON.stringify(reset.error));
  assert.equal(reset.data.frozen, false); // real time again
  assert.ok(Math.abs(reset.data.now - Date.now() / 1000) < 60, `${reset.data.now}`);
});
