// The call-center console: the mock's state, journal and faults, kept live by the server's
// event stream, and the five supervisor actions signed in this page (signing.js).
//
// Everything goes through the mock's own admin API (GET /__mock/state, /journal, /faults,
// /config; GET /__mock/events for the pushed changes); nothing is loaded from elsewhere.
// Each pushed event only says what changed; the page then reads that part again, so it
// shows the same thing whichever worker or host answered.
"use strict";

(() => {
  const ADMIN = new URL("..", location.href).pathname.replace(/\/$/, ""); // "/__mock"
  const TOKEN_KEY = "m7-mock-admin-token";
  // The five operations, in the order a supervisor escalates, with English labels beside the
  // vendor's terms (the terms come from the document, through GET /__mock/config).
  const LABELS = { listen: "listen", whisper: "whisper", lootCall: "barge", hangupChannel: "hang up", pickupChannel: "pick up" };
  const ORDER = Object.keys(LABELS);
  const ROLE_TERMS = { supervisor: "班长", agent: "坐席" };
  const STATUS_TERMS = { offline: "离线", idle: "空闲", ringing: "振铃", talking: "通话中", monitoring: "监控中" };
  const MODE_OPERATION = { listen: "listen", whisper: "whisper", barge: "lootCall" };

  const view = {
    config: null,
    account: null, // { appKey, secretKey? }: the account the page signs for (an account selector would set it)
    state: null,
    faults: {},
    journal: [],
    openEntries: new Set(),
    token: sessionStorage.getItem(TOKEN_KEY) || "",
  };

  const $ = (selector) => document.querySelector(selector);

  // --- talking to the mock ------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, envelope, what) {
      super(`${what}: HTTP ${status}${envelope && envelope.message ? ` ${envelope.code}: ${envelope.message}` : ""}`);
      this.status = status;
      this.envelope = envelope;
    }
  }

  function adminHeaders(extra) {
    const headers = { ...extra };
    if (view.token) headers.authorization = `Bearer ${view.token}`;
    return headers;
  }

  // One admin API call; the single place where an account parameter would be added.
  async function admin(path, { method = "GET", body, query } = {}) {
    const url = new URL(ADMIN + path, location.origin);
    for (const [name, value] of Object.entries(query || {})) {
      if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, value);
    }
    const headers = adminHeaders(body === undefined ? {} : { "content-type": "application/json" });
    const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
    const data = await response.json().catch(() => null);
    if (response.status === 401) showTokenBar();
    if (!response.ok) throw new ApiError(response.status, data, `${method} ${ADMIN}${path}`);
    return data;
  }

  // Runs `load` now, or once more after the run in progress: a burst of events costs at
  // most two reads, and the last read always follows the last event.
  function coalesced(load) {
    let running = null;
    let again = false;
    return function refresh() {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        do {
          again = false;
          try {
            await load();
          } catch (error) {
            showError(error);
          }
        } while (again);
        running = null;
      })();
      return running;
    };
  }

  // Each part is rendered again only when what the server answered differs from what is shown.
  const shownJson = { state: "", faults: "", journal: "" };
  function changed(part, value) {
    const json = JSON.stringify(value);
    if (json === shownJson[part]) return false;
    shownJson[part] = json;
    return true;
  }

  const refreshState = coalesced(async () => {
    view.state = await admin("/state");
    if (changed("state", view.state)) renderState();
  });
  const refreshFaults = coalesced(async () => {
    view.faults = await admin("/faults");
    if (changed("faults", view.faults)) renderFaults();
  });
  const refreshJournal = coalesced(async () => {
    const journal = await admin("/journal", { query: journalQuery() });
    view.journal = journal.entries;
    if (changed("journal", view.journal)) renderJournal();
  });
  const refreshAll = () => Promise.all([refreshState(), refreshFaults(), refreshJournal()]);

  // --- the event stream -------------------------------------------------------------------

  // fetch rather than EventSource: EventSource cannot send the admin token.
  async function followEvents() {
    let delay = 500;
    for (;;) {
      setLive("connecting", "connecting…");
      try {
        const response = await fetch(`${ADMIN}/events`, { headers: adminHeaders({ accept: "text/event-stream" }), cache: "no-store" });
        if (response.status === 401) showTokenBar();
        if (!response.ok || !response.body) throw new Error(`events: HTTP ${response.status}`);
        await readEvents(response.body, (name, data) => {
          delay = 500;
          onEvent(name, data);
        });
      } catch (error) {
        console.warn("event stream:", error);
      }
      setLive("closed", "reconnecting…");
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10000);
    }
  }

  // The text/event-stream format: blocks separated by a blank line, `event:` and `data:`
  // fields, lines starting with ":" are comments (the server's keep-alives).
  async function readEvents(body, handle) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value.replace(/\r\n?/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = "message";
        const data = [];
        for (const line of block.split("\n")) {
          if (line.startsWith(":")) continue;
          const colon = line.indexOf(":");
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
          if (field === "event") name = value;
          else if (field === "data") data.push(value);
        }
        if (data.length) handle(name, parseJson(data.join("\n")));
      }
    }
  }

  function parseJson(text) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }

  function onEvent(name) {
    if (name === "hello") setLive("open", "live");
    if (name === "callcenter") refreshState();
    else if (name === "journal") refreshJournal();
    else if (name === "faults") refreshFaults();
    else refreshAll(); // hello (after a (re)connect, changes may have been missed), reset, resync
  }

  function setLive(state, text) {
    const live = $("#live");
    live.dataset.state = state;
    live.textContent = text;
  }

  // --- the supervisor actions, signed here ------------------------------------------------

  function operations() {
    const byId = new Map((view.config ? view.config.operations : []).map((op) => [op.operationId, op]));
    return ORDER.filter((id) => byId.has(id)).map((id) => byId.get(id));
  }

  function signingProblem() {
    const config = view.config;
    if (!config || config.authMode === "off") return null;
    if (!config.signing.enabled) return config.signing.reason;
    if (!view.account || !view.account.secretKey) return "no credentials to sign with";
    if (!M7Signing.available()) return "Web Crypto is unavailable: this page is not a secure context (use http://127.0.0.1, http://localhost or https)";
    return null;
  }

  async function runOperation(operation, agent) {
    const supervisor = $("#supervisor").value;
    const body = { [operation.supervisorField]: supervisor, agentNumber: agent };
    const headers = { "content-type": "application/json" };
    let signed = "";
    if (view.config.authMode !== "off") {
      const problem = signingProblem();
      if (problem) {
        showError(new Error(`in-page signing is off: ${problem}`));
        return;
      }
      Object.assign(headers, await M7Signing.headers(view.account.appKey, view.account.secretKey));
      signed = `signed string (appkey + timestamp + nonce): ${headers["m7-appkey"]}${headers["m7-timestamp"]}${headers["m7-nonce"]}\n`;
    }
    const response = await fetch(operation.path, { method: "POST", headers, body: JSON.stringify(body), cache: "no-store" });
    const answer = await response.json().catch(() => null);
    $("#last").hidden = false;
    $("#last-none").hidden = true;
    $("#last-request").textContent =
      `POST ${operation.path}   ${operation.term} ${LABELS[operation.operationId]}\n` +
      Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join("\n") +
      `\n${signed}\n${JSON.stringify(body, null, 2)}`;
    const last = $("#last-response");
    last.textContent = `HTTP ${response.status}\n${JSON.stringify(answer, null, 2)}`;
    last.className = response.ok ? "code-ok" : "code-bad";
    hideError();
    refreshState();
  }

  // --- rendering --------------------------------------------------------------------------

  function element(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === "class") node.className = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else if (name in node && typeof value !== "string") node[name] = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function termed(english, term) {
    return element("span", {}, english, term ? " " : "", term ? element("span", { class: "zh" }, term) : null);
  }

  function action(label, handler, attributes = {}) {
    return element("button", {
      type: "button",
      ...attributes,
      onclick: async (event) => {
        const button = event.currentTarget;
        button.disabled = true; // one click, one request
        try {
          await handler();
          hideError();
        } catch (error) {
          showError(error);
        } finally {
          button.disabled = false;
        }
      },
    }, label);
  }

  function renderState() {
    const state = view.state;
    const names = new Map(state.agents.map((agent) => [agent.number, agent.name]));
    const agentRows = state.agents.map((agent) => {
      const idle = agent.status === "idle";
      return element("tr", { "data-agent": agent.number, "data-status": agent.status },
        element("td", {}, agent.number),
        element("td", {}, agent.name),
        element("td", {}, termed(agent.role, ROLE_TERMS[agent.role])),
        element("td", { "data-field": "status" }, element("span", { class: `status status-${agent.status}` }, termed(agent.status, STATUS_TERMS[agent.status]))),
        element("td", {}, agent.callId || ""),
        element("td", { class: "actions" },
          action("Ring", () => admin("/calls", { method: "POST", body: { agent: agent.number, customer: $("#customer").value } }).then(refreshState),
            { disabled: !idle, title: idle ? "a customer's call reaches this agent (the phone rings)" : "only an idle, online agent can take a call", "data-action": "ring" }),
          " ",
          agent.status === "offline"
            ? action("Go online", () => putOnline(agent.number, true), { "data-action": "online" })
            : action("Go offline", () => putOnline(agent.number, false), { "data-action": "offline", disabled: !idle, title: idle ? null : "busy agents cannot go offline" })));
    });
    $("#agents tbody").replaceChildren(...agentRows);

    const supervisorSelect = $("#supervisor");
    const chosen = supervisorSelect.value;
    const supervisors = state.agents.filter((agent) => agent.role === "supervisor");
    supervisorSelect.replaceChildren(...supervisors.map((agent) =>
      element("option", { value: agent.number }, `${agent.number} ${agent.name} (${agent.status})`)));
    if (supervisors.some((agent) => agent.number === chosen)) supervisorSelect.value = chosen;
    else {
      const ready = supervisors.find((agent) => agent.status === "idle");
      if (ready) supervisorSelect.value = ready.number;
    }

    const problem = signingProblem();
    const callRows = state.calls.map((call) => {
      const modeOperation = view.config.operations.find((op) => op.operationId === MODE_OPERATION[call.mode]);
      return element("tr", { "data-call": call.id, "data-state": call.state },
        element("td", {}, call.id),
        element("td", { "data-field": "state" }, element("span", { class: `status status-${call.state}` }, termed(call.state, STATUS_TERMS[call.state]))),
        element("td", {}, call.customer),
        element("td", { "data-field": "agent" }, `${call.agent} ${names.get(call.agent) || ""}`),
        element("td", { "data-field": "supervisor" }, call.supervisor ? `${call.supervisor} ${names.get(call.supervisor) || ""}` : "—"),
        element("td", { "data-field": "mode" }, call.mode ? termed(call.mode, modeOperation && modeOperation.term) : "—"),
        element("td", { class: "actions" },
          call.state === "ringing" ? action("Answer", () => admin(`/calls/${encodeURIComponent(call.id)}/answer`, { method: "POST" }).then(refreshState), { "data-action": "answer" }) : null,
          " ",
          action("End", () => admin(`/calls/${encodeURIComponent(call.id)}`, { method: "DELETE" }).then(refreshState), { "data-action": "end", title: "the customer hangs up" }),
          " ",
          ...operations().map((op) => action(termed(op.term, LABELS[op.operationId]), () => runOperation(op, call.agent),
            { class: "op", "data-operation": op.operationId, disabled: Boolean(problem), title: problem || `POST ${op.path}: the chosen supervisor, on agent ${call.agent}` }))));
    });
    $("#calls tbody").replaceChildren(...(callRows.length ? callRows : [element("tr", {}, element("td", { colspan: 7, class: "hint" }, "no live call"))]));
  }

  function putOnline(number, online) {
    return admin(`/agents/${encodeURIComponent(number)}`, { method: "PUT", body: { online } }).then(refreshState);
  }

  function renderFaults() {
    const faults = view.faults || {};
    $("#faults").textContent = Object.keys(faults).length ? JSON.stringify(faults, null, 2) : "no faults in force";
  }

  function journalQuery() {
    return {
      operation: $("#filter-operation").value,
      status: $("#filter-status").value.trim(),
      outcome: $("#filter-outcome").value.trim(),
      appKey: $("#filter-appkey").value.trim(),
      limit: 100,
    };
  }

  function shown(value, absent = "(none)") {
    if (value === null || value === undefined) return absent;
    return typeof value === "string" ? value : JSON.stringify(value, null, 2);
  }

  // A journal time (UTC, ISO 8601) as HH:MM:SS.mmm in UTC+8: the zone of the envelopes'
  // startTime and endTime ("timezone": "UTC+8"), whatever the browser's own zone.
  function utc8Time(iso) {
    return new Date(Date.parse(iso) + 8 * 3600 * 1000).toISOString().slice(11, 23);
  }

  function renderJournal() {
    const rows = [];
    for (const entry of [...view.journal].reverse()) {
      const open = view.openEntries.has(entry.requestId);
      const operation = view.config.operations.find((op) => op.operationId === entry.operation);
      rows.push(element("tr", {
        class: "summary", "data-request": entry.requestId, "data-status": entry.status, "data-outcome": entry.outcome,
        title: "show the request and the response",
        onclick: () => {
          if (view.openEntries.has(entry.requestId)) view.openEntries.delete(entry.requestId);
          else view.openEntries.add(entry.requestId);
          renderJournal();
        },
      },
      element("td", { "data-field": "time", title: `${entry.time} (UTC)` }, utc8Time(entry.time)),
      element("td", {}, operation ? termed(entry.operation, operation.term) : `${entry.method} ${entry.path}`),
      element("td", { class: entry.status >= 200 && entry.status < 300 ? "code-ok" : "code-bad" }, entry.status === null ? "dropped" : entry.status),
      element("td", { "data-field": "outcome" }, entry.outcome),
      element("td", {}, entry.appKey || ""),
      element("td", {}, entry.requestId)));
      if (open) {
        const headers = Object.entries(entry.headers).map(([name, value]) => `${name}: ${value}`).join("\n");
        rows.push(element("tr", { class: "entry", "data-entry": entry.requestId },
          element("td", { colspan: 6 },
            element("div", { class: "bodies" },
              element("div", {}, element("h3", {}, `Request ${entry.method} ${entry.path}`), element("pre", {}, headers), element("pre", { "data-field": "request-body" }, shown(entry.body, "(no body, or answered before it was read: a fault, a refused signature)"))),
              element("div", {}, element("h3", {}, `Response ${entry.status === null ? "(dropped)" : entry.status}`), element("pre", { "data-field": "response-body" }, shown(entry.responseBody)))))));
      }
    }
    $("#journal tbody").replaceChildren(...(rows.length ? rows : [element("tr", {}, element("td", { colspan: 6, class: "hint" }, "no request to the vendor API matches"))]));
  }

  // --- forms ------------------------------------------------------------------------------

  function faultPart() {
    const part = {};
    const latency = $("#fault-latency").value.trim();
    if (latency !== "") part.latency = { fixedMs: Number(latency) };
    const status = $("#fault-status").value.trim();
    if (status !== "") {
      part.status = { status: Number(status) };
      const code = $("#fault-code").value.trim();
      if (code !== "") part.status.code = code;
      const amount = Number($("#fault-amount").value);
      if ($("#fault-by").value === "ratio") part.status.ratio = amount;
      else part.status.count = Math.max(1, Math.round(amount));
    }
    return part;
  }

  async function setFaults(event) {
    event.preventDefault();
    const part = faultPart();
    const operation = $("#fault-operation").value;
    const plan = structuredClone(view.faults || {});
    if (operation) {
      plan.operations = plan.operations || {};
      if (Object.keys(part).length) plan.operations[operation] = part;
      else delete plan.operations[operation];
      if (!Object.keys(plan.operations).length) delete plan.operations;
    } else {
      delete plan.latency;
      delete plan.status;
      Object.assign(plan, part);
    }
    try {
      view.faults = await admin("/faults", { method: "PUT", body: plan });
      renderFaults();
      hideError();
    } catch (error) {
      showError(error);
    }
  }

  function scenarioOfState(state) {
    return {
      mediaServer: state.mediaServer,
      agents: state.agents.map((agent) => ({ number: agent.number, name: agent.name, role: agent.role, online: agent.status !== "offline" })),
      calls: state.calls.map((call) => {
        const scenarioCall = { id: call.id, customer: call.customer, agent: call.agent, state: call.state };
        if (call.supervisor) Object.assign(scenarioCall, { supervisor: call.supervisor, mode: call.mode });
        return scenarioCall;
      }),
    };
  }

  function wireForms() {
    $("#reset").addEventListener("click", () => admin("/reset", { method: "POST" }).then(refreshState).then(hideError, showError));
    $("#fault-form").addEventListener("submit", setFaults);
    $("#faults-clear").addEventListener("click", () => admin("/faults", { method: "DELETE" }).then(refreshFaults).then(hideError, showError));
    $("#journal-clear").addEventListener("click", () => admin("/journal", { method: "DELETE" }).then(refreshJournal).then(hideError, showError));
    let typing = null;
    const refilter = () => {
      clearTimeout(typing);
      typing = setTimeout(refreshJournal, 250);
    };
    for (const input of document.querySelectorAll("#journal-filters input")) input.addEventListener("input", refilter);
    $("#filter-operation").addEventListener("change", refreshJournal);
    $("#journal-filters").addEventListener("submit", (event) => event.preventDefault());

    const dialog = $("#scenario-dialog");
    $("#scenario-open").addEventListener("click", () => {
      if (view.state) $("#scenario-text").value = JSON.stringify(scenarioOfState(view.state), null, 2);
      dialog.showModal();
    });
    $("#scenario-file").addEventListener("change", async (event) => {
      const file = event.target.files[0];
      if (file) $("#scenario-text").value = await file.text();
    });
    dialog.addEventListener("close", async () => {
      if (dialog.returnValue !== "load") return;
      try {
        await admin("/scenario", { method: "POST", body: JSON.parse($("#scenario-text").value) });
        await refreshState();
        hideError();
      } catch (error) {
        showError(error);
      }
    });

    $("#token").value = view.token;
    $("#token-save").addEventListener("click", () => {
      view.token = $("#token").value.trim();
      sessionStorage.setItem(TOKEN_KEY, view.token);
      $("#token-bar").hidden = true;
      start();
    });
  }

  function showTokenBar() {
    $("#token-bar").hidden = false;
  }

  function showError(error) {
    const box = $("#error");
    box.textContent = error instanceof Error ? error.message : String(error);
    box.hidden = false;
  }

  function hideError() {
    $("#error").hidden = true;
  }

  // --- start ------------------------------------------------------------------------------

  let following = false;

  // Where the vendor requests are answered: the simulated call center, the real vendor
  // (proxy, --upstream) or a recording (replay, --replay); the badge says so.
  function showMode(mode) {
    const badge = $("#mode");
    const notice = $("#elsewhere");
    if (!mode || mode.kind === "simulate") {
      badge.textContent = "simulated";
      badge.title = "the call-state rules of the document answer the vendor requests";
      notice.hidden = true;
      return;
    }
    // The tables are this mock's own simulation; what answers the vendor requests is not.
    notice.hidden = false;
    notice.textContent = mode.kind === "proxy"
      ? `Vendor requests go to ${new URL(mode.upstream).host}: the calls and agents below are this mock's own simulation, not the upstream's, and do not change when an action is proxied.`
      : `Vendor requests are answered from the recording ${mode.replay.split(/[\\/]/).pop()}: the calls and agents below are this mock's own simulation.`;
    const drift = mode.drift ? `; ${mode.drift.disagreements} disagreement(s) with the document in ${mode.drift.answers} answer(s)` : "";
    if (mode.kind === "proxy") {
      badge.textContent = `proxy to ${new URL(mode.upstream).host}`;
      badge.title = `forwarded to ${mode.upstream}, signed with the upstream account's key${mode.record ? `; recorded to ${mode.record}` : ""}${drift}`;
    } else {
      badge.textContent = `replay of ${mode.replay.split(/[\\/]/).pop()}`;
      badge.title = `answered from the recording ${mode.replay} (not recorded: ${mode.fallback})${drift}`;
    }
  }

  async function start() {
    try {
      view.config = await admin("/config");
    } catch (error) {
      showError(error);
      return;
    }
    const config = view.config;
    view.account = config.signing.accounts[0] || null;
    $("#auth-mode").textContent = `auth ${config.authMode}`;
    showMode(config.mode);
    const problem = signingProblem();
    $("#signing").textContent = config.authMode === "off" ? "no signing needed" : problem ? "in-page signing off" : `signs as ${view.account.appKey}`;
    $("#signing").title = problem || "the five actions are signed in this page with Web Crypto (HMAC-SHA256)";
    for (const select of [$("#fault-operation"), $("#filter-operation")]) {
      const first = select.firstElementChild;
      select.replaceChildren(first, ...operations().map((op) => element("option", { value: op.operationId }, `${op.operationId} ${op.term}`)));
    }
    await refreshAll();
    if (!following) {
      following = true;
      followEvents();
    }
  }

  wireForms();
  start();
})();
