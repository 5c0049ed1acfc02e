namespace Edge.Device.Hall;

/// <summary>
/// The hall screen: one self-contained page (no network beyond this device's loopback), read from /hall/state every
/// second. Large type for the latest call ("A012 → Quầy 3"), the calls before it, the number each counter serves and
/// the people waiting per field. When the device has lost the fleet, or the page the device, the last state stays on
/// screen and a small line at the bottom says since when.
/// </summary>
internal static class HallPage
{
    public const string Html = """
<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>Màn hình gọi số</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  html, body { margin: 0; height: 100%; background: #0b1f3a; color: #fff; font-family: "DejaVu Sans", sans-serif; overflow: hidden; }
  body { display: grid; grid-template-rows: auto 1fr auto; }
  header { padding: 1.2vh 3vw; font-size: 3vh; background: #08162a; display: flex; justify-content: space-between; }
  main { display: grid; grid-template-columns: 3fr 2fr; gap: 2vw; padding: 2vh 3vw; }
  #latest { font-size: 16vh; font-weight: bold; color: #ffd54a; line-height: 1.1; white-space: nowrap; }
  #latest .arrow { color: #fff; font-weight: normal; }
  #latest-field { font-size: 3.5vh; color: #cfd8e3; margin-bottom: 2vh; }
  h2 { font-size: 3.2vh; margin: 1.5vh 0 0.8vh; color: #9fb4cc; font-weight: normal; text-transform: uppercase; }
  ol, ul { list-style: none; margin: 0; padding: 0; }
  #calls li { font-size: 6vh; padding: 0.4vh 0; border-bottom: 1px solid #1f3658; white-space: nowrap; }
  #calls li.recall::after { content: " (gọi lại)"; font-size: 3vh; color: #9fb4cc; }
  table { border-collapse: collapse; width: 100%; font-size: 4.5vh; }
  td { padding: 0.5vh 0.5vw; border-bottom: 1px solid #1f3658; }
  td.n { text-align: right; font-weight: bold; color: #ffd54a; }
  footer { padding: 0.6vh 3vw; font-size: 1.8vh; color: #6f86a3; min-height: 2.4vh; }
</style>
</head>
<body>
<header><span id="centre">Trung tâm Hành chính công</span><span id="clock"></span></header>
<main>
  <section>
    <div id="latest">----</div>
    <div id="latest-field"></div>
    <h2>Số vừa gọi</h2>
    <ol id="calls"></ol>
  </section>
  <section>
    <h2>Đang phục vụ</h2>
    <table id="serving"></table>
    <h2>Đang chờ</h2>
    <table id="waiting"></table>
  </section>
</main>
<footer id="link"></footer>
<script>
  const el = id => document.getElementById(id);
  const time = iso => iso ? new Date(iso).toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit", second: "2-digit" }) : "";
  const row = (a, b) => { const tr = document.createElement("tr"); const x = document.createElement("td"); x.textContent = a;
    const y = document.createElement("td"); y.className = "n"; y.textContent = b; tr.append(x, y); return tr; };
  let last = null, failedSince = null;
  function show(state) {
    const board = state.board;
    if (board) {
      el("centre").textContent = "Trung tâm " + board.centre + " · " + board.day;
      const calls = board.calls.slice(0, state.callsShown);
      const latest = calls[0];
      el("latest").innerHTML = "";
      if (latest) {
        el("latest").append(latest.number, Object.assign(document.createElement("span"), { className: "arrow", textContent: " → " }), "Quầy " + latest.counter);
        el("latest-field").textContent = latest.field;
      } else { el("latest").textContent = "----"; el("latest-field").textContent = ""; }
      el("calls").replaceChildren(...calls.slice(1).map(c => Object.assign(document.createElement("li"),
        { className: c.recall ? "recall" : "", textContent: c.number + " → Quầy " + c.counter })));
      el("serving").replaceChildren(...board.serving.map(s => row("Quầy " + s.counter, s.number)));
      el("waiting").replaceChildren(...board.waiting.map(w => row(w.field, w.count)));
    }
    el("link").textContent = state.connected ? "" : "Mất kết nối với máy chủ · hiển thị dữ liệu lúc " + time(state.receivedAt);
  }
  async function poll() {
    try {
      const response = await fetch("/hall/state", { cache: "no-store" });
      last = await response.json(); failedSince = null; show(last);
    } catch (e) {
      failedSince = failedSince || new Date().toISOString();
      el("link").textContent = "Mất kết nối với thiết bị · hiển thị dữ liệu lúc " + time(last && last.receivedAt || failedSince);
    }
    el("clock").textContent = new Date().toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" });
  }
  poll(); setInterval(poll, 1000);
</script>
</body>
</html>
""";
}
