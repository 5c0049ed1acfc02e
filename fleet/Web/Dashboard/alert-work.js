// One alert as work (#/alert/{id}): acknowledge, assign, comment, resolve, and its history (who did what, when).
(window.EDGE_PAGES = window.EDGE_PAGES || []).push(E => {
  "use strict";
  const { t, esc, api, send } = E;

  const page = {
    nav: "alerts",
    skeleton(id) {
      return `<p><a href="#/alerts">${t("work.back")}</a></p><h1>${t("work.title")}</h1>
        <div id="alert-body"><p class="empty">…</p></div>
        <section class="panel" id="alert-actions"><h2>${t("work.actions")}</h2>
          <div class="buttons">
            <button type="button" id="alert-acknowledge">${t("work.acknowledge")}</button>
            <button type="button" id="alert-resolve" class="primary">${t("work.resolve")}</button>
          </div>
          <form id="alert-assign-form" class="filters">
            <label>${t("work.assignee")}<input id="alert-assignee" autocomplete="off" required></label>
            <button type="submit" id="alert-assign">${t("work.assign")}</button>
          </form>
          <form id="alert-comment-form" class="filters">
            <label class="grow">${t("work.comment")}<textarea id="alert-comment" rows="2" maxlength="2000" required></textarea></label>
            <button type="submit" id="alert-comment-submit">${t("work.addComment")}</button>
          </form>
          <p id="alert-error" class="error" role="alert"></p>
        </section>
        <section class="panel"><h2>${t("work.history")}</h2><div id="alert-history-list"></div></section>`;
    },
    init(id) {
      const path = `/api/v1/alerts/${encodeURIComponent(id)}`;
      const act = async (step, body) => {
        const error = document.getElementById("alert-error");
        error.textContent = "";
        try {
          render(await send("POST", `${path}/${step}`, body));
          return true;
        } catch (e) {
          if (!(e instanceof E.Unauthorized)) error.textContent = e.message;
          return false;
        }
      };
      document.getElementById("alert-acknowledge").addEventListener("click", () => act("acknowledge", {}));
      document.getElementById("alert-resolve").addEventListener("click", async () => {
        const text = document.getElementById("alert-comment").value.trim();
        if (await act("resolve", text ? { text } : {})) document.getElementById("alert-comment").value = "";
      });
      document.getElementById("alert-assign-form").addEventListener("submit", e => {
        e.preventDefault();
        act("assign", { user: document.getElementById("alert-assignee").value.trim() });
      });
      document.getElementById("alert-comment-form").addEventListener("submit", async e => {
        e.preventDefault();
        if (await act("comments", { text: document.getElementById("alert-comment").value.trim() })) document.getElementById("alert-comment").value = "";
      });
    },
    async load(id) {
      render(await api(`/api/v1/alerts/${encodeURIComponent(id)}`));
    },
  };

  function render(detail) {
    const a = detail.alert;
    const open = !a.resolvedAt;
    const body = document.getElementById("alert-body");
    body.dataset.open = String(open);
    body.dataset.acknowledged = String(!!a.acknowledgedBy);
    body.innerHTML = `<div class="cards">
        <div class="card"><div class="l">${t("col.kind")}</div><div class="n">${E.kindLabel(a)}</div><div class="l">${esc(t("severity." + a.severity))}</div></div>
        <div class="card"><div class="l">${t("col.status")}</div><div class="n" id="alert-state">${open ? E.badge("bad", t("alerts.stillOpen")) : E.badge("ok", t("work.resolved"))}</div>
          <div class="l">${esc(E.formatTime(a.openedAt))}${a.resolvedAt ? " → " + esc(E.formatTime(a.resolvedAt)) : ""}</div></div>
        <div class="card"><div class="l">${t("col.device")}</div><div class="n">${a.deviceId ? `<a href="#/device/${encodeURIComponent(a.deviceId)}">${esc(a.deviceId)}</a>` : "—"}</div>
          <div class="l">${esc(a.centre ?? t("overview.unassigned"))} · ${t("col.counter")} ${esc(a.counter ?? "—")}</div></div>
        <div class="card"><div class="l">${t("work.holder")}</div><div class="n" id="alert-holder">${esc(a.assignedTo ?? a.acknowledgedBy ?? "—")}</div>
          <div class="l">${a.acknowledgedBy ? esc(t("work.acknowledgedBy", a.acknowledgedBy)) : ""}${a.resolvedBy ? " · " + esc(t("work.resolvedBy", a.resolvedBy)) : ""}</div></div>
      </div>
      <p class="muted" data-detail>${esc(E.alertDetail(a))}${a.reopens ? ` · <a href="#/alert/${encodeURIComponent(a.reopens)}">${esc(t("work.reopens"))}</a>` : ""}</p>`;
    document.getElementById("alert-acknowledge").disabled = !open || !!a.acknowledgedBy;
    document.getElementById("alert-resolve").disabled = !open;
    document.getElementById("alert-assign").disabled = !open;
    const history = detail.history || [];
    document.getElementById("alert-history-list").innerHTML = history.length === 0 ? `<p class="empty">${t("work.noHistory")}</p>` :
      `<table id="alert-history-table"><thead><tr><th>${t("col.time")}</th><th>${t("work.who")}</th><th>${t("work.what")}</th><th>${t("col.detail")}</th></tr></thead>
      <tbody>${history.map(h => `<tr data-action="${esc(h.action)}"><td>${esc(E.formatTime(h.at))}</td><td>${esc(h.actor)}</td>
        <td>${esc(t("action." + h.action))}</td><td class="wrap">${esc(h.detail ?? "")}</td></tr>`).join("")}</tbody></table>`;
  }

  return [{ pattern: /^\/alert\/(.+)$/, name: "alert", page }];
});
