// Calls to the agents' APIs, through the same paths the Ingress serves, with
// the API key the user entered (sessionStorage: gone with the tab; sent as a
// bearer header, never in a URL or a cookie).
"use strict";
(function () {
  const KEY = "agent-host-api-key";
  const listeners = new Set();

  class ApiError extends Error {
    constructor(status, body) {
      const error = (body && body.error) || {};
      super(error.message || "HTTP " + status);
      this.status = status;
      this.code = error.code || "";
      this.body = body;
    }
  }

  async function call(method, path, options) {
    const opts = options || {};
    const headers = Object.assign({ accept: "application/json" }, opts.headers || {});
    const key = sessionStorage.getItem(KEY);
    if (key) headers.authorization = "Bearer " + key;
    let body;
    if (opts.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(opts.json);
    }
    const response = await fetch(path, { method, headers, body, credentials: "omit" });
    if (response.status === 401) listeners.forEach((fn) => fn());
    const type = response.headers.get("content-type") || "";
    let data = null;
    if (opts.text) data = await response.text();
    else if (type.includes("json")) data = await response.json();
    if (!response.ok) throw new ApiError(response.status, typeof data === "object" ? data : null);
    return { data, etag: response.headers.get("etag"), status: response.status };
  }

  // A download with the bearer header: fetched, then saved from a blob URL.
  async function download(path, filename) {
    const headers = {};
    const key = sessionStorage.getItem(KEY);
    if (key) headers.authorization = "Bearer " + key;
    const response = await fetch(path, { headers, credentials: "omit" });
    if (!response.ok) throw new ApiError(response.status, null);
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement("a");
    link.href = url;
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  function query(params) {
    const parts = [];
    for (const [name, value] of Object.entries(params))
      if (value !== undefined && value !== null && value !== "")
        parts.push(encodeURIComponent(name) + "=" + encodeURIComponent(value));
    return parts.length ? "?" + parts.join("&") : "";
  }

  window.Api = {
    ApiError,
    call,
    download,
    query,
    get: (path) => call("GET", path),
    hasKey: () => !!sessionStorage.getItem(KEY),
    setKey: (key) => sessionStorage.setItem(KEY, key),
    clearKey: () => sessionStorage.removeItem(KEY),
    onUnauthorized: (fn) => listeners.add(fn),
  };
  window.html = htm.bind(preact.h);
})();
