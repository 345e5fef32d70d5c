// Reports: the stored ones, the HTML one shown in the page (a sandboxed frame
// that runs no script), the other formats as downloads, and "generate now".
"use strict";
(function () {
  const { useState, useEffect, useCallback } = preactHooks;
  const enc = encodeURIComponent;

  function Generate({ onDone }) {
    const [period, setPeriod] = useState("daily");
    const [from, setFrom] = useState("");
    const [to, setTo] = useState("");
    const [busy, setBusy] = useState(false);
    const [error, setError] = useState("");
    async function submit(e) {
      e.preventDefault();
      // Whole UTC days, both ends included: the API's `to` is exclusive, so
      // it is the start of the day after the one picked.
      const dayStart = (day, later) => new Date(Date.parse(day + "T00:00:00Z") + later * 86400000).toISOString();
      const body = period === "custom" ? { from: dayStart(from, 0), to: dayStart(to, 1) } : { period };
      setBusy(true); setError("");
      try { onDone((await Api.call("POST", "/reporting/reports", { json: body })).data); }
      catch (err) { setError(err.message); }
      finally { setBusy(false); }
    }
    return html`<form class="panel filters" onSubmit=${submit} aria-label="Generate a report">
      <label>Period <select value=${period} onChange=${(e) => setPeriod(e.target.value)}>
        <option value="daily">daily</option><option value="weekly">weekly</option><option value="custom">custom range</option></select></label>
      ${period === "custom" ? html`<label>From <input type="date" required value=${from} onInput=${(e) => setFrom(e.target.value)} /></label>
        <label>To (included) <input type="date" required value=${to} onInput=${(e) => setTo(e.target.value)} /></label>` : null}
      <button type="submit" class="primary" disabled=${busy}>${busy ? "Generating…" : "Generate now"}</button>
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}</form>`;
  }

  function List() {
    const [items, setItems] = useState(null);
    const [next, setNext] = useState(null);
    const [error, setError] = useState("");
    const load = useCallback(() => Api.get("/reporting/reports?limit=20").then(({ data }) => { setItems(data.items); setNext(data.next_cursor); }).catch((e) => setError(e.message)), []);
    useEffect(() => { load(); }, [load]);
    async function more() {
      const { data } = await Api.get("/reporting/reports" + Api.query({ limit: 20, cursor: next }));
      setItems(items.concat(data.items)); setNext(data.next_cursor);
    }
    return html`<section aria-labelledby="reports-heading"><h1 id="reports-heading">Reports</h1>
      <${Generate} onDone=${(r) => { location.hash = "#/reports/" + enc(r.id); }} />
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}
      ${items ? html`<table class="list"><thead><tr><th scope="col">Report</th><th scope="col">Period</th><th scope="col">Window</th><th scope="col">Outcome</th></tr></thead>
        <tbody>${items.map((r) => html`<tr><td><a href=${"#/reports/" + enc(r.id)}>${r.id}</a></td><td>${r.period}</td>
          <td>${r.from} → ${r.to}</td><td>${r.outcome}</td></tr>`)}</tbody></table>
        ${items.length === 0 ? html`<p class="muted">No reports yet.</p>` : null}
        ${next ? html`<button onClick=${more}>Load more</button>` : null}` : html`<p>Loading…</p>`}</section>`;
  }

  function Report({ id }) {
    const [meta, setMeta] = useState(null);
    const [page, setPage] = useState(null);
    const [error, setError] = useState("");
    useEffect(() => {
      Api.get("/reporting/reports/" + enc(id) + "?format=json").then(({ data }) => setMeta(data)).catch((e) => setError(e.message));
      Api.call("GET", "/reporting/reports/" + enc(id) + "?format=html", { text: true }).then(({ data }) => setPage(data)).catch((e) => setError(e.message));
    }, [id]);
    const formats = [["markdown", "md"], ["json", "json"], ["csv", "csv"], ["html", "html"]];
    return html`<section aria-labelledby="report-heading"><p><a href="#/reports">Reports</a></p>
      <h1 id="report-heading">Report <span class="mono">${id}</span></h1>
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}
      <p class="downloads">Download: ${formats.map(([f, ext]) => html`<button onClick=${() => Api.download("/reporting/reports/" + enc(id) + "?format=" + f, id + "." + ext).catch((e) => setError(e.message))}>${f}</button> `)}</p>
      ${meta && meta.window ? html`<p class="muted">${meta.window.from} → ${meta.window.to}</p>` : null}
      ${page !== null ? html`<iframe class="report" title="The report" sandbox="" srcdoc=${page}></iframe>` : html`<p>Loading…</p>`}
    </section>`;
  }

  window.Reports = { List, Report };
})();
