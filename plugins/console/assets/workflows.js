// Workflows: the list with triggers, each one's runs (newest first, filtered
// by status), a run's steps as a timeline, a start form generated from the
// workflow's input schema, and cancel.
"use strict";
(function () {
  const { useState, useEffect, useCallback } = preactHooks;
  const RUN_STATUSES = ["queued", "running", "waiting", "succeeded", "failed", "cancelled", "timed_out"];
  const FINISHED = new Set(["succeeded", "failed", "cancelled", "timed_out"]);
  const enc = encodeURIComponent;

  function triggerText(t) {
    if (t.event) return "on " + t.event;
    if (t.webhook) return "webhook";
    if (t.cron) return "cron " + t.cron;
    return JSON.stringify(t);
  }
  const ms = (v) => (v === null || v === undefined ? "–" : v < 1000 ? v + " ms" : (v / 1000).toFixed(1) + " s");
  const Json = ({ value }) => html`<pre class="json">${JSON.stringify(value, null, 2)}</pre>`;
  const triggerOf = (run) => (typeof run.trigger === "string" ? run.trigger : run.trigger ? run.trigger.kind || run.trigger.type || JSON.stringify(run.trigger) : "");
  const Status = ({ value }) => html`<span class=${"status st-" + value}>${value}</span>`;

  function List() {
    const [items, setItems] = useState(null);
    const [error, setError] = useState("");
    useEffect(() => { Api.get("/workflow/workflows").then(({ data }) => setItems(data.items)).catch((e) => setError(e.message)); }, []);
    return html`<section aria-labelledby="wf-heading"><h1 id="wf-heading">Workflows</h1>
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}
      ${items ? html`<table class="list"><thead><tr><th scope="col">Workflow</th><th scope="col">Version</th><th scope="col">Triggers</th><th scope="col">Steps</th></tr></thead>
        <tbody>${items.map((w) => html`<tr><td><a href=${"#/workflows/" + enc(w.name)}>${w.name}</a><div class="muted">${w.description}</div></td>
          <td>${w.version}</td><td>${(w.triggers || []).map(triggerText).join(", ") || "manual"}</td><td>${w.steps}</td></tr>`)}</tbody></table>`
        : html`<p>Loading…</p>`}</section>`;
  }

  // One input per property of a flat object schema; anything richer is typed as JSON.
  function StartForm({ name, schema, onStarted }) {
    const props = (schema && schema.type === "object" && schema.properties) || null;
    const [values, setValues] = useState({});
    const [raw, setRaw] = useState("{}");
    const [error, setError] = useState("");
    async function submit(e) {
      e.preventDefault();
      let input;
      try {
        if (props) {
          input = {};
          for (const [key, p] of Object.entries(props)) {
            const v = values[key];
            if (v === undefined || v === "") continue;
            input[key] = p.type === "integer" || p.type === "number" ? Number(v) : p.type === "boolean" ? v === "true" : p.type === "string" ? v : JSON.parse(v);
          }
        } else {
          input = JSON.parse(raw);
        }
      } catch (err) { setError("The input is not valid JSON: " + err.message); return; }
      try {
        const { data } = await Api.call("POST", "/workflow/workflows/" + enc(name) + "/runs", { json: { input } });
        onStarted(data);
      } catch (err) { setError(err.message); }
    }
    const set = (key) => (e) => setValues(Object.assign({}, values, { [key]: e.target.value }));
    return html`<form class="panel" onSubmit=${submit} aria-label="Start a run"><h2>Start a run</h2>
      ${props ? Object.entries(props).map(([key, p]) => html`<label>${key}${(schema.required || []).includes(key) ? " *" : ""}
          ${p.enum ? html`<select value=${values[key] || ""} onChange=${set(key)}><option value=""></option>${p.enum.map((v) => html`<option value=${v}>${v}</option>`)}</select>`
          : p.type === "boolean" ? html`<select value=${values[key] || ""} onChange=${set(key)}><option value=""></option><option>true</option><option>false</option></select>`
          : html`<input type=${p.type === "integer" || p.type === "number" ? "number" : "text"} required=${(schema.required || []).includes(key)} value=${values[key] || ""} onInput=${set(key)} />`}
          ${p.description ? html`<span class="muted">${p.description}</span>` : null}</label>`)
        : html`<label>Input (JSON) <textarea rows="4" value=${raw} onInput=${(e) => setRaw(e.target.value)}></textarea></label>`}
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}
      <button type="submit" class="primary">Start</button></form>`;
  }

  function Runs({ name }) {
    const [definition, setDefinition] = useState(null);
    const [status, setStatus] = useState("");
    const [runs, setRuns] = useState(null);
    const [next, setNext] = useState(null);
    const [error, setError] = useState("");
    const load = useCallback(() => {
      Api.get("/workflow/runs" + Api.query({ workflow: name, status, limit: 25 }))
        .then(({ data }) => { setRuns(data.items); setNext(data.next_cursor); }).catch((e) => setError(e.message));
    }, [name, status]);
    useEffect(() => { Api.get("/workflow/workflows/" + enc(name)).then(({ data }) => setDefinition(data)).catch((e) => setError(e.message)); }, [name]);
    useEffect(() => { load(); const timer = setInterval(load, 3000); return () => clearInterval(timer); }, [load]);
    async function more() {
      const { data } = await Api.get("/workflow/runs" + Api.query({ workflow: name, status, limit: 25, cursor: next }));
      setRuns(runs.concat(data.items)); setNext(data.next_cursor);
    }
    const schema = definition && definition.definition ? definition.definition.input_schema : null;
    return html`<section aria-labelledby="runs-heading"><p><a href="#/workflows">Workflows</a></p>
      <h1 id="runs-heading">${name}</h1>
      ${definition ? html`<p class="muted">${definition.description}</p>` : null}
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}
      <${StartForm} name=${name} schema=${schema} onStarted=${(run) => { location.hash = "#/runs/" + enc(run.id); }} />
      <h2>Runs</h2>
      <label>Status <select value=${status} onChange=${(e) => setStatus(e.target.value)}><option value="">any</option>
        ${RUN_STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}</select></label>
      ${runs ? html`<table class="list runs"><thead><tr><th scope="col">Run</th><th scope="col">Status</th><th scope="col">Trigger</th><th scope="col">Created</th><th scope="col">Duration</th></tr></thead>
        <tbody>${runs.map((r) => html`<tr><td><a href=${"#/runs/" + enc(r.id)}>${r.id}</a></td><td><${Status} value=${r.status} /></td>
          <td>${triggerOf(r)}</td><td>${r.created_at}</td><td>${ms(r.duration_ms)}</td></tr>`)}</tbody></table>
        ${runs.length === 0 ? html`<p class="muted">No runs.</p>` : null}
        ${next ? html`<button onClick=${more}>Load more</button>` : null}` : html`<p>Loading…</p>`}</section>`;
  }

  function Run({ id }) {
    const [run, setRun] = useState(null);
    const [error, setError] = useState("");
    const load = useCallback(() => Api.get("/workflow/runs/" + enc(id)).then(({ data }) => setRun(data)).catch((e) => setError(e.message)), [id]);
    useEffect(() => { load(); const timer = setInterval(load, 2000); return () => clearInterval(timer); }, [load]);
    async function cancel() {
      try { setRun((await Api.call("POST", "/workflow/runs/" + enc(id) + "/cancel")).data); load(); } catch (e) { setError(e.message); }
    }
    if (!run) return html`<section><h1>Run</h1>${error ? html`<p class="error" role="alert">${error}</p>` : html`<p>Loading…</p>`}</section>`;
    return html`<section aria-labelledby="run-heading"><p><a href=${"#/workflows/" + enc(run.workflow)}>${run.workflow}</a></p>
      <h1 id="run-heading">Run <span class="mono">${run.id}</span></h1>
      <p><${Status} value=${run.status} /> ${triggerOf(run)} · created ${run.created_at} · ${ms(run.duration_ms)}</p>
      ${FINISHED.has(run.status) ? null : html`<button class="danger" onClick=${cancel}>Cancel run</button>`}
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}
      ${run.error ? html`<div class="error"><strong>Error</strong><${Json} value=${run.error} /></div>` : null}
      <h2>Steps</h2>
      <ol class="timeline">${(run.steps || []).map((s) => html`<li class=${"step step-" + s.status}>
        <h3>${s.id} <span class="muted">(${s.type})</span> <${Status} value=${s.status} /></h3>
        <p class="muted">${s.started_at || ""}${s.finished_at ? " → " + s.finished_at : ""} · ${ms(s.duration_ms)}</p>
        <ul class="attempts">${(s.attempts || []).map((a) => html`<li>Attempt ${a.attempt}: ${a.ok ? "ok" : "failed"} in ${ms(a.duration_ms)}
          ${a.error ? html` — <span class="error-text">${a.error.code}: ${a.error.message}</span>` : null}
          ${a.received !== undefined ? html`<details><summary>Received</summary><${Json} value=${a.received} /></details>` : null}</li>`)}</ul>
        ${s.input !== undefined ? html`<details><summary>Input</summary><${Json} value=${s.input} /></details>` : null}
        ${s.output !== undefined ? html`<details><summary>Output</summary><${Json} value=${s.output} /></details>` : null}
        ${s.error ? html`<p class="error-text">${s.error.code || ""} ${s.error.message || JSON.stringify(s.error)}</p>` : null}
      </li>`)}</ol>
      <details><summary>Run input</summary><${Json} value=${run.input} /></details>
      <details><summary>Run output</summary><${Json} value=${run.output} /></details>
    </section>`;
  }

  window.Workflows = { List, Runs, Run };
})();
