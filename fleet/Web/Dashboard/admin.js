// Administrators' pages: users and tokens with the audit trail (#/users), releases and rollouts (#/releases).
// The fleet lists no tokens (only their hashes are kept): a token is shown once when created here, and any token is
// revoked by its id (shown at creation, and in the audit trail as the target of token.revoked).
(window.EDGE_PAGES = window.EDGE_PAGES || []).push(E => {
  "use strict";
  const { t, esc, api, send } = E;
  const created = [];

  const users = {
    skeleton() {
      return `<h1>${t("users.title")}</h1>
        <section class="panel"><h2>${t("users.list")}</h2><div id="user-list"></div></section>
        <section class="panel"><h2>${t("users.create")}</h2>
          <form id="user-form" class="filters">
            <label>${t("users.name")}<input id="user-name" required maxlength="64" autocomplete="off"></label>
            <label>${t("users.role")}<select id="user-role">${["manager", "technician", "administrator", "province-officer", "national-viewer"].map(r => `<option value="${r}">${esc(t("urole." + r))}</option>`).join("")}</select></label>
            <label>${t("users.centres")}<input id="user-centres" placeholder="hcc-1, hcc-2" autocomplete="off"></label>
            <label>${t("users.provinces")}<input id="user-provinces" placeholder="01, 24" autocomplete="off"></label>
            <label>${t("users.password")}<input id="user-password" type="password" minlength="12" autocomplete="new-password"></label>
            <label>${t("users.email")}<input id="user-email" type="email" autocomplete="off"></label>
            <button type="submit" class="primary">${t("users.save")}</button>
          </form>
          <p id="user-error" class="error" role="alert"></p>
        </section>
        <section class="panel"><h2>${t("tokens.title")}</h2>
          <form id="token-form" class="filters">
            <label>${t("tokens.name")}<input id="token-name" required maxlength="64" autocomplete="off"></label>
            <button type="submit" id="token-create">${t("tokens.create")}</button>
          </form>
          <div id="token-new" aria-live="polite"></div>
          <form id="revoke-form" class="filters">
            <label>${t("tokens.id")}<input id="revoke-id" required autocomplete="off"></label>
            <button type="submit" id="revoke-submit" class="danger">${t("tokens.revoke")}</button>
          </form>
          <p id="token-error" class="error" role="alert"></p>
          <div id="token-list"></div>
        </section>
        <section class="panel"><h2>${t("audit.title")}</h2><div id="audit-list"></div></section>`;
    },
    init() {
      const form = (id, run, errorId) => document.getElementById(id).addEventListener("submit", async e => {
        e.preventDefault();
        const error = document.getElementById(errorId);
        error.textContent = "";
        try { await run(); E.refresh(); } catch (ex) { if (!(ex instanceof E.Unauthorized)) error.textContent = ex.message; }
      });
      const value = id => document.getElementById(id).value.trim();
      form("user-form", async () => {
        const centres = value("user-centres").split(",").map(c => c.trim()).filter(c => c);
        const provinces = value("user-provinces").split(",").map(c => c.trim()).filter(c => c);
        const body = { name: value("user-name"), role: value("user-role"), centres, provinces };
        if (value("user-password")) body.password = document.getElementById("user-password").value;
        if (value("user-email")) body.email = value("user-email");
        await send("POST", "/api/v1/users", body);
        document.getElementById("user-form").reset();
      }, "user-error");
      form("token-form", async () => {
        const token = await send("POST", "/api/v1/auth/tokens", { name: value("token-name") });
        created.unshift(token);
        document.getElementById("token-new").innerHTML = `<p>${esc(t("tokens.once"))}</p><pre class="log" id="token-secret">${esc(token.token)}</pre>
          <p class="muted">${esc(t("tokens.idIs"))} <code id="token-id">${esc(token.id)}</code></p>`;
        document.getElementById("token-form").reset();
      }, "token-error");
      form("revoke-form", async () => {
        const id = value("revoke-id");
        if (await E.confirmAction(t("tokens.revokeConfirm", id))) {
          await send("DELETE", `/api/v1/tokens/${encodeURIComponent(id)}`);
          const known = created.find(c => c.id === id);
          if (known) known.revoked = true;
          document.getElementById("revoke-form").reset();
        }
      }, "token-error");
      document.getElementById("user-list").addEventListener("click", async e => {
        const name = e.target.closest("button[data-delete-user]")?.dataset.deleteUser;
        if (!name || !await E.confirmAction(t("users.deleteConfirm", name))) return;
        try { await send("DELETE", `/api/v1/users/${encodeURIComponent(name)}`); E.refresh(); } catch (ex) { document.getElementById("user-error").textContent = ex.message; }
      });
      document.getElementById("token-list").addEventListener("click", e => {
        const id = e.target.closest("button[data-revoke]")?.dataset.revoke;
        if (!id) return;
        document.getElementById("revoke-id").value = id;
        document.getElementById("revoke-form").requestSubmit();
      });
    },
    async load() {
      const [list, audit] = await Promise.all([api("/api/v1/users"), api("/api/v1/audit?limit=50")]);
      document.getElementById("user-list").innerHTML = `<table id="users-table"><thead><tr><th>${t("users.name")}</th><th>${t("users.role")}</th><th>${t("users.centres")}</th><th>${t("users.email")}</th><th></th></tr></thead>
        <tbody>${list.map(u => `<tr data-user="${esc(u.name)}"><td>${esc(u.name)}</td><td>${esc(t("urole." + u.role))}</td><td>${esc(u.centres.join(", ") || "—")}</td>
          <td>${esc(u.email ?? "")}</td><td><button type="button" class="danger" data-delete-user="${esc(u.name)}">${t("users.delete")}</button></td></tr>`).join("")}</tbody></table>`;
      document.getElementById("token-list").innerHTML = created.length === 0 ? "" :
        `<table id="tokens-table"><thead><tr><th>${t("tokens.name")}</th><th>${t("tokens.id")}</th><th>${t("col.status")}</th><th></th></tr></thead>
        <tbody>${created.map(c => `<tr data-token-id="${esc(c.id)}" data-revoked="${!!c.revoked}"><td>${esc(c.name)}</td><td><code>${esc(c.id)}</code></td>
          <td>${c.revoked ? E.badge("bad", t("tokens.revoked")) : E.badge("ok", t("tokens.active"))}</td>
          <td>${c.revoked ? "" : `<button type="button" class="danger" data-revoke="${esc(c.id)}">${t("tokens.revoke")}</button>`}</td></tr>`).join("")}</tbody></table>`;
      document.getElementById("audit-list").innerHTML = auditTable(audit);
    },
  };

  // An audit action in words (audit.{action}); alert work as "alert." + the work's action; unknown ones as the fleet names them.
  function auditAction(action) {
    const key = action.startsWith("alert.") && t("action." + action.slice(6)) !== "action." + action.slice(6) ? "action." + action.slice(6) : "audit." + action;
    const text = t(key);
    return text === key ? action : text;
  }

  function auditTable(entries) {
    return `<table id="audit-table"><thead><tr><th>${t("col.time")}</th><th>${t("work.who")}</th><th>${t("work.what")}</th><th>${t("audit.target")}</th><th>${t("col.detail")}</th></tr></thead>
      <tbody>${entries.map(a => `<tr data-audit-action="${esc(a.action)}" class="${a.success === false ? "failed" : ""}"><td>${esc(E.formatTime(a.at))}</td><td>${esc(a.actor)}</td>
        <td title="${esc(a.action)}">${esc(auditAction(a.action))}${a.success === false ? " " + E.badge("bad", t("audit.refused")) : ""}</td><td>${esc(a.subject ?? "")}</td><td class="muted wrap">${esc(a.detail ?? "")}</td></tr>`).join("")}</tbody></table>`;
  }

  const releases = {
    skeleton() {
      return `<h1>${t("rel.title")}</h1>
        <section class="panel"><h2>${t("rel.upload")}</h2>
          <form id="release-form" class="filters">
            <label>${t("rel.manifest")}<input id="release-manifest" type="file" accept=".json" required></label>
            <label>${t("rel.signature")}<input id="release-signature" type="file" required></label>
            <label>${t("rel.archive")}<input id="release-archive" type="file" required></label>
            <button type="submit" class="primary">${t("rel.send")}</button>
          </form>
          <p id="release-error" class="error" role="alert"></p>
        </section>
        <section class="panel"><h2>${t("rel.list")}</h2><div id="release-list"></div></section>
        <section class="panel"><h2>${t("rel.start")}</h2>
          <form id="rollout-form" class="filters">
            <label>${t("rel.version")}<input id="rollout-version" required autocomplete="off"></label>
            <label class="grow">${t("rel.devices")}<input id="rollout-devices" required placeholder="counter-1, counter-2" autocomplete="off"></label>
            <label>${t("rel.canary")}<input id="rollout-canary" autocomplete="off"></label>
            <label>${t("rel.percents")}<input id="rollout-percents" placeholder="10, 50, 100" autocomplete="off"></label>
            <button type="submit" class="primary">${t("rel.startButton")}</button>
          </form>
          <p id="rollout-error" class="error" role="alert"></p>
        </section>
        <section class="panel"><h2>${t("rel.rollouts")}</h2><div id="rollout-list"></div></section>`;
    },
    init() {
      const list = id => document.getElementById(id).value.split(",").map(v => v.trim()).filter(v => v);
      document.getElementById("release-form").addEventListener("submit", async e => {
        e.preventDefault();
        const data = new FormData();
        data.append("manifest", document.getElementById("release-manifest").files[0]);
        data.append("signature", document.getElementById("release-signature").files[0]);
        data.append("archive", document.getElementById("release-archive").files[0]);
        const response = await fetch("/api/v1/releases", { method: "POST", credentials: "same-origin", body: data });
        const answer = await response.json().catch(() => ({}));
        document.getElementById("release-error").textContent = response.ok ? "" : (answer.detail || answer.error || response.status);
        if (response.ok) { document.getElementById("release-form").reset(); E.refresh(); }
      });
      document.getElementById("rollout-form").addEventListener("submit", async e => {
        e.preventDefault();
        const error = document.getElementById("rollout-error");
        error.textContent = "";
        const body = { version: document.getElementById("rollout-version").value.trim(), devices: list("rollout-devices") };
        if (list("rollout-canary").length) body.canary = list("rollout-canary");
        if (list("rollout-percents").length) body.percents = list("rollout-percents").map(Number);
        try { await send("POST", "/api/v1/rollouts", body); E.refresh(); } catch (ex) { if (!(ex instanceof E.Unauthorized)) error.textContent = ex.message; }
      });
      document.getElementById("rollout-list").addEventListener("click", async e => {
        const id = e.target.closest("button[data-halt]")?.dataset.halt;
        if (!id || !await E.confirmAction(t("rel.haltConfirm", id))) return;
        try { await send("POST", `/api/v1/rollouts/${encodeURIComponent(id)}/halt`, {}); E.refresh(); } catch (ex) { document.getElementById("rollout-error").textContent = ex.message; }
      });
    },
    async load() {
      const [list, rollouts] = await Promise.all([api("/api/v1/releases"), api("/api/v1/rollouts")]);
      document.getElementById("release-list").innerHTML = list.length === 0 ? `<p class="empty">${t("rel.none")}</p>` :
        `<table><thead><tr><th>${t("rel.version")}</th><th class="num">${t("rel.size")}</th><th>SHA-256</th><th>${t("rel.uploaded")}</th></tr></thead>
        <tbody>${list.map(r => `<tr data-release="${esc(r.version)}"><td>${esc(r.version)}</td><td class="num">${E.number(r.size)}</td><td><code>${esc(r.sha256.slice(0, 16))}…</code></td>
          <td>${esc(E.formatTime(r.uploadedAt))}</td></tr>`).join("")}</tbody></table>`;
      const items = Array.isArray(rollouts) ? rollouts : (rollouts.rollouts || []);
      document.getElementById("rollout-list").innerHTML = items.length === 0 ? `<p class="empty">${t("rel.noRollouts")}</p>` : items.map(r => `
        <div class="rollout" data-rollout="${esc(r.id)}" data-status="${esc(r.status)}">
          <h3>${esc(r.version)} · ${E.badge(r.status === "completed" ? "ok" : r.status === "active" ? "warn" : "bad", t("rstatus." + r.status))}
            <span class="muted">${esc(t("rel.stage", r.currentStage + 1, r.stages))} · ${esc(r.createdBy)} · ${esc(E.formatTime(r.createdAt))}</span>
            ${r.status === "active" ? `<button type="button" class="danger" data-halt="${esc(r.id)}">${t("rel.halt")}</button>` : ""}</h3>
          ${r.reason ? `<p class="muted">${esc(r.reason)}</p>` : ""}
          <table><thead><tr><th>${t("col.device")}</th><th class="num">${t("rel.stageCol")}</th><th>${t("col.status")}</th><th>${t("rel.host")}</th><th>${t("col.detail")}</th></tr></thead>
          <tbody>${(r.devices || []).map(d => `<tr data-device="${esc(d.deviceId)}" data-state="${esc(d.state)}"><td>${esc(d.deviceId)}</td><td class="num">${d.stage + 1}</td>
            <td>${esc(targetState(d.state))}</td><td>${esc(d.hostVersion ?? "—")}</td><td class="muted wrap">${esc(d.reason ?? "")}</td></tr>`).join("")}</tbody></table>
        </div>`).join("");
    },
  };

  // A device's state in a rollout in words; a state this page does not know yet is shown as the fleet names it.
  function targetState(state) {
    const words = t("utarget." + state);
    return words === "utarget." + state ? state : words;
  }

  return [
    { pattern: /^\/users$/, name: "users", page: users },
    { pattern: /^\/releases$/, name: "releases", page: releases },
  ];
});
