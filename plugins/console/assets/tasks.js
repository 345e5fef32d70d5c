// The task board: one column per status, filters, paging per column, cards
// moved with the transition API (If-Match), a form to create and edit.
"use strict";
(function () {
  const { useState, useEffect, useCallback } = preactHooks;
  const STATUSES = ["todo", "in_progress", "blocked", "done", "cancelled"];
  const LABELS = { todo: "To do", in_progress: "In progress", blocked: "Blocked", done: "Done", cancelled: "Cancelled" };
  const PRIORITIES = ["low", "medium", "high", "urgent"];
  const OPEN = new Set(["todo", "in_progress", "blocked"]);
  const PAGE = 50;

  const isOverdue = (task) => OPEN.has(task.status) && task.due_at && Date.parse(task.due_at) < Date.now();
  const etag = (task) => '"' + task.version + '"';

  function listPath(status, filters, cursor) {
    return "/task/tasks" + Api.query({
      status, assignee: filters.assignee, priority: filters.priority, tag: filters.tag,
      q: filters.q, sort: "-created_at", limit: PAGE, cursor,
    });
  }

  function Card({ task, onMove, onEdit, onDragStart }) {
    const overdue = isOverdue(task);
    const classes = "card" + (overdue ? " overdue" : "") + (task.status === "blocked" ? " blocked" : "");
    return html`<li class=${classes} draggable="true" data-task=${task.id}
        onDragStart=${(e) => onDragStart(e, task)}>
      <button class="card-title link" onClick=${() => onEdit(task)}>${task.title}</button>
      <div class="meta">
        <span class=${"prio prio-" + task.priority}>${task.priority}</span>
        ${task.assignee ? html`<span>@${task.assignee}</span>` : null}
        ${overdue ? html`<span class="flag">Overdue</span>` : null}
        ${task.status === "blocked" ? html`<span class="flag">Blocked</span>` : null}
        ${task.due_at ? html`<span>due ${task.due_at.slice(0, 10)}</span>` : null}
      </div>
      ${task.tags && task.tags.length ? html`<div class="tags">${task.tags.map((t) => html`<span class="tag">${t}</span>`)}</div>` : null}
      <label class="move">Move to
        <select value="" onChange=${(e) => { const to = e.target.value; e.target.value = ""; if (to) onMove(task, to); }}>
          <option value="">…</option>
          ${STATUSES.filter((s) => s !== task.status).map((s) => html`<option value=${s}>${LABELS[s]}</option>`)}
        </select>
      </label>
    </li>`;
  }

  function TaskForm({ task, onClose, onSaved }) {
    const editing = !!task;
    const [title, setTitle] = useState(editing ? task.title : "");
    const [description, setDescription] = useState(editing ? task.description || "" : "");
    const [priority, setPriority] = useState(editing ? task.priority : "medium");
    const [assignee, setAssignee] = useState(editing ? task.assignee || "" : "");
    const [tags, setTags] = useState(editing ? (task.tags || []).join(", ") : "");
    const [due, setDue] = useState(editing && task.due_at ? task.due_at.slice(0, 16) : "");
    const [error, setError] = useState("");

    async function submit(e) {
      e.preventDefault();
      const body = {
        title, description, priority,
        assignee: assignee.trim() ? assignee.trim() : null,
        tags: tags.split(",").map((t) => t.trim()).filter(Boolean),
        due_at: due ? new Date(due + ":00Z").toISOString() : null,
      };
      try {
        if (editing) {
          const { data } = await Api.call("PATCH", "/task/tasks/" + task.id, { json: body, headers: { "if-match": etag(task) } });
          onSaved(data);
        } else {
          if (body.assignee === null) delete body.assignee;
          if (body.due_at === null) delete body.due_at;
          const { data } = await Api.call("POST", "/task/tasks", { json: body });
          onSaved(data);
        }
      } catch (err) {
        setError(err.status === 412 ? "Someone changed this task meanwhile; close and open it again." : err.message);
      }
    }
    return html`<form class="panel task-form" onSubmit=${submit} aria-label=${editing ? "Edit task" : "New task"}>
      <h2>${editing ? "Edit task" : "New task"}</h2>
      <label>Title <input required maxlength="500" value=${title} onInput=${(e) => setTitle(e.target.value)} /></label>
      <label>Description <textarea rows="3" value=${description} onInput=${(e) => setDescription(e.target.value)}></textarea></label>
      <label>Priority <select value=${priority} onChange=${(e) => setPriority(e.target.value)}>
        ${PRIORITIES.map((p) => html`<option value=${p}>${p}</option>`)}</select></label>
      <label>Assignee <input value=${assignee} onInput=${(e) => setAssignee(e.target.value)} /></label>
      <label>Tags (comma-separated) <input value=${tags} onInput=${(e) => setTags(e.target.value)} /></label>
      <label>Due (UTC) <input type="datetime-local" value=${due} onInput=${(e) => setDue(e.target.value)} /></label>
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}
      <div class="actions"><button type="submit" class="primary">Save</button>
        <button type="button" onClick=${onClose}>Cancel</button></div>
    </form>`;
  }

  function Board() {
    const [filters, setFilters] = useState({ assignee: "", priority: "", tag: "", q: "" });
    const [draft, setDraft] = useState(filters);
    const [columns, setColumns] = useState({});
    const [counts, setCounts] = useState(null);
    const [message, setMessage] = useState(null);
    const [form, setForm] = useState(null);  // null | {task}

    const loadCounts = useCallback(() => {
      const to = new Date(Date.now() + 86400000).toISOString();
      Api.get("/task/stats" + Api.query({ from: "1970-01-01T00:00:00Z", to, fields: "by_status,overdue,blocked" }))
        .then(({ data }) => setCounts(data)).catch(() => setCounts(null));
    }, []);

    const load = useCallback(() => {
      STATUSES.forEach((status) =>
        Api.get(listPath(status, filters)).then(({ data }) =>
          setColumns((c) => Object.assign({}, c, { [status]: { items: data.items, next: data.next_cursor } })))
          .catch((err) => setMessage({ kind: "error", text: err.message })));
      loadCounts();
    }, [filters]);
    useEffect(load, [load]);

    async function more(status) {
      const column = columns[status];
      const { data } = await Api.get(listPath(status, filters, column.next));
      setColumns((c) => Object.assign({}, c, { [status]: { items: column.items.concat(data.items), next: data.next_cursor } }));
    }

    function replace(task, from) {
      setColumns((c) => {
        const next = Object.assign({}, c);
        for (const s of STATUSES) if (next[s]) next[s] = Object.assign({}, next[s], { items: next[s].items.filter((t) => t.id !== task.id) });
        const target = next[task.status] || { items: [], next: null };
        const items = target.items.concat([task]).sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
        next[task.status] = Object.assign({}, target, { items });
        return next;
      });
      if (from !== undefined) loadCounts();
    }

    async function move(task, to) {
      try {
        const { data } = await Api.call("POST", "/task/tasks/" + task.id + "/transitions", { json: { to }, headers: { "if-match": etag(task) } });
        replace(data, task.status);
        setMessage({ kind: "ok", text: "Moved “" + data.title + "” to " + LABELS[to] + "." });
      } catch (err) {
        if (err.status === 409 && err.code === "illegal_transition") {
          const allowed = (err.body.error.allowed || []).map((s) => LABELS[s] || s).join(", ");
          setMessage({ kind: "error", text: "Cannot move “" + task.title + "” from " + LABELS[task.status] + " to " + LABELS[to] + ". Allowed: " + (allowed || "none") + "." });
        } else if (err.status === 412) {
          setMessage({ kind: "error", text: "“" + task.title + "” was changed by someone else; it has been reloaded. Try again." });
          try { replace((await Api.get("/task/tasks/" + task.id)).data, task.status); } catch (e) { load(); }
        } else {
          setMessage({ kind: "error", text: err.message });
        }
      }
    }

    function drop(e, status) {
      e.preventDefault();
      const id = e.dataTransfer.getData("text/plain");
      for (const s of STATUSES) {
        const task = columns[s] && columns[s].items.find((t) => t.id === id);
        if (task && task.status !== status) move(task, status);
      }
    }

    return html`<section aria-labelledby="tasks-heading">
      <div class="toolbar">
        <h1 id="tasks-heading">Tasks</h1>
        <button class="primary" onClick=${() => setForm({ task: null })}>New task</button>
      </div>
      <form class="filters" role="search" onSubmit=${(e) => { e.preventDefault(); setFilters(draft); }}>
        <label>Text <input name="q" value=${draft.q} onInput=${(e) => setDraft(Object.assign({}, draft, { q: e.target.value }))} /></label>
        <label>Assignee <input name="assignee" value=${draft.assignee} onInput=${(e) => setDraft(Object.assign({}, draft, { assignee: e.target.value }))} /></label>
        <label>Priority <select name="priority" value=${draft.priority} onChange=${(e) => setDraft(Object.assign({}, draft, { priority: e.target.value }))}>
          <option value="">any</option>${PRIORITIES.map((p) => html`<option value=${p}>${p}</option>`)}</select></label>
        <label>Tag <input name="tag" value=${draft.tag} onInput=${(e) => setDraft(Object.assign({}, draft, { tag: e.target.value }))} /></label>
        <button type="submit">Filter</button>
      </form>
      ${counts ? html`<p class="summary">${counts.overdue} overdue, ${counts.blocked} blocked (all tasks)</p>` : null}
      ${message ? html`<p class=${"message " + message.kind} role=${message.kind === "error" ? "alert" : "status"}>${message.text}</p>` : null}
      ${form ? html`<${TaskForm} task=${form.task} onClose=${() => setForm(null)}
          onSaved=${(task) => { setForm(null); replace(task, null); loadCounts(); setMessage({ kind: "ok", text: "Saved “" + task.title + "”." }); }} />` : null}
      <div class="board">
        ${STATUSES.map((status) => {
          const column = columns[status];
          return html`<section class="column" data-status=${status} aria-label=${LABELS[status]}
              onDragOver=${(e) => e.preventDefault()} onDrop=${(e) => drop(e, status)}>
            <h2>${LABELS[status]} <span class="count">${counts && counts.by_status ? counts.by_status[status] : ""}</span></h2>
            <ul>${column ? column.items.map((task) => html`<${Card} key=${task.id} task=${task} onMove=${move}
                onEdit=${(t) => setForm({ task: t })}
                onDragStart=${(e, t) => e.dataTransfer.setData("text/plain", t.id)} />`) : html`<li class="muted">Loading…</li>`}</ul>
            ${column && column.next ? html`<button class="more" onClick=${() => more(status)}>Load more</button>` : null}
          </section>`;
        })}
      </div>
    </section>`;
  }

  window.Tasks = { Board };
})();
