// The console's shell: navigation, the API key prompt, the health page and a
// hash router (#/tasks, #/workflows/<name>, #/runs/<id>, #/reports/<id>,
// #/health), so the page itself is one static file at any prefix.
"use strict";
(function () {
  const { useState, useEffect } = preactHooks;

  function KeyForm({ onSaved }) {
    const [key, setKey] = useState("");
    return html`<form class="panel key" onSubmit=${(e) => { e.preventDefault(); if (key.trim()) { Api.setKey(key.trim()); onSaved(); } }}>
      <h2>API key</h2>
      <p>The agents ask for an API key. It is kept in this tab only (sessionStorage) and sent as a bearer header.</p>
      <label>API key <input type="password" autocomplete="off" value=${key} onInput=${(e) => setKey(e.target.value)} /></label>
      <button type="submit" class="primary">Use this key</button></form>`;
  }

  function Health() {
    const [host, setHost] = useState(null);
    const [error, setError] = useState("");
    useEffect(() => {
      fetch("/health", { headers: { accept: "application/json" }, credentials: "omit" })
        .then((r) => (r.headers.get("content-type") || "").includes("json") ? r.json() : Promise.reject(new Error("HTTP " + r.status)))
        .then(setHost)
        .catch((e) => setError("This host's /health is not reachable from here (" + e.message + "); behind the Ingress only the agents' paths are served."));
    }, []);
    const checks = host ? Object.entries(host.plugins || host.checks || {}) : [];
    return html`<section aria-labelledby="health-heading"><h1 id="health-heading">Health</h1>
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}
      ${host ? html`<p>Host <strong>${host.service || ""}</strong>: <span class=${"status st-" + host.status}>${host.status}</span></p>
        ${checks.length ? html`<table class="list"><thead><tr><th scope="col">Agent</th><th scope="col">Status</th><th scope="col">Detail</th></tr></thead>
          <tbody>${checks.map(([name, c]) => html`<tr><td>${name}</td><td><span class=${"status st-" + (c.status || c)}>${c.status || String(c)}</span></td>
            <td><pre class="json">${JSON.stringify(c, null, 2)}</pre></td></tr>`)}</tbody></table>` : null}
        <details><summary>Everything /health answered</summary><pre class="json">${JSON.stringify(host, null, 2)}</pre></details>` : null}
    </section>`;
  }

  function route(hash) {
    const parts = hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
    switch (parts[0]) {
      case "workflows": return parts[1] ? html`<${Workflows.Runs} name=${parts[1]} />` : html`<${Workflows.List} />`;
      case "runs": return html`<${Workflows.Run} id=${parts[1]} />`;
      case "reports": return parts[1] ? html`<${Reports.Report} id=${parts[1]} />` : html`<${Reports.List} />`;
      case "health": return html`<${Health} />`;
      default: return html`<${Tasks.Board} />`;
    }
  }

  function App() {
    const [hash, setHash] = useState(location.hash);
    const [needKey, setNeedKey] = useState(false);
    const [generation, setGeneration] = useState(0);
    useEffect(() => {
      const changed = () => setHash(location.hash);
      addEventListener("hashchange", changed);
      Api.onUnauthorized(() => setNeedKey(true));
      return () => removeEventListener("hashchange", changed);
    }, []);
    const section = hash.replace(/^#\/?/, "").split("/")[0] || "tasks";
    const tab = (name, label) => html`<a href=${"#/" + name} aria-current=${section === name || (name === "workflows" && section === "runs") ? "page" : undefined}>${label}</a>`;
    return html`<header><span class="brand">Agent Host</span>
        <nav aria-label="Sections">${tab("tasks", "Tasks")}${tab("workflows", "Workflows")}${tab("reports", "Reports")}${tab("health", "Health")}</nav>
        ${Api.hasKey() ? html`<button class="link" onClick=${() => { Api.clearKey(); setNeedKey(true); }}>Forget key</button>` : null}</header>
      <main key=${generation}>${needKey ? html`<${KeyForm} onSaved=${() => { setNeedKey(false); setGeneration(generation + 1); }} />` : route(hash)}</main>`;
  }

  document.getElementById("app").textContent = "";
  preact.render(html`<${App} />`, document.getElementById("app"));
})();
