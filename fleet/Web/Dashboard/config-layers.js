// The configuration layers below a device's own (#/config, #/config/{role|centre}/{name}): view and replace a role's
// or a centre's defaults (GET/PUT /api/v1/config/layers/{scope}/{name}, fleet/DeviceConfig). The page sends the JSON
// as typed; what the API refuses is shown as the API answers it (its sentence and every problem it lists).
(window.EDGE_PAGES = window.EDGE_PAGES || []).push(E => {
  "use strict";
  const { t, esc, api, send } = E;
  const ROLES = ["counter", "kiosk", "hall"];
  let current = null;

  function path(scope, name) {
    return `/api/v1/config/layers/${encodeURIComponent(scope)}/${encodeURIComponent(name)}`;
  }

  const page = {
    nav: "config",
    skeleton(arg) {
      const [scope, ...rest] = (arg || "role/counter").split("/");
      const name = rest.join("/");
      current = { scope: scope === "centre" ? "centre" : "role", name: name || (scope === "centre" ? "" : "counter"), loadedFor: null };
      return `<h1>${t("cfg.title")}</h1>
        <p class="muted">${t("cfg.explain")}</p>
        <form id="layer-pick" class="panel filters">
          <label>${t("cfg.scope")}<select id="layer-scope">
            <option value="role" ${current.scope === "role" ? "selected" : ""}>${t("cfg.scope.role")}</option>
            <option value="centre" ${current.scope === "centre" ? "selected" : ""}>${t("cfg.scope.centre")}</option></select></label>
          <label id="layer-role-label" ${current.scope === "role" ? "" : "hidden"}>${t("enrol.role")}<select id="layer-role">
            ${ROLES.map(r => `<option value="${r}" ${current.name === r ? "selected" : ""}>${esc(t("role." + r))}</option>`).join("")}</select></label>
          <label id="layer-centre-label" ${current.scope === "centre" ? "" : "hidden"}>${t("enrol.centre")}<input id="layer-centre" list="layer-centres"
            value="${current.scope === "centre" ? esc(current.name) : ""}" maxlength="64" autocomplete="off"><datalist id="layer-centres"></datalist></label>
          <button type="submit" id="layer-open">${t("cfg.open")}</button>
        </form>
        <section class="panel" id="layer-panel"><h2 id="layer-heading"></h2>
          <p id="layer-meta" class="muted"></p>
          <form id="layer-form">
            <label for="layer-settings">${t("cfg.settings")}</label>
            <textarea id="layer-settings" rows="8" spellcheck="false" style="width:100%;font:13px ui-monospace,monospace" placeholder='{"Rating:LockoutMs": 2000}'></textarea>
            <div class="buttons"><button type="submit" id="layer-save" class="primary">${t("cfg.save")}</button></div>
          </form>
          <div id="layer-result" role="status" aria-live="polite"></div>
        </section>`;
    },
    init() {
      const scope = document.getElementById("layer-scope");
      scope.addEventListener("change", () => {
        document.getElementById("layer-role-label").hidden = scope.value !== "role";
        document.getElementById("layer-centre-label").hidden = scope.value !== "centre";
      });
      document.getElementById("layer-pick").addEventListener("submit", e => {
        e.preventDefault();
        const name = scope.value === "role" ? document.getElementById("layer-role").value : document.getElementById("layer-centre").value.trim();
        if (name) location.hash = `#/config/${scope.value}/${encodeURIComponent(name)}`;
      });
      document.getElementById("layer-form").addEventListener("submit", e => { e.preventDefault(); save(); });
    },
    async load() {
      // The centres the fleet knows, for the centre field's suggestions (once).
      const list = document.getElementById("layer-centres");
      if (list && !list.dataset.filled) {
        const devices = await api("/api/v1/health");
        list.innerHTML = [...new Set(devices.map(d => d.centre).filter(Boolean))].sort().map(c => `<option value="${esc(c)}">`).join("");
        list.dataset.filled = "1";
      }
      if (!current.name) {
        document.getElementById("layer-heading").textContent = t("cfg.pick");
        return;
      }
      // The layer is read once per opening: polling would overwrite what the technician is typing.
      const key = current.scope + "/" + current.name;
      if (current.loadedFor === key) return;
      await read();
      current.loadedFor = key;
    },
  };

  async function read() {
    const heading = document.getElementById("layer-heading");
    heading.textContent = t("cfg.layerOf." + current.scope, current.scope === "role" ? t("role." + current.name) : current.name);
    const meta = document.getElementById("layer-meta");
    const editor = document.getElementById("layer-settings");
    const response = await fetch(path(current.scope, current.name), { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.status === 401) throw new E.Unauthorized();
    if (response.status === 404) {
      meta.innerHTML = `<span data-layer-state="none">${esc(t("cfg.none"))}</span>`;
      editor.value = "{}";
      return;
    }
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      meta.innerHTML = `<span class="error">${esc(problem.detail || response.status)}</span>`;
      return;
    }
    const layer = await response.json();
    meta.innerHTML = `<span data-layer-state="stored" data-revision="${esc(layer.revision)}">${esc(t("cfg.meta", layer.revision, layer.updatedBy, E.formatTime(layer.updatedAt)))}</span>`;
    editor.value = JSON.stringify(layer.settings, null, 1);
  }

  async function save() {
    const result = document.getElementById("layer-result");
    // An answer from an earlier save must not stand for this one while it runs.
    result.innerHTML = "";
    let settings;
    try {
      settings = JSON.parse(document.getElementById("layer-settings").value || "{}");
    } catch (e) {
      result.innerHTML = `<p class="error" data-result="not-json">${esc(t("dev.notJson", e.message))}</p>`;
      return;
    }
    const response = await fetch(path(current.scope, current.name), {
      method: "PUT", credentials: "same-origin",
      headers: { Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify({ settings }),
    });
    if (response.status === 401) { document.getElementById("login").hidden = false; return; }
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      // The API's own answer: its sentence and each problem it found.
      const problems = answer.problems || [];
      result.innerHTML = `<div class="error" data-result="refused" data-status="${response.status}"><p>${esc(answer.detail || answer.error || response.status)}</p>
        ${problems.length ? `<ul id="layer-problems">${problems.map(p => `<li>${esc(p)}</li>`).join("")}</ul>` : ""}</div>`;
      return;
    }
    result.innerHTML = `<p data-result="saved" data-revision="${esc(answer.revision)}">${esc(t("cfg.saved", answer.revision))}</p>`;
    // Read back what was stored and mark it loaded, so the next refresh does not read it again over new typing.
    await read();
    current.loadedFor = current.scope + "/" + current.name;
  }

  return [{ pattern: /^\/config(?:\/(.+))?$/, name: "config", page }];
});
