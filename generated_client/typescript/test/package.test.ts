/**
 * The package as a Node user gets it (README "Install"): `npm pack`, then `npm install` of the
 * tarball into an empty folder outside the clone. That folder then calls the real mock from
 * plain JavaScript (ESM) and type-checks a TypeScript file against the installed types.
 *
 * `npm pack` runs in a copy of the package folder, so that its build (`prepack`) never touches
 * a `dist/` someone else is using; the copy sits under the clone's build/ because the build's
 * tools (tsc, @types/node, openapi-fetch's types) come from the clone's node_modules.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";

import { DEMO_APP_KEY, DEMO_SECRET, type RunningMock, startMock } from "./mock.js";

const run = promisify(execFile);
const PACKAGE = resolve("generated_client/typescript");
const TSC = resolve("node_modules/.bin/tsc");
const TYPE_ROOTS = resolve("node_modules/@types");
/** What the tarball must hold besides package.json and the README. */
const COMPILED = ["dist/index.js", "dist/index.d.ts", "dist/client.js", "dist/client.d.ts"];

let mock: RunningMock;
let consumer: string;
let scratch: string[] = [];

async function npm(args: string[], cwd: string): Promise<string> {
  const npmEnv = { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false" };
  const { stdout } = await run("npm", args, { cwd, env: npmEnv, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

before(async () => {
  mock = await startMock();
  await mkdir(resolve("build"), { recursive: true });
  const staging = await mkdtemp(join(resolve("build"), "node-package-"));
  const tarballs = await mkdtemp(join(tmpdir(), "m7-tarball-"));
  consumer = await mkdtemp(join(tmpdir(), "m7-consumer-"));
  scratch = [staging, tarballs, consumer];
  const skipped = new Set(["build", "dist", "node_modules", "test"]);
  for (const entry of await readdir(PACKAGE)) {
    if (!skipped.has(entry)) await cp(join(PACKAGE, entry), join(staging, entry), { recursive: true });
  }
  const packed = JSON.parse(await npm(["pack", "--json", "--pack-destination", tarballs], staging)) as {
    filename: string;
    files: { path: string }[];
  }[];
  const [tarball] = packed;
  assert.ok(tarball, "npm pack made no tarball");
  const files = tarball.files.map((file) => file.path);
  for (const path of [...COMPILED, "package.json", "README.md"]) assert.ok(files.includes(path), `${path} not packed: ${files}`);
  assert.ok(!files.some((path) => path.startsWith("src/") || path.startsWith("test/")), `${files}`);
  // The consumer: an empty folder outside the clone, with only the tarball installed.
  await writeFile(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true }));
  await npm(["install", "--no-audit", "--prefer-offline", join(tarballs, tarball.filename)], consumer);
});

after(async () => {
  await mock?.stop();
  await Promise.all(scratch.map((folder) => rm(folder, { recursive: true, force: true })));
});

test("the installed package brings its dependency and calls the mock from plain JavaScript", async () => {
  const installed = await readdir(join(consumer, "node_modules"));
  assert.ok(installed.includes("openapi-fetch"), `openapi-fetch not installed: ${installed}`);
  const script = `
    import { CallMonitor, CallStateError } from "m7-call-monitor";
    const monitor = new CallMonitor({
      baseUrl: process.env.M7_BASE_URL, appKey: process.env.M7_APP_KEY, secretKey: process.env.M7_SECRET_KEY,
    });
    let refused;
    try {
      await monitor.listen({ listenAgent: "2002", agentNumber: "9530" }); // 9530 has no live call
    } catch (error) {
      refused = error instanceof CallStateError ? error.code : String(error);
    }
    const envelope = await monitor.listen({ listenAgent: "2002", agentNumber: "9527", actionId: "npm" });
    console.log(JSON.stringify({ success: envelope.success, actionId: envelope.actionId, refused }));
  `;
  await writeFile(join(consumer, "app.mjs"), script);
  const env = { ...process.env, M7_BASE_URL: mock.baseUrl, M7_APP_KEY: DEMO_APP_KEY, M7_SECRET_KEY: DEMO_SECRET };
  const { stdout } = await run(process.execPath, ["app.mjs"], { cwd: consumer, env });
  assert.deepEqual(JSON.parse(stdout), { success: true, actionId: "npm", refused: "40903" });
});

test("a TypeScript file type-checks against the installed declarations, and a wrong field does not", async () => {
  const source = `
    import { CallMonitor, type ListenRequest, type SuccessEnvelope } from "m7-call-monitor";
    const monitor = new CallMonitor({ baseUrl: "http://127.0.0.1:4010", appKey: "2100147", secretKey: "s" });
    const body: ListenRequest = { listenAgent: "2002", agentNumber: "9527" };
    export const envelope: Promise<SuccessEnvelope> = monitor.listen(body);
    // @ts-expect-error: not a field of ListenRequest (the declarations are the document's types)
    export const wrong = monitor.listen({ listenAgent: "2002", agentNumbr: "9527" });
    // @ts-expect-error: barge takes a LootCallRequest
    export const mixedUp = monitor.barge(body);
  `;
  const config = {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: ["node"],
      typeRoots: [TYPE_ROOTS],
    },
    files: ["check.ts"],
  };
  await writeFile(join(consumer, "check.ts"), source);
  await writeFile(join(consumer, "tsconfig.json"), JSON.stringify(config));
  const checked = await run(TSC, ["--noEmit", "-p", "tsconfig.json"], { cwd: consumer }).catch((error: { stdout?: string }) => {
    assert.fail(`tsc --noEmit failed against the installed package:\n${error.stdout ?? String(error)}`);
  });
  assert.equal(checked.stdout, "");
});
