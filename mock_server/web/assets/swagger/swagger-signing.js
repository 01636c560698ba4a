// The vendor API's Swagger UI, signing by itself: a request interceptor adds the four m7-*
// headers (signing.js, Web Crypto) to every request to a vendor operation, with a fresh
// nonce each time, so "Try it out" works in strict mode again and again.
//
// The page's configuration (auth mode, and the credentials only when the mock lets pages
// sign: a loopback bind, or --page-signing on) is embedded by the mock as JSON.
"use strict";

window.addEventListener("load", () => {
  const config = JSON.parse(document.getElementById("m7-config").textContent);
  const account = config.signing.accounts[0] || null;
  const vendorPaths = new Set(config.vendorPaths);
  let problem = null;
  if (config.authMode !== "off") {
    if (!config.signing.enabled) problem = config.signing.reason;
    else if (!account) problem = "no credentials to sign with";
    else if (!M7Signing.available()) problem = "Web Crypto is unavailable: this page is not a secure context (use http://127.0.0.1, http://localhost or https)";
  }

  const banner = document.getElementById("m7-auth");
  const mode = document.createElement("strong");
  mode.id = "m7-auth-mode";
  mode.textContent = `auth mode: ${config.authMode}`;
  const text = document.createElement("span");
  text.id = "m7-signing";
  if (config.authMode === "off") text.textContent = "no authentication: requests need no m7-* headers";
  else if (problem) text.textContent = `in-page signing is off (${problem}): use Authorize with the values of \`m7 sign\``;
  else text.textContent = `this page signs every request itself as app key ${account.appKey}, with a fresh nonce each time (m7-sign = base64(HMAC-SHA256(secretKey, appkey + timestamp + nonce)))`;
  const consoleLink = document.createElement("a");
  consoleLink.href = "../__mock/console/";
  consoleLink.textContent = "call-center console";
  banner.dataset.signing = problem ? "off" : "on";
  banner.append(mode, text, consoleLink);

  const signs = config.authMode !== "off" && !problem;
  window.ui = SwaggerUIBundle({
    url: config.documentUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
    requestInterceptor: async (request) => {
      if (signs && vendorPaths.has(new URL(request.url, location.href).pathname)) {
        Object.assign(request.headers, await M7Signing.headers(account.appKey, account.secretKey));
      }
      return request;
    },
  });
});
