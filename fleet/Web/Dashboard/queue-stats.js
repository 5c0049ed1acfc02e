// Queue statistics over a date range: GET /api/v1/stats/queue?centre=&from=&to= (signed in through the dashboard).
(function () {
  "use strict";
  const ZONE = "Asia/Ho_Chi_Minh";
  const form = document.getElementById("range");
  const fields = { centre: document.getElementById("centre"), from: document.getElementById("from"), to: document.getElementById("to") };
  const columns = [
    ["key", ""], ["issued", "Phát / issued"], ["priority", "Ưu tiên / priority"], ["served", "Phục vụ / served"], ["skipped", "Vắng / skipped"],
    ["waiting", "Đang chờ / waiting"], ["transferred", "Chuyển / transferred"], ["waitAvgS", "Chờ TB (phút) / wait avg (min)"],
    ["waitMaxS", "Chờ tối đa (phút) / wait max (min)"], ["serviceAvgS", "Phục vụ TB (phút) / service avg (min)"], ["satisfactionIndex", "Hài lòng / satisfied"],
  ];

  function esc(value) {
    return String(value ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  function cell(name, value) {
    if (value === null || value === undefined) return "—";
    if (name.endsWith("S")) return (value / 60).toFixed(1);
    if (name === "satisfactionIndex") return (value * 100).toFixed(1) + " %";
    return esc(value);
  }

  function table(title, groups) {
    const head = columns.map(([, label]) => `<th>${esc(label)}</th>`).join("");
    const rows = groups.map(g => `<tr>${columns.map(([name]) => `<td class="${name === "key" ? "" : "num"}">${cell(name, g[name])}</td>`).join("")}</tr>`).join("");
    return `<section class="panel"><h2>${esc(title)}</h2><table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></section>`;
  }

  function query(format) {
    const q = new URLSearchParams({ centre: fields.centre.value, from: fields.from.value, to: fields.to.value });
    if (format) q.set("format", format);
    return "/api/v1/stats/queue?" + q;
  }

  async function show() {
    document.getElementById("csv").href = query("csv");
    const response = await fetch(query(), { credentials: "same-origin", headers: { Accept: "application/json" } });
    const error = document.getElementById("error");
    if (!response.ok) {
      error.textContent = response.status === 401 ? "Đăng nhập ở bảng điều khiển trước / sign in on the dashboard first" : ((await response.json().catch(() => ({}))).detail || response.status);
      return;
    }

    error.textContent = "";
    const s = await response.json();
    document.getElementById("tables").innerHTML = [
      table("Trung tâm / centre " + s.centre + " · " + s.from + " → " + s.to, [{ ...s.all, key: s.centre }]),
      table("Lĩnh vực / field", s.byField), table("Quầy / counter", s.byCounter), table("Ngày / day", s.byDay),
    ].join("");
  }

  const today = new Intl.DateTimeFormat("en-CA", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  const params = new URLSearchParams(location.search);
  fields.centre.value = params.get("centre") || fields.centre.value;
  fields.from.value = params.get("from") || today;
  fields.to.value = params.get("to") || today;
  form.addEventListener("submit", e => { e.preventDefault(); show(); });
  show();
})();
