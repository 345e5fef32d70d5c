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

  // Each agent's path answers its pod's /health (<prefix>/health), so behind
  // the Ingress every role is reached the way the other pages reach it.
  const AGENT_PATHS = ["/task", "/workflow", "/reporting", location.pathname.replace(/\/+(index\.html)?$/, "")];

  async function healthAt(path) {
    try {
      const response = await fetch(path + "/health", { headers: { accept: "application/json" }, credentials: "omit" });
      const type = response.headers.get("content-type") || "";
      if (!type.includes("json")) return { path, error: "HTTP " + response.status };
      const host = await response.json();
      if (!host.plugins) return { path, error: "HTTP " + response.status };
      const agent = Object.entries(host.plugins).find(([, p]) => p.prefix === path) || [path, {}];
      return { path, host, agent: agent[0], entry: agent[1] };
    } catch (e) {
      return { path, error: e.message };
    }
  }

  function Health() {
    const [rows, setRows] = useState(null);
    const load = () => Promise.all(AGENT_PATHS.map(healthAt)).then(setRows);
    useEffect(() => { load(); }, []);
    const down = rows ? rows.filter((r) => r.error || (r.entry && r.entry.status === "failing")).length : 0;
    return html`<section aria-labelledby="health-heading"><h1 id="health-heading">Health</h1>
      <p>Each agent's path answers the health of the pod that serves it. <button onClick=${load}>Refresh</button></p>
      ${rows && down ? html`<p class="error" role="alert">${down} of ${rows.length} agents unreachable or failing.</p>` : null}
      ${rows ? html`<table class="list"><thead><tr><th scope="col">Path</th><th scope="col">Agent</th><th scope="col">Status</th><th scope="col">Pod</th><th scope="col">Host</th><th scope="col">Detail</th></tr></thead>
        <tbody>${rows.map((r) => r.error
          ? html`<tr><td>${r.path}</td><td></td><td><span class="status st-failing">unreachable</span></td><td colspan="3">${r.path}/health: ${r.error}</td></tr>`
          : html`<tr><td>${r.path}</td><td>${r.agent} ${r.entry.version || ""}</td><td><span class=${"status st-" + r.entry.status}>${r.entry.status || "not served here"}</span></td>
            <td>${r.host.instance}</td><td>${r.host.service} ${r.host.version}: <span class=${"status st-" + r.host.status}>${r.host.status}</span></td>
            <td><details><summary>${r.path}/health</summary><pre class="json">${JSON.stringify(r.host, null, 2)}</pre></details></td></tr>`)}</tbody></table>` : html`<p>Loading…</p>`}
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
