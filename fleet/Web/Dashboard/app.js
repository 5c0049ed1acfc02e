// Edge dashboard: hash routes (#/, #/alerts, #/satisfaction here; the technicians' pages register theirs through
// window.EDGE_PAGES before this script runs: device.js, enrol.js, alert-work.js, admin.js), polling the REST API every 2 s.
(function () {
  "use strict";
  const REFRESH_MS = 2000;
  const ZONE = "Asia/Ho_Chi_Minh";
  const view = document.getElementById("view");
  const live = document.getElementById("live");
  const login = document.getElementById("login");
  let lang = localStorage.getItem("edge.lang") || "vi";
  let route = null;
  let busy = false;

  function t(key, ...args) {
    const text = (EDGE_TEXTS[lang] && EDGE_TEXTS[lang][key]) ?? EDGE_TEXTS.en[key] ?? key;
    return text.replace(/\{(\d)\}/g, (_, i) => args[Number(i)]);
  }

  function esc(value) {
    return String(value ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  function locale() { return lang === "vi" ? "vi-VN" : "en-GB"; }

  function formatTime(iso) {
    if (!iso) return t("never");
    return new Intl.DateTimeFormat(locale(), { timeZone: ZONE, dateStyle: "short", timeStyle: "medium" }).format(new Date(iso));
  }

  function ago(iso) {
    if (!iso) return t("never");
    const s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
    if (s < 90) return t("ago.s", s);
    if (s < 5400) return t("ago.m", Math.round(s / 60));
    if (s < 172800) return t("ago.h", Math.round(s / 3600));
    return t("ago.d", Math.round(s / 86400));
  }

  function duration(fromIso, toIso) {
    const s = Math.round(((toIso ? new Date(toIso) : new Date()) - new Date(fromIso)) / 1000);
    if (s < 120) return s + " s";
    if (s < 7200) return Math.round(s / 60) + " min";
    return (s / 3600).toFixed(1) + " h";
  }

  function number(n, digits) {
    if (n === null || n === undefined) return "—";
    return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits ?? 0 }).format(n);
  }

  function percent(share) {
    return share === null || share === undefined ? "—" : new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 1 }).format(share);
  }

  function localDate(date) {
    return new Intl.DateTimeFormat("en-CA", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(date);
  }

  class Unauthorized extends Error {}

  async function api(path) {
    const response = await fetch(path, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.status === 401) throw new Unauthorized();
    if (!response.ok) throw new Error(path + ": " + response.status);
    return response.json();
  }

  // A change (POST, PUT, DELETE) with a JSON body; the answer's JSON (null when empty), or an Error carrying the
  // problem's detail (every 4xx of the API is application/problem+json) and its status.
  async function send(method, path, body) {
    const response = await fetch(path, {
      method, credentials: "same-origin",
      headers: body === undefined ? { Accept: "application/json" } : { Accept: "application/json", "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401) { login.hidden = false; throw new Unauthorized(); }
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    if (!response.ok) {
      const error = new Error((json && (json.detail || json.error || json.title)) || (path + ": " + response.status));
      error.status = response.status;
      throw error;
    }
    return json;
  }

  function badge(cls, text, attrs) {
    return `<span class="badge ${cls}" ${attrs || ""}>${esc(text)}</span>`;
  }

  function statusBadge(device) {
    return device.online
      ? badge("ok", t("status.online"), 'data-status="online"')
      : badge("bad", t("status.offline"), `data-status="offline" title="${esc(t("reason." + device.reason))}"`);
  }

  function printerBadge(state) {
    if (!state) return `<span class="muted" data-printer="">${t("printer.none")}</span>`;
    const cls = state === "ok" ? "ok" : state === "paper-near-end" || state === "unknown" ? "warn" : "bad";
    return badge(cls, t("printer." + state), `data-printer="${esc(state)}"`);
  }

  // An alert's detail in the page's language from its kind and parameters (detail.{kind} texts with {name} holes); the
  // fleet's English sentence for alerts opened before it kept parameters, or a kind without a text.
  function alertDetail(alert) {
    const template = alert.parameters && EDGE_TEXTS[lang] && EDGE_TEXTS[lang]["detail." + alert.kind];
    if (!template) return alert.detail ?? "";
    const p = alert.parameters;
    const shown = {
      ...p,
      since: p.since ? formatTime(p.since) : "—",
      reason: p.reason ? t("reason." + p.reason) : "",
      state: p.state ? t("printer." + p.state) : "",
    };
    for (const name of ["events", "oldestMinutes", "uptimeMinutes", "freeMb", "missing", "upTo"]) {
      if (p[name] !== undefined) shown[name] = number(Number(p[name]));
    }
    if (p.hours !== undefined) shown.hours = number(Number(p.hours), 2);
    return template.replace(/\{([a-zA-Z]+)\}/g, (_, name) => shown[name] ?? "");
  }

  function kindLabel(alert) {
    return badge(alert.severity === "critical" ? "bad" : "warn", t("kind." + alert.kind), `data-kind="${esc(alert.kind)}"`);
  }

  // ---- overview ----------------------------------------------------------------------------------------------
  const overview = {
    skeleton() {
      return `<h1>${t("overview.title")}</h1><div id="overview-cards" class="cards"></div><div id="centres"></div>`;
    },
    async load() {
      const [devices, alerts] = await Promise.all([api("/api/v1/health"), api("/api/v1/alerts?days=1&limit=1")]);
      const openByDevice = {};
      for (const a of alerts.open) if (a.deviceId) openByDevice[a.deviceId] = (openByDevice[a.deviceId] || 0) + 1;
      const online = devices.filter(d => d.online).length;
      document.getElementById("overview-cards").innerHTML = [
        [devices.length, t("overview.devices"), "devices"], [online, t("overview.online"), "online"],
        [devices.length - online, t("overview.offline"), "offline"], [alerts.open.length, t("overview.alerts"), "alerts"],
      ].map(([n, l, id]) => `<div class="card" id="card-${id}"><div class="n">${number(n)}</div><div class="l">${esc(l)}</div></div>`).join("");

      const centres = {};
      for (const d of devices) (centres[d.centre || ""] ||= []).push(d);
      const names = Object.keys(centres).sort((a, b) => (a === "") - (b === "") || a.localeCompare(b));
      // The queue of the day per centre (only centres with a kiosk's tickets show a line).
      const queues = {};
      await Promise.all(names.filter(n => n !== "").map(async n => {
        try { queues[n] = await api("/api/v1/stats/queue?centre=" + encodeURIComponent(n)); } catch (e) { if (e instanceof Unauthorized) throw e; }
      }));
      const queueLine = name => {
        const q = queues[name];
        if (!q || q.all.issued === 0) return "";
        const a = q.all;
        return `<p class="queue-today" data-queue-centre="${esc(name)}">${esc(t("queue.today", q.day))}: ` +
          `${esc(t("queue.issued"))} <b data-q="issued">${number(a.issued)}</b> · ${esc(t("queue.called"))} <b data-q="called">${number(a.called)}</b> · ` +
          `${esc(t("queue.served"))} <b data-q="served">${number(a.served)}</b> · ${esc(t("queue.waiting"))} <b data-q="waiting">${number(a.waiting)}</b> · ` +
          `${esc(t("queue.waitAvg"))} ${a.waitAvgS === null || a.waitAvgS === undefined ? "—" : number(a.waitAvgS) + " s"} · ` +
          `${esc(t("queue.ratings"))} <b data-q="ratings">${number(a.ratings)}</b>${a.satisfactionIndex === null || a.satisfactionIndex === undefined ? "" : " (" + percent(a.satisfactionIndex) + ")"}</p>`;
      };
      document.getElementById("centres").innerHTML = names.length === 0
        ? `<section class="panel empty">${t("overview.none")}</section>`
        : names.map(name => `
          <section class="panel centre" data-centre="${esc(name)}">
            <h2>${esc(name || t("overview.unassigned"))} <span class="muted">· ${centres[name].filter(d => d.online).length}/${centres[name].length}</span></h2>
            ${queueLine(name)}
            <table><thead><tr>
              <th>${t("col.device")}</th><th>${t("col.counter")}</th><th>${t("col.status")}</th><th>${t("col.lastSeen")}</th>
              <th class="num">${t("col.outbox")}</th><th class="num">${t("col.oldest")}</th><th>${t("col.printer")}</th><th>${t("col.clock")}</th><th class="num">${t("col.alerts")}</th>
            </tr></thead><tbody>
            ${centres[name].map(d => `
              <tr data-device="${esc(d.id)}" data-online="${d.online}">
                <td><a href="#/device/${encodeURIComponent(d.id)}">${esc(d.id)}</a></td>
                <td>${esc(d.counter ?? "—")}</td>
                <td class="status">${statusBadge(d)}</td>
                <td title="${esc(formatTime(d.lastSeen))}">${esc(ago(d.lastSeen))}</td>
                <td class="num" data-col="outbox">${number(d.outboxDepth)}</td>
                <td class="num">${d.oldestUnackedAgeS ? number(d.oldestUnackedAgeS) + " s" : "—"}</td>
                <td class="printer">${printerBadge(d.printer)}</td>
                <td>${d.clockSynced === null || d.clockSynced === undefined ? "—" : d.clockSynced ? badge("ok", t("clock.synced")) : badge("warn", t("clock.unsynced"))}</td>
                <td class="num">${openByDevice[d.id] ? badge("bad", openByDevice[d.id]) : "0"}</td>
              </tr>`).join("")}
            </tbody></table>
          </section>`).join("");
    },
  };

  function sparkline(values) {
    if (values.length < 2) return `<p class="empty">—</p>`;
    const max = Math.max(1, ...values), w = 600, h = 80;
    const points = values.map((v, i) => `${(i / (values.length - 1) * w).toFixed(1)},${(h - v / max * (h - 6) - 3).toFixed(1)}`).join(" ");
    return `<svg class="spark" viewBox="0 0 ${w} ${h}" preserveAspectRatio="none"><polyline fill="none" stroke="#0b5cad" stroke-width="2" points="${points}"/></svg>
      <div class="muted">max ${number(max)}</div>`;
  }

  // ---- alerts ------------------------------------------------------------------------------------------------
  const alerts = {
    skeleton() {
      return `<h1>${t("alerts.title")}</h1>
        <section class="panel"><h2>${t("alerts.open")}</h2><div id="open-alerts"></div></section>
        <section class="panel"><h2>${t("alerts.history")}</h2><div id="alert-history"></div></section>`;
    },
    async load() {
      const list = await api("/api/v1/alerts?days=7&limit=500");
      document.getElementById("open-alerts").innerHTML = alertTable(list.open, false);
      document.getElementById("alert-history").innerHTML = alertTable(list.history, true);
    },
  };

  function alertTable(items, withResolution) {
    if (items.length === 0) return `<p class="empty">${t("alerts.none")}</p>`;
    return `<table><thead><tr><th>${t("col.kind")}</th><th>${t("col.device")}</th><th>${t("col.counter")}</th><th>${t("overview.centre")}</th>
      <th>${t("col.detail")}</th><th>${t("col.opened")}</th>${withResolution ? `<th>${t("col.resolved")}</th>` : ""}<th class="num">${t("col.duration")}</th><th>${t("work.state")}</th></tr></thead>
      <tbody>${items.map(a => `<tr class="alert" data-alert-id="${esc(a.id)}" data-alert-kind="${esc(a.kind)}" data-device="${esc(a.deviceId ?? "")}" data-open="${!a.resolvedAt}">
        <td><a href="#/alert/${encodeURIComponent(a.id)}" title="${esc(t("work.open"))}">${kindLabel(a)}</a></td>
        <td>${a.deviceId ? `<a href="#/device/${encodeURIComponent(a.deviceId)}">${esc(a.deviceId)}</a>` : "—"}</td>
        <td>${esc(a.counter ?? "—")}</td><td>${esc(a.centre ?? t("overview.unassigned"))}</td>
        <td class="muted wrap" data-detail>${esc(alertDetail(a))}</td><td>${esc(formatTime(a.openedAt))}</td>
        ${withResolution ? `<td>${a.resolvedAt ? esc(formatTime(a.resolvedAt)) : badge("bad", t("alerts.stillOpen"))}</td>` : ""}
        <td class="num">${duration(a.openedAt, a.resolvedAt)}</td>
        <td class="muted">${a.assignedTo ? esc(t("work.assignedTo", a.assignedTo)) : a.acknowledgedBy ? esc(t("work.acknowledgedBy", a.acknowledgedBy)) : ""}</td></tr>`).join("")}</tbody></table>`;
  }

  // ---- satisfaction ------------------------------------------------------------------------------------------
  const satisfaction = {
    skeleton() {
      const today = new Date();
      const weekAgo = new Date(today.getTime() - 6 * 86400000);
      const saved = JSON.parse(sessionStorage.getItem("edge.sat") || "null") || { from: localDate(weekAgo), to: localDate(today), groupBy: "counter" };
      return `<h1>${t("sat.title")}</h1>
        <form class="filters" id="sat-filters" onsubmit="return false">
          <label>${t("sat.from")}<input type="date" id="from" value="${esc(saved.from)}"></label>
          <label>${t("sat.to")}<input type="date" id="to" value="${esc(saved.to)}"></label>
          <label>${t("sat.groupBy")}<select id="group-by">
            ${["counter", "field", "day"].map(g => `<option value="${g}" ${saved.groupBy === g ? "selected" : ""}>${t("sat.by." + g)}</option>`).join("")}
          </select></label>
          <a id="csv" href="#" download>${t("sat.csv")}</a>
        </form>
        <div id="sat-cards" class="cards"></div>
        <section class="panel"><h2>${t("sat.chart")}</h2><div id="sat-chart"></div></section>
        <section class="panel"><div id="sat-table"></div></section>`;
    },
    query() {
      const q = { from: document.getElementById("from").value, to: document.getElementById("to").value, groupBy: document.getElementById("group-by").value };
      sessionStorage.setItem("edge.sat", JSON.stringify(q));
      return new URLSearchParams(q).toString();
    },
    async load() {
      const query = satisfaction.query();
      document.getElementById("csv").href = "/api/v1/stats/ratings/daily.csv?" + query;
      const data = await api("/api/v1/stats/ratings/daily?" + query);
      const levels = Object.keys(data.total.byLevel).sort((a, b) => b - a);
      document.getElementById("sat-cards").innerHTML = `
        <div class="card" id="sat-index"><div class="n" data-value="${data.total.index ?? ""}">${percent(data.total.index)}</div><div class="l">${t("col.index")}</div></div>
        <div class="card" id="sat-total"><div class="n" data-value="${data.total.total}">${number(data.total.total)}</div><div class="l">${t("col.total")}</div></div>
        ${levels.map(l => `<div class="card"><div class="n">${number(data.total.byLevel[l])}</div><div class="l">${esc(t("level." + l))}</div></div>`).join("")}`;
      const rows = data.groups.filter(g => data.groupBy === "day" || g.total > 0);
      document.getElementById("sat-chart").innerHTML = columnChart(rows, levels);
      document.getElementById("sat-table").innerHTML = data.total.total === 0 && data.groupBy !== "day"
        ? `<p class="empty">${t("sat.none")}</p>`
        : `<table id="satisfaction-table"><thead><tr><th>${t("sat.by." + data.groupBy)}</th><th class="num">${t("col.total")}</th>
            ${levels.map(l => `<th class="num">${esc(t("level." + l))}</th>`).join("")}<th>${t("col.index")}</th><th></th></tr></thead>
          <tbody>${rows.concat([{ ...data.total, key: null }]).map(g => `
            <tr data-key="${esc(g.key ?? "total")}" ${g.key === null ? 'class="total"' : ""}>
              <td>${g.key === null ? `<strong>${t("sat.total")}</strong>` : esc(g.key === "(none)" ? t("sat.noKey") : g.key)}</td>
              <td class="num" data-col="total" data-value="${g.total}">${number(g.total)}</td>
              ${levels.map(l => `<td class="num" data-col="level-${l}" data-value="${g.byLevel[l] ?? 0}">${number(g.byLevel[l] ?? 0)}</td>`).join("")}
              <td data-col="index" data-value="${g.index ?? ""}"><div class="bar ${g.index !== null && g.index < 0.9 ? "low" : ""}"><div style="width:${((g.index ?? 0) * 100).toFixed(1)}%"></div></div></td>
              <td class="num">${percent(g.index)}</td>
            </tr>`).join("")}</tbody></table>`;
    },
  };

  // Columns of the satisfaction index per group, each split by level (best on top), with the count below.
  const LEVEL_COLOURS = { 5: "#0f5f2c", 4: "#1b7f3b", 3: "#6cbf84", 2: "#f0b429", 1: "#d64545" };

  function columnChart(rows, levels) {
    if (rows.length === 0) return `<p class="empty">${t("sat.none")}</p>`;
    const h = 160, col = Math.max(18, Math.min(60, Math.floor(900 / rows.length) - 12)), gap = 12, w = rows.length * (col + gap) + 40;
    const bars = rows.map((g, i) => {
      const x = 40 + i * (col + gap);
      let y = h;
      const parts = levels.slice().reverse().map(l => {
        const n = g.byLevel[l] ?? 0, height = g.total ? n / g.total * h : 0;
        y -= height;
        return height > 0 ? `<rect x="${x}" y="${y.toFixed(1)}" width="${col}" height="${height.toFixed(1)}" fill="${LEVEL_COLOURS[l] || "#999"}"><title>${esc(t("level." + l))}: ${n}</title></rect>` : "";
      }).join("");
      const label = g.key === "(none)" ? t("sat.noKey") : String(g.key).replace(/^\d{4}-/, "");
      return `${parts}<text x="${x + col / 2}" y="${h + 14}" text-anchor="middle" font-size="11">${esc(label)}</text>
        <text x="${x + col / 2}" y="${h + 27}" text-anchor="middle" font-size="10" fill="#667585">${g.total ? percent(g.index) : "—"}</text>`;
    }).join("");
    const grid = [0, 0.5, 0.9, 1].map(p => `<line x1="36" x2="${w}" y1="${h - p * h}" y2="${h - p * h}" stroke="${p === 0.9 ? "#b42318" : "#dde3ea"}" stroke-dasharray="${p === 0.9 ? "4 3" : ""}"/>
      <text x="32" y="${h - p * h + 4}" text-anchor="end" font-size="10" fill="#667585">${p * 100}%</text>`).join("");
    const legend = levels.map(l => `<span class="legend"><i style="background:${LEVEL_COLOURS[l] || "#999"}"></i>${esc(t("level." + l))}</span>`).join("");
    return `<svg id="sat-columns" viewBox="0 -8 ${w} ${h + 40}" width="${w}" height="${h + 40}" role="img">${grid}${bars}</svg><div>${legend}</div>`;
  }

  // ---- shell -------------------------------------------------------------------------------------------------
  function parseRoute() {
    const hash = location.hash.replace(/^#/, "") || "/";
    for (const extra of extraRoutes) {
      const found = hash.match(extra.pattern);
      if (found) return { name: extra.name, page: extra.page, arg: found[1] === undefined ? undefined : decodeURIComponent(found[1]) };
    }
    if (hash === "/alerts") return { name: "alerts", page: alerts };
    if (hash === "/satisfaction") return { name: "satisfaction", page: satisfaction };
    return { name: "overview", page: overview };
  }

  function applyTexts() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-t]").forEach(el => { el.textContent = t(el.dataset.t); });
    document.getElementById("lang").textContent = t("lang.switch");
    document.getElementById("lang").setAttribute("aria-label", t("lang.label"));
  }

  function show() {
    route = parseRoute();
    document.querySelectorAll("nav a").forEach(a => a.classList.toggle("active", a.dataset.route === (route.page.nav || route.name)));
    view.innerHTML = route.page.skeleton(route.arg);
    view.dataset.page = route.name;
    delete view.dataset.loaded;
    if (route.page.init) route.page.init(route.arg);
    if (route.name === "satisfaction") {
      document.getElementById("sat-filters").addEventListener("change", refresh);
    }
    refresh();
  }

  async function refresh() {
    if (busy || !route) return;
    busy = true;
    const current = route;
    try {
      await current.page.load(current.arg);
      login.hidden = true;
      live.classList.remove("stale");
      live.textContent = t("live.updated", new Intl.DateTimeFormat(locale(), { timeZone: ZONE, timeStyle: "medium" }).format(new Date()));
      // A load of the page left meanwhile does not count as the new page's.
      if (route === current) view.dataset.loaded = String(Date.now());
    } catch (e) {
      if (e instanceof Unauthorized) {
        login.hidden = false;
      } else {
        live.classList.add("stale");
        live.textContent = t("live.failed");
        console.warn(e);
      }
    } finally {
      busy = false;
    }
  }

  login.addEventListener("submit", async e => {
    e.preventDefault();
    const response = await fetch("/api/v1/auth/login", {
      method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: document.getElementById("login-name").value, password: document.getElementById("login-password").value }),
    });
    if (response.ok) {
      document.getElementById("login-error").textContent = "";
      login.hidden = true;
      whoAmI();
      refresh();
    } else {
      document.getElementById("login-error").textContent = t("login.failed");
    }
  });

  document.getElementById("lang").addEventListener("click", () => {
    lang = lang === "vi" ? "en" : "vi";
    localStorage.setItem("edge.lang", lang);
    applyTexts();
    show();
  });

  // The signed-in user's role decides which links the navigation offers (the API still checks every call).
  async function whoAmI() {
    try { document.body.dataset.role = (await api("/api/v1/auth/me")).role; } catch { /* asked again after the login */ }
  }

  // Asks before something that cannot be undone (retire, replace, delete, revoke); resolves true on "yes".
  function confirmAction(text) {
    const dialog = document.getElementById("confirm");
    document.getElementById("confirm-text").textContent = text;
    return new Promise(resolve => {
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "yes"), { once: true });
      dialog.returnValue = "";
      dialog.showModal();
      document.getElementById("confirm-no").focus();
    });
  }

  // The technicians' pages: each script pushed a function that gets these helpers and answers its routes.
  const shared = { t, esc, api, send, badge, statusBadge, printerBadge, kindLabel, alertDetail, formatTime, ago, duration, number, percent, localDate, sparkline, alertTable,
    confirmAction, Unauthorized, refresh: () => refresh(), lang: () => lang };
  const extraRoutes = (window.EDGE_PAGES || []).flatMap(register => register(shared));

  window.addEventListener("hashchange", show);
  applyTexts();
  whoAmI();
  show();
  setInterval(refresh, REFRESH_MS);
})();
