// Comparison of a province's centres or of the nation's provinces: GET /api/v1/comparison?province=&from=&to=,
// ranked by satisfaction index, the target drawn as a line on the bars and the rows below it listed. Signed in
// through the dashboard (session cookie); what the caller sees is scoped by the fleet, not here.
(function () {
  "use strict";
  const fields = ["province", "from", "to"].map(id => document.getElementById(id));
  const [province, from, to] = fields;

  function esc(value) {
    return String(value ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  function percent(share) { return share === null || share === undefined ? "—" : (share * 100).toFixed(1) + " %"; }
  function number(value, digits) { return value === null || value === undefined ? "—" : Number(value).toFixed(digits); }

  async function get(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) {
      throw new Error(response.status === 401 ? "Hãy đăng nhập ở bảng điều khiển / sign in on the dashboard"
        : ((await response.json().catch(() => ({}))).detail || String(response.status)));
    }
    return response.json();
  }

  // Horizontal bars of the index, best first, and the target as a vertical line.
  function chart(view) {
    const rowHeight = 26, left = 220, width = 520, height = view.rows.length * rowHeight + 30;
    const x = share => left + share * width;
    const bars = view.rows.map((r, i) => {
      const y = 10 + i * rowHeight;
      const share = r.index ?? 0;
      const colour = r.index === null ? "#bbb" : r.belowTarget ? "#c0392b" : "#2e7d32";
      return `<text x="${left - 8}" y="${y + 16}" text-anchor="end" font-size="13">${esc(r.rank + ". " + r.name)}</text>`
        + `<rect data-key="${esc(r.key)}" x="${left}" y="${y + 3}" width="${(share * width).toFixed(1)}" height="${rowHeight - 8}" fill="${colour}"></rect>`
        + `<text x="${x(share) + 6}" y="${y + 16}" font-size="12">${esc(percent(r.index))}</text>`;
    }).join("");
    const target = `<line id="target-line" x1="${x(view.target)}" x2="${x(view.target)}" y1="4" y2="${height - 18}" stroke="#1565c0" stroke-width="2" stroke-dasharray="5 3"></line>`
      + `<text x="${x(view.target)}" y="${height - 4}" text-anchor="middle" font-size="12" fill="#1565c0">${esc("chỉ tiêu / target " + percent(view.target))}</text>`;
    return `<svg role="img" aria-label="satisfaction index" width="${left + width + 80}" height="${height}">${bars}${target}</svg>`;
  }

  function table(view) {
    const heads = ["#", view.level === "centre" ? "Trung tâm / centre" : "Tỉnh / province", "Đánh giá / ratings", "Hài lòng / index",
      "Đánh giá mỗi giờ quầy / per counter-hour", "Chờ TB / wait avg (min)", "Chờ p95 / wait p95 (min)", "Thiết bị / device health", "Chỉ tiêu / target"];
    const rows = view.rows.map(r => `<tr data-key="${esc(r.key)}"${r.belowTarget ? ' class="below"' : ""}>`
      + `<td>${r.rank}</td><td>${esc(r.name)}</td><td data-c="ratings">${r.ratings}</td><td data-c="index">${esc(percent(r.index))}</td>`
      + `<td data-c="perHour">${esc(number(r.ratingsPerCounterHour, 2))}</td>`
      + `<td data-c="waitAvg">${esc(number(r.waitAvgS === null ? null : r.waitAvgS / 60, 1))}</td>`
      + `<td data-c="waitP95">${esc(number(r.waitP95S === null ? null : r.waitP95S / 60, 1))}</td>`
      + `<td data-c="health">${esc(percent(r.deviceHealth))}</td><td>${esc(percent(r.target))}</td></tr>`).join("");
    return `<thead><tr>${heads.map(h => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows}</tbody>`;
  }

  async function show() {
    const error = document.getElementById("error");
    const q = new URLSearchParams();
    fields.filter(f => f.value).forEach(f => q.set(f.name, f.value));
    history.replaceState(null, "", "?" + q);
    try {
      const view = await get("/api/v1/comparison?" + q);
      error.textContent = "";
      document.getElementById("heading").textContent =
        `${province.value ? province.options[province.selectedIndex].text : "Toàn quốc / nation"} · ${view.from} → ${view.to}`;
      document.getElementById("chart").innerHTML = chart(view);
      document.getElementById("ranking").innerHTML = table(view);
      const below = view.rows.filter(r => r.belowTarget);
      document.getElementById("breaches").innerHTML = below.length === 0 ? "<li>—</li>"
        : below.map(r => `<li data-key="${esc(r.key)}">${esc(r.name)}: ${esc(percent(r.index))} &lt; ${esc(percent(r.target))}</li>`).join("");
      document.body.dataset.loaded = "true";
    } catch (ex) {
      error.textContent = ex.message;
    }
  }

  async function start() {
    const params = new URLSearchParams(location.search);
    try {
      const provinces = await get("/api/v1/provinces");
      province.insertAdjacentHTML("beforeend", provinces
        .map(p => `<option value="${esc(p.code)}">${esc(p.name)} (${esc(p.code)})${p.centres ? "" : " ·"}</option>`).join(""));
    } catch (ex) {
      document.getElementById("error").textContent = ex.message;
    }
    fields.forEach(f => { if (params.get(f.name)) f.value = params.get(f.name); });
    document.getElementById("pick").addEventListener("submit", e => { e.preventDefault(); show(); });
    await show();
  }

  start();
})();
