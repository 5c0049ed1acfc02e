// Centre reports: GET /api/v1/reports/{centre}?period=&from= (figures) and .../charts/{chart} (server-drawn SVG);
// the PDF and XLSX are download links. Signed in through the dashboard (session cookie). Texts from i18n.js.
(function () {
  "use strict";
  const ZONE = "Asia/Ho_Chi_Minh";
  const CHARTS = ["satisfaction", "heatmap", "availability"];
  let lang = localStorage.getItem("edge.lang") || "vi";
  const form = document.getElementById("pick");
  const fields = { centre: document.getElementById("centre"), period: document.getElementById("period"), from: document.getElementById("from") };

  function t(key) {
    return (EDGE_TEXTS[lang] && EDGE_TEXTS[lang][key]) ?? EDGE_TEXTS.en[key] ?? key;
  }

  function esc(value) {
    return String(value ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  function percent(share) { return share === null || share === undefined ? "—" : (share * 100).toFixed(1) + " %"; }
  function minutes(seconds) { return seconds === null || seconds === undefined ? "—" : (seconds / 60).toFixed(1); }

  function translate() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-t]").forEach(el => { el.textContent = t(el.dataset.t); });
    document.getElementById("lang").textContent = t("lang.switch");
    document.getElementById("lang").setAttribute("aria-label", t("lang.label"));
  }

  function url(path, format) {
    const q = new URLSearchParams({ period: fields.period.value });
    if (fields.from.value) q.set("from", fields.from.value);
    if (format) q.set("format", format);
    return `/api/v1/reports/${encodeURIComponent(fields.centre.value)}${path}?${q}`;
  }

  async function show() {
    const error = document.getElementById("error");
    const response = await fetch(url(""), { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) {
      error.textContent = response.status === 401 ? t("rep.signIn") : ((await response.json().catch(() => ({}))).detail || response.status);
      return;
    }

    error.textContent = "";
    const r = await response.json();
    document.getElementById("heading").textContent = `${r.centre} · ${r.fromDay} → ${r.toDay}`;
    document.getElementById("downloads").innerHTML = ["pdf", "xlsx", "json"]
      .map(f => `<a href="${esc(url("", f))}" download>${f.toUpperCase()}</a>`).join(" · ");
    const figures = [
      ["rep.ratings", r.satisfaction.total.total], ["rep.index", percent(r.satisfaction.total.index)], ["rep.target", percent(r.satisfaction.target)],
      ["rep.issued", r.tickets.all.issued], ["rep.served", r.tickets.all.served], ["rep.waitAvg", minutes(r.tickets.all.waitAvgS)],
      ["rep.waitP95", minutes(r.tickets.all.waitP95S)], ["rep.availability", percent(r.availability.share)], ["rep.alerts", r.alerts.all.opened],
    ];
    document.getElementById("figures").innerHTML = figures.map(([k, v]) => `<dt>${esc(t(k))}</dt><dd data-figure="${esc(k)}">${esc(v)}</dd>`).join("");
    // The charts are drawn by the fleet (the same drawing as in the PDF) and shown as images with their titles.
    document.getElementById("charts").innerHTML = CHARTS
      .map(c => `<figure><img src="${esc(url("/charts/" + c))}" alt="${esc(t("rep.chart." + c))}" style="max-width:100%;height:auto"></figure>`).join("");
  }

  const params = new URLSearchParams(location.search);
  fields.centre.value = params.get("centre") || fields.centre.value;
  fields.period.value = params.get("period") === "month" ? "month" : "week";
  fields.from.value = params.get("from") || "";
  fields.from.max = new Intl.DateTimeFormat("en-CA", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  document.getElementById("lang").addEventListener("click", () => {
    lang = lang === "vi" ? "en" : "vi";
    localStorage.setItem("edge.lang", lang);
    translate();
    show();
  });
  form.addEventListener("submit", e => { e.preventDefault(); show(); });
  translate();
  show();
})();
