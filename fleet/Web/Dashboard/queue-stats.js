// Queue statistics over a date range: GET /api/v1/stats/queue?centre=&from=&to= (signed in through the dashboard).
// Texts from i18n.js (qs.*), Vietnamese first; the language button is the dashboard's (saved as edge.lang).
(function () {
  "use strict";
  const ZONE = "Asia/Ho_Chi_Minh";
  const form = document.getElementById("range");
  const fields = { centre: document.getElementById("centre"), from: document.getElementById("from"), to: document.getElementById("to") };
  const columns = ["key", "issued", "priority", "served", "skipped", "waiting", "transferred", "waitAvgS", "waitMaxS", "serviceAvgS", "satisfactionIndex"];
  let lang = localStorage.getItem("edge.lang") || "vi";
  let shown = null;

  function t(key) {
    return (EDGE_TEXTS[lang] && EDGE_TEXTS[lang][key]) ?? EDGE_TEXTS.en[key] ?? key;
  }

  function esc(value) {
    return String(value ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  function translate() {
    document.documentElement.lang = lang;
    document.title = "Edge · " + t("qs.title").replace(/^·\s*/, "");
    document.querySelectorAll("[data-t]").forEach(el => { el.textContent = t(el.dataset.t); });
    document.getElementById("lang").textContent = t("lang.switch");
    document.getElementById("lang").setAttribute("aria-label", t("lang.label"));
  }

  function cell(name, value) {
    if (value === null || value === undefined) return "—";
    if (name.endsWith("S")) return (value / 60).toFixed(1);
    if (name === "satisfactionIndex") return (value * 100).toFixed(1) + " %";
    return esc(value);
  }

  // Each table scrolls sideways inside its own panel on a narrow screen; the page itself never does.
  function table(title, groups) {
    const head = columns.map(name => `<th scope="col" data-col="${name}" class="${name === "key" ? "" : "num"}">${name === "key" ? "" : esc(t("qs.col." + name))}</th>`).join("");
    const rows = groups.map(g => `<tr>${columns.map(name => `<td data-col="${name}" class="${name === "key" ? "" : "num"}">${cell(name, g[name])}</td>`).join("")}</tr>`).join("");
    return `<section class="panel"><h2>${esc(title)}</h2><div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div></section>`;
  }

  function query(format) {
    const q = new URLSearchParams({ centre: fields.centre.value, from: fields.from.value, to: fields.to.value });
    if (format) q.set("format", format);
    return "/api/v1/stats/queue?" + q;
  }

  function render() {
    const s = shown;
    if (!s) return;
    document.getElementById("tables").innerHTML = [
      table(`${t("overview.centre")} ${s.centre} · ${s.from} → ${s.to}`, [{ ...s.all, key: s.centre }]),
      table(t("sat.by.field"), s.byField), table(t("sat.by.counter"), s.byCounter), table(t("sat.by.day"), s.byDay),
    ].join("");
  }

  async function show() {
    document.getElementById("csv").href = query("csv");
    const response = await fetch(query(), { credentials: "same-origin", headers: { Accept: "application/json" } });
    const error = document.getElementById("error");
    if (!response.ok) {
      error.textContent = response.status === 401 ? t("rep.signIn") : ((await response.json().catch(() => ({}))).detail || response.status);
      return;
    }

    error.textContent = "";
    shown = await response.json();
    render();
  }

  const today = new Intl.DateTimeFormat("en-CA", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  const params = new URLSearchParams(location.search);
  fields.centre.value = params.get("centre") || fields.centre.value;
  fields.from.value = params.get("from") || today;
  fields.to.value = params.get("to") || today;
  document.getElementById("lang").addEventListener("click", () => {
    lang = lang === "vi" ? "en" : "vi";
    localStorage.setItem("edge.lang", lang);
    translate();
    render();
  });
  form.addEventListener("submit", e => { e.preventDefault(); show(); });
  translate();
  show();
})();
