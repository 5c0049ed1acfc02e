// The device page (#/device/{id}): status and heartbeats, the technician's commands (identify, test print, display
// test, restart, log on demand) with their state from the command history, the configuration layers with drift, its
// open alerts (in the page's language), its counter's ratings today and over 7 days by level, and replace or retire
// after a confirmation.
// What it fetches every 2 s is only what changes that fast: the device's summary and its newest heartbeat
// (health/{id}?limit=1, about 1 kB). The 120-heartbeat chart, configuration, open alerts and ratings every 15 s
// (every 3 s while the configuration drifts); commands every 2 s while one is waiting, else every 10 s.
(window.EDGE_PAGES = window.EDGE_PAGES || []).push(E => {
  "use strict";
  const { t, esc, api, send } = E;
  const ACTIONS = ["identify", "test-print", "display-test", "restart"];
  const HEAVY_MS = 15000, IDLE_COMMANDS_MS = 10000;
  let state = { id: null, heavyAt: 0, commandsAt: 0, waiting: false, logCommand: null };

  // The text of a key, or the fleet's own word when the page has none for it.
  function known(key, word) {
    const text = t(key);
    return text === key ? word : text;
  }

  function commandState(c) {
    const cls = c.state === "succeeded" ? "ok" : c.state === "pending" || c.state === "running" ? "warn" : "bad";
    return E.badge(cls, t("cmdstate." + c.state), `data-state="${esc(c.state)}"`);
  }

  const page = {
    nav: "overview",
    skeleton(id) {
      return `<p><a href="#/">${t("device.back")}</a></p><h1>${esc(t("device.title", id))}</h1>
        <div id="device-body"><p class="empty">…</p></div>
        <section class="panel"><h2>${t("dev.alerts")}</h2><div id="device-alerts"></div></section>
        <section class="panel"><h2>${t("dev.ratings")}</h2><div id="device-ratings"></div></section>
        <section class="panel" id="device-actions"><h2>${t("dev.actions")}</h2>
          <div class="buttons">
            ${ACTIONS.map(k => `<button type="button" data-command="${k}">${esc(t("cmd." + k))}</button>`).join("")}
            <button type="button" data-command="log-tail">${esc(t("cmd.log-tail"))}</button>
            <span class="spacer"></span>
            <button type="button" id="device-replace" class="danger">${t("dev.replace")}</button>
            <button type="button" id="device-retire" class="danger">${t("dev.retire")}</button>
          </div>
          <p id="command-status" class="muted" role="status" aria-live="polite"></p>
          <div id="device-successor"></div>
        </section>
        <section class="panel"><h2>${t("dev.log")}</h2><pre id="device-log" class="log" tabindex="0">${esc(t("dev.logHint"))}</pre></section>
        <section class="panel"><h2>${t("dev.commands")}</h2><div id="device-commands"></div></section>
        <section class="panel"><h2>${t("dev.config")}</h2><div id="device-config"></div>
          <p id="device-layers" class="muted"></p>
          <form id="config-form" class="filters">
            <label class="grow">${t("dev.ownLayer")}<textarea id="config-settings" rows="3" spellcheck="false" placeholder='{"Rating:LockoutMs": 2000}'></textarea></label>
            <button type="submit" id="config-save">${t("dev.saveConfig")}</button>
          </form>
          <p id="config-result" class="muted" role="status"></p>
        </section>
        <div id="device-heartbeats"></div>`;
    },
    init(id) {
      state = { id, heavyAt: 0, commandsAt: 0, waiting: false, logCommand: null };
      document.querySelectorAll("#device-actions [data-command]").forEach(b => b.addEventListener("click", () => sendCommand(id, b.dataset.command)));
      document.getElementById("device-retire").addEventListener("click", () => retire(id));
      document.getElementById("device-replace").addEventListener("click", () => replace(id));
      document.getElementById("config-form").addEventListener("submit", e => { e.preventDefault(); saveConfig(id); });
    },
    async load(id) {
      const now = Date.now();
      // Health first: the alerts and ratings below need the device's centre and counter. The heartbeat history only
      // with the slower round.
      const slow = now - state.heavyAt >= HEAVY_MS;
      await health(id, slow || !state.device);
      const jobs = [];
      if (state.waiting || now - state.commandsAt >= IDLE_COMMANDS_MS) jobs.push(commands(id));
      if (state.device && now - state.heavyAt >= HEAVY_MS) { state.heavyAt = now; jobs.push(heavy(id)); }
      await Promise.all(jobs);
    },
  };

  async function sendCommand(id, kind) {
    const status = document.getElementById("command-status");
    try {
      const command = await send("POST", `/api/v1/devices/${encodeURIComponent(id)}/commands`, { kind });
      status.innerHTML = `${esc(t("cmd." + kind))}: ${commandState(command)}`;
      status.dataset.commandId = command.id;
      if (kind === "log-tail") state.logCommand = command.id;
      state.waiting = true;
      await commands(id);
    } catch (e) {
      if (e instanceof E.Unauthorized) return;
      status.innerHTML = `<span class="error" data-state="refused">${esc(t("cmd." + kind))}: ${esc(e.message)}</span>`;
    }
  }

  async function retire(id) {
    if (!await E.confirmAction(t("dev.retireConfirm", id))) return;
    const status = document.getElementById("command-status");
    try {
      const device = await send("POST", `/api/v1/devices/${encodeURIComponent(id)}/retire`);
      status.innerHTML = `<span data-retired="${esc(device.status)}">${esc(t("dev.retired", id))}</span>`;
    } catch (e) {
      status.innerHTML = `<span class="error">${esc(e.message)}</span>`;
    }
  }

  async function replace(id) {
    if (!await E.confirmAction(t("dev.replaceConfirm", id))) return;
    const target = document.getElementById("device-successor");
    try {
      const enrolment = await send("POST", `/api/v1/devices/${encodeURIComponent(id)}/replace`);
      target.innerHTML = await window.EDGE_LABEL(E, enrolment);
    } catch (e) {
      target.innerHTML = `<p class="error">${esc(e.message)}</p>`;
    }
  }

  // The device's own layer (the top one): the whole set of its settings, as JSON; the layers below stay as they are.
  async function saveConfig(id) {
    const result = document.getElementById("config-result");
    let settings;
    try {
      settings = JSON.parse(document.getElementById("config-settings").value || "{}");
    } catch (e) {
      result.innerHTML = `<span class="error">${esc(t("dev.notJson", e.message))}</span>`;
      return;
    }
    try {
      const layer = await send("PUT", `/api/v1/devices/${encodeURIComponent(id)}/config`, { settings });
      result.innerHTML = `<span data-saved="${esc(layer.revision)}">${esc(t("dev.configSaved", layer.revision))}</span>`;
      state.heavyAt = 0;
    } catch (e) {
      if (!(e instanceof E.Unauthorized)) result.innerHTML = `<span class="error">${esc(e.message)}</span>`;
    }
  }

  async function health(id, withHistory) {
    let detail;
    try {
      detail = await api(`/api/v1/health/${encodeURIComponent(id)}?limit=${withHistory ? 120 : 1}`);
    } catch (e) {
      if (e instanceof E.Unauthorized) throw e;
      document.getElementById("device-body").innerHTML = `<p class="empty">${t("device.notFound")}</p>`;
      return;
    }
    state.device = detail.device;
    const d = detail.device, r = detail.latest || {};
    cards(d, r);
    if (withHistory) heartbeats(detail.history);
  }

  function cards(d, r) {
    const n = E.number;
    document.getElementById("device-body").innerHTML = `
      <div class="cards">
        <div class="card"><div class="l">${t("col.status")}</div><div class="n">${E.statusBadge(d)}</div><div class="l">${esc(t("reason." + d.reason))} · ${esc(E.ago(d.lastSeen))}</div></div>
        <div class="card"><div class="l">${t("col.outbox")}</div><div class="n">${n(r.outboxDepth)}</div><div class="l">${t("col.oldest")}: ${n(r.oldestUnackedAgeS, 1)} s · ${t("col.drain")}: ${n(r.drainRatePerS, 1)}/s</div></div>
        <div class="card"><div class="l">${t("col.printer")}</div><div class="n">${E.printerBadge(d.printer)}</div></div>
        <div class="card"><div class="l">${t("col.clock")}</div><div class="n">${r.clockSynced ? E.badge("ok", t("clock.synced")) : E.badge("warn", t("clock.unsynced"))}</div></div>
        <div class="card"><div class="l">${t("col.disk")}</div><div class="n">${n(r.diskFreeMb)} MB</div><div class="l">${t("col.load")}: ${n(r.load1, 2)} · ${t("col.temp")}: ${r.cpuTempC ? n(r.cpuTempC, 1) + " °C" : "—"}</div></div>
        <div class="card"><div class="l">${t("col.counter")}</div><div class="n">${esc(d.counter ?? "—")}</div><div class="l">${esc(d.centre ?? "")} · ${esc(r.hostVersion ?? "")}</div></div>
      </div>
      <section class="panel"><h2>${t("device.peripherals")}</h2>
        ${Object.entries(d.peripherals || {}).map(([k, v]) => `<span class="badge ${v === "ok" ? "ok" : "warn"}" style="margin-right:6px">${esc(known("peripheral." + k, k))}: ${esc(known((k === "printer" ? "printer." : "peripheral.state.") + v, v))}</span>`).join("") || "—"}
      </section>`;
  }

  function heartbeats(list) {
    const n = E.number;
    const history = list.slice().reverse();
    document.getElementById("device-heartbeats").innerHTML = `
      <section class="panel"><h2>${t("device.outboxChart")}</h2>${E.sparkline(history.map(p => p.report.outboxDepth))}</section>
      <details class="panel"><summary><h2>${t("device.history")}</h2></summary>
        <table id="health-history"><thead><tr><th>${t("col.time")}</th><th class="num">${t("col.uptime")}</th><th class="num">${t("col.outbox")}</th>
          <th class="num">${t("col.oldest")}</th><th class="num">${t("col.load")}</th><th class="num">${t("col.disk")}</th><th>${t("col.printer")}</th><th>${t("col.clock")}</th></tr></thead>
        <tbody>${list.slice(0, 60).map(p => `<tr>
          <td>${esc(E.formatTime(p.receivedAt))}</td><td class="num">${n(p.report.uptimeS)} s</td><td class="num">${n(p.report.outboxDepth)}</td>
          <td class="num">${n(p.report.oldestUnackedAgeS, 1)} s</td><td class="num">${n(p.report.load1, 2)}</td><td class="num">${n(p.report.diskFreeMb)} MB</td>
          <td>${E.printerBadge(p.report.peripherals && p.report.peripherals.printer)}</td><td>${p.report.clockSynced ? t("clock.synced") : t("clock.unsynced")}</td></tr>`).join("")}</tbody></table>
      </details>`;
    const open = document.querySelector("#device-heartbeats details");
    if (open && sessionStorage.getItem("edge.hb") === "1") open.open = true;
    if (open) open.addEventListener("toggle", () => sessionStorage.setItem("edge.hb", open.open ? "1" : "0"));
  }

  async function commands(id) {
    state.commandsAt = Date.now();
    let list;
    try {
      list = await api(`/api/v1/devices/${encodeURIComponent(id)}/commands?limit=20`);
    } catch (e) {
      if (e instanceof E.Unauthorized) throw e;
      return;
    }
    state.waiting = list.some(c => c.state === "pending" || c.state === "running");
    const status = document.getElementById("command-status");
    const shown = list.find(c => c.id === status.dataset.commandId);
    if (shown) status.innerHTML = `${esc(t("cmd." + shown.kind))}: ${commandState(shown)} <span class="muted">${shown.kind === "log-tail" ? "" : esc(shown.detail ?? "")}</span>`;
    const log = list.find(c => c.id === state.logCommand);
    const text = !log || log.state === "pending" || log.state === "running" ? null
      : log.state === "succeeded" ? log.detail ?? "" : `${t("cmdstate." + log.state)}: ${log.detail ?? ""}`;
    const pre = document.getElementById("device-log");
    if (text !== null && pre.textContent !== text) {
      // Set once per answer (not at every poll), scrolled to the newest line.
      pre.textContent = text;
      pre.scrollTop = pre.scrollHeight;
    }
    document.getElementById("device-commands").innerHTML = list.length === 0 ? `<p class="empty">${t("dev.noCommands")}</p>` :
      `<table id="command-history"><thead><tr><th>${t("col.time")}</th><th>${t("dev.command")}</th><th>${t("col.status")}</th><th>${t("dev.by")}</th><th>${t("col.detail")}</th></tr></thead>
      <tbody>${list.map(c => `<tr data-command-id="${esc(c.id)}" data-kind="${esc(c.kind)}" data-state="${esc(c.state)}">
        <td>${esc(E.formatTime(c.issuedAt))}</td><td>${esc(t("cmd." + c.kind))}</td><td>${commandState(c)}</td><td>${esc(c.issuedBy)}</td>
        <td class="muted wrap">${c.kind === "log-tail" && c.state === "succeeded" ? esc(t("dev.logLines", (c.detail || "").split("\n").length)) : esc(c.detail ?? "")}</td></tr>`).join("")}</tbody></table>`;
  }

  async function heavy(id) {
    const d = state.device || {};
    const today = E.localDate(new Date()), weekStart = E.localDate(new Date(Date.now() - 6 * 86400000));
    const ratingsOf = (from, to) => d.counter && d.centre
      ? api(`/api/v1/stats/ratings?centre=${encodeURIComponent(d.centre)}&counter=${encodeURIComponent(d.counter)}&from=${from}&to=${to}`).catch(e => { if (e instanceof E.Unauthorized) throw e; return null; })
      : Promise.resolve(null);
    // The open alerts come whole whatever the history's length: ask for one day and one line of history.
    const [config, alerts, ratingsToday, ratingsWeek] = await Promise.all([
      api(`/api/v1/devices/${encodeURIComponent(id)}/config`).catch(e => { if (e instanceof E.Unauthorized) throw e; return null; }),
      api(`/api/v1/alerts?days=1&limit=1${d.centre ? "&centre=" + encodeURIComponent(d.centre) : ""}`).catch(e => { if (e instanceof E.Unauthorized) throw e; return null; }),
      ratingsOf(today, today), ratingsOf(weekStart, today),
    ]);
    const mine = alerts ? alerts.open.filter(a => a.deviceId === id || (a.counter && a.counter === d.counter && a.centre === d.centre && !a.deviceId)) : [];
    document.getElementById("device-alerts").innerHTML = alertsView(mine);
    document.getElementById("device-ratings").innerHTML = ratingsView(ratingsToday, ratingsWeek, d.counter);
    document.getElementById("device-config").innerHTML = configView(config);
    const role = config && config.role, centre = (config && config.centre) || d.centre;
    document.getElementById("device-layers").innerHTML = `${esc(t("dev.layers"))} ` + [
      role ? `<a href="#/config/role/${encodeURIComponent(role)}" data-layer-link="role">${esc(t("cfg.layerOf.role", t("role." + role)))}</a>` : "",
      centre ? `<a href="#/config/centre/${encodeURIComponent(centre)}" data-layer-link="centre">${esc(t("cfg.layerOf.centre", centre))}</a>` : "",
    ].filter(Boolean).join(" · ");
    // While the device has not caught up, look again in 3 s rather than 15.
    if (config && config.drift) state.heavyAt = Date.now() - HEAVY_MS + 3000;
    const own = config && (config.layers || []).find(l => l.id === "device:" + id);
    const editor = document.getElementById("config-settings");
    if (own && !editor.value && document.activeElement !== editor) editor.value = JSON.stringify(own.settings, null, 1);
  }

  // The device's open alerts, without the columns the page already says (device, counter, centre).
  function alertsView(list) {
    if (list.length === 0) return `<p class="empty">${t("alerts.none")}</p>`;
    return `<table><thead><tr><th>${t("col.kind")}</th><th>${t("col.detail")}</th><th>${t("col.opened")}</th><th>${t("work.state")}</th></tr></thead>
      <tbody>${list.map(a => `<tr class="alert" data-alert-id="${esc(a.id)}" data-alert-kind="${esc(a.kind)}" data-device="${esc(a.deviceId ?? "")}">
        <td><a href="#/alert/${encodeURIComponent(a.id)}" title="${esc(t("work.open"))}">${E.kindLabel(a)}</a></td>
        <td class="wrap" data-detail>${esc(E.alertDetail(a))}</td><td>${esc(E.formatTime(a.openedAt))} <span class="muted">(${E.duration(a.openedAt)})</span></td>
        <td class="muted">${a.assignedTo ? esc(t("work.assignedTo", a.assignedTo)) : a.acknowledgedBy ? esc(t("work.acknowledgedBy", a.acknowledgedBy)) : ""}</td></tr>`).join("")}</tbody></table>`;
  }

  // Today's and the last 7 days' ratings of the device's counter: the satisfaction index, the total and each level.
  function ratingsView(today, week, counter) {
    if (!counter) return `<p class="empty">${t("dev.noCounter")}</p>`;
    if (!today && !week) return `<p class="empty">—</p>`;
    const levels = [4, 3, 2, 1];
    const row = (name, r) => `<tr data-period="${name}"><th scope="row">${t("dev.ratings." + name)}</th>
      <td class="num" data-value="${r ? r.total : ""}">${r ? E.number(r.total) : "—"}</td>
      <td class="num">${r ? E.percent(r.index) : "—"}</td>
      ${levels.map(l => `<td class="num" data-level="${l}">${r ? E.number(r.byLevel[l] ?? 0) : "—"}</td>`).join("")}</tr>`;
    return `<table id="device-rating-table"><thead><tr><th></th><th class="num">${t("col.total")}</th><th class="num">${t("col.index")}</th>
      ${levels.map(l => `<th class="num">${esc(t("level." + l))}</th>`).join("")}</tr></thead>
      <tbody>${row("today", today)}${row("week", week)}</tbody></table>`;
  }

  function configView(c) {
    if (!c) return `<p class="empty">—</p>`;
    const layers = (c.layers || []).map(l => `<tr><td>${esc(l.id)}</td><td class="num">${E.number(l.revision)}</td><td>${esc(l.updatedBy)}</td>
      <td><code>${esc(JSON.stringify(l.settings))}</code></td></tr>`).join("");
    return `<p data-drift="${c.drift}">${c.drift ? E.badge("warn", t("dev.drift")) : E.badge("ok", t("dev.inSync"))} <span class="muted">${esc(c.status)}</span></p>
      ${layers ? `<table><thead><tr><th>${t("dev.layer")}</th><th class="num">${t("dev.revision")}</th><th>${t("dev.by")}</th><th>${t("dev.settings")}</th></tr></thead><tbody>${layers}</tbody></table>` : `<p class="empty">${t("dev.noLayers")}</p>`}
      ${c.reported ? `<p class="muted">${esc(t("dev.reported", c.reported.appliedVersion, c.reported.state))}</p>` : ""}`;
  }

  return [{ pattern: /^\/device\/(.+)$/, name: "device", page }];
});
