// The public board: reads /public/api/... (the same path after /public) every refreshSeconds and shows it.
// Vietnamese first; the English choice is kept in this browser (localStorage). Aggregate figures only.
(() => {
  "use strict";
  const texts = {
    vi: {
      title: "Kết quả phục vụ", today: "Hôm nay", served: "Hồ sơ đã phục vụ", wait: "Thời gian chờ trung bình",
      index: "Mức độ hài lòng", ratings: "lượt đánh giá", week: "7 ngày qua", day: "Ngày", servedShort: "Đã phục vụ",
      waitShort: "Chờ TB", indexShort: "Hài lòng", centres: "Các trung tâm", centre: "Trung tâm", updated: "Cập nhật lúc",
      note: "Số liệu tổng hợp, tự động cập nhật.", province: "Tỉnh/thành phố", minutes: "phút", none: "–",
      error: "Chưa lấy được số liệu, sẽ thử lại.", switchTo: "English",
    },
    en: {
      title: "Service results", today: "Today", served: "Tickets served", wait: "Average waiting time",
      index: "Satisfaction", ratings: "ratings", week: "Last 7 days", day: "Day", servedShort: "Served",
      waitShort: "Avg wait", indexShort: "Satisfied", centres: "Centres", centre: "Centre", updated: "Updated at",
      note: "Aggregate figures, refreshed automatically.", province: "Province", minutes: "min", none: "–",
      error: "The figures could not be fetched; trying again.", switchTo: "Tiếng Việt",
    },
  };
  const locales = { vi: "vi-VN", en: "en-GB" };
  let lang = localStorage.getItem("edge-board-lang") === "en" ? "en" : "vi";
  let board = null;
  const api = "/public/api" + location.pathname.replace(/^\/public/, "").replace(/\/$/, "");
  const $ = id => document.getElementById(id);
  const t = key => texts[lang][key];
  const esc = s => String(s).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const number = (n, digits = 0) => n === null || n === undefined ? t("none")
    : Number(n).toLocaleString(locales[lang], { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const minutes = s => s === null || s === undefined ? t("none") : `${number(s / 60, 1)} ${t("minutes")}`;
  const percent = x => x === null || x === undefined ? t("none") : `${number(x * 100, 1)} %`;
  const date = d => new Date(d + "T00:00:00").toLocaleDateString(locales[lang], { weekday: "short", day: "numeric", month: "numeric" });

  // The index with the number of ratings it rests on ("71,4 % · 7 lượt đánh giá").
  function bar(index, ratings) {
    const width = index === null || index === undefined ? 0 : Math.round(index * 1000) / 10;
    return `<td class="bar" data-value="${index ?? ""}" data-ratings="${ratings}"><div><span class="${index !== null && index < 0.9 ? "low" : ""}" style="width:${width}%"></span></div>`
      + `<em>${percent(index)} · ${number(ratings)} ${t("ratings")}</em></td>`;
  }

  function row(label, d, attributes) {
    return `<tr ${attributes}><td>${esc(label)}</td><td class="num" data-value="${d.ticketsServed}">${number(d.ticketsServed)}</td>`
      + `<td class="num" data-value="${d.averageWaitSeconds ?? ""}">${minutes(d.averageWaitSeconds)}</td>${bar(d.satisfactionIndex, d.ratings)}</tr>`;
  }

  function render() {
    document.documentElement.lang = lang;
    document.title = board ? `${board.name} · ${t("title")}` : t("title");
    document.querySelectorAll("[data-t]").forEach(e => { e.textContent = t(e.dataset.t); });
    $("lang").textContent = t("switchTo");
    $("lang").lang = lang === "vi" ? "en" : "vi";
    if (!board) return;
    $("name").textContent = board.name;
    $("place").textContent = board.kind === "centre" ? (board.provinceName ?? "") : t("province");
    $("day").textContent = date(board.day);
    $("day").dateTime = board.day;
    const today = board.today;
    const figures = {
      ticketsServed: [today.ticketsServed, number(today.ticketsServed)],
      averageWaitSeconds: [today.averageWaitSeconds, minutes(today.averageWaitSeconds)],
      satisfactionIndex: [today.satisfactionIndex, percent(today.satisfactionIndex)],
      ratings: [today.ratings, number(today.ratings)],
    };
    document.querySelectorAll("[data-figure]").forEach(e => {
      const [value, text] = figures[e.dataset.figure];
      e.dataset.value = value ?? "";
      e.textContent = text;
    });
    $("week").tBodies[0].innerHTML = board.week.slice().reverse().map(d => row(date(d.date), d, `data-date="${d.date}"`)).join("");
    $("centres-section").hidden = !board.centres;
    if (board.centres) {
      $("centres").tBodies[0].innerHTML = board.centres.map(c => row(c.name, c.today, `data-centre="${esc(c.id)}"`)).join("");
    }

    $("updated").textContent = new Date(board.generatedAt).toLocaleTimeString(locales[lang]);
    $("updated").dateTime = board.generatedAt;
  }

  async function refresh() {
    let wait = 30;
    try {
      const response = await fetch(api, { cache: "no-cache" });
      if (response.status === 404) {
        location.reload();
        return;
      }

      if (!response.ok) throw new Error(String(response.status));
      board = await response.json();
      wait = Math.max(15, board.refreshSeconds);
      $("error").textContent = "";
      document.body.dataset.loaded = "true";
    } catch {
      $("error").textContent = t("error");
    }

    render();
    setTimeout(refresh, wait * 1000);
  }

  $("lang").addEventListener("click", () => {
    lang = lang === "vi" ? "en" : "vi";
    localStorage.setItem("edge-board-lang", lang);
    render();
  });
  render();
  refresh();
})();
