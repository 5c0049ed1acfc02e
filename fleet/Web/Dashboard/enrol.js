// The enrol page (#/enrol): centre, counter, role and device id → the claim code big on screen and a printable label
// whose QR code carries the enrolment's edge-claim.txt (drawn by the fleet: POST /api/v1/enrolments/qr.svg).
// window.EDGE_LABEL also draws the label of a replacement's code on the device page.
(window.EDGE_PAGES = window.EDGE_PAGES || []).push(E => {
  "use strict";
  const { t, esc, api, send } = E;

  // The claim code, what it is for, the QR image and the claim file to download; printing shows only this label.
  window.EDGE_LABEL = async (helpers, enrolment) => {
    let qr = "";
    try {
      const response = await fetch("/api/v1/enrolments/qr.svg", {
        method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ claimFile: enrolment.claimFile }),
      });
      if (response.ok) qr = URL.createObjectURL(await response.blob());
    } catch { /* the code is shown all the same */ }
    const file = URL.createObjectURL(new Blob([enrolment.claimFile], { type: "text/plain" }));
    return `<div class="claim" id="claim">
      <p class="muted">${esc(helpers.t("enrol.codeFor", enrolment.centre, enrolment.counter, helpers.t("role." + enrolment.role)))}</p>
      <p class="claim-code" id="claim-code">${esc(enrolment.code)}</p>
      <p class="muted">${esc(helpers.t("enrol.validUntil", helpers.formatTime(enrolment.expiresAt)))}</p>
      <div class="print-label" id="claim-label">
        ${qr ? `<img id="claim-qr" src="${qr}" alt="${esc(helpers.t("enrol.qrAlt"))}">` : `<p class="error">${esc(helpers.t("enrol.noQr"))}</p>`}
        <div><div class="label-code">${esc(enrolment.code)}</div>
          <div>${esc(helpers.t("enrol.labelCentre"))}: <b>${esc(enrolment.centre)}</b></div>
          <div>${esc(helpers.t("enrol.labelCounter"))}: <b>${esc(enrolment.counter)}</b> (${esc(helpers.t("role." + enrolment.role))})</div>
          ${enrolment.deviceId ? `<div>${esc(helpers.t("enrol.labelDevice"))}: <b>${esc(enrolment.deviceId)}</b></div>` : ""}
          <div class="muted">${esc(helpers.t("enrol.validUntil", helpers.formatTime(enrolment.expiresAt)))}</div></div>
      </div>
      <div class="buttons">
        <button type="button" onclick="window.print()">${esc(helpers.t("enrol.print"))}</button>
        <a class="button" href="${file}" download="edge-claim.txt">${esc(helpers.t("enrol.download"))}</a>
      </div>
      <details><summary>edge-claim.txt</summary><pre id="claim-file" class="log">${esc(enrolment.claimFile)}</pre></details>
    </div>`;
  };

  const page = {
    skeleton() {
      return `<h1>${t("enrol.title")}</h1>
        <section class="panel">
          <form id="enrol-form" class="filters">
            <label>${t("enrol.centre")}<input id="enrol-centre" name="centre" required maxlength="32" pattern="[A-Za-z0-9_\\-]+" autocomplete="off"></label>
            <label>${t("enrol.counter")}<input id="enrol-counter" name="counter" required maxlength="32" pattern="[A-Za-z0-9_\\-]+" autocomplete="off"></label>
            <label>${t("enrol.role")}<select id="enrol-role" name="role">
              ${["counter", "kiosk", "hall"].map(r => `<option value="${r}">${esc(t("role." + r))}</option>`).join("")}</select></label>
            <label>${t("enrol.deviceId")}<input id="enrol-device" name="deviceId" maxlength="64" pattern="[A-Za-z0-9_\\-]*" placeholder="${esc(t("enrol.optional"))}" autocomplete="off"></label>
            <button id="enrol-submit" type="submit" class="primary">${t("enrol.submit")}</button>
          </form>
          <p id="enrol-error" class="error" role="alert"></p>
          <div id="enrol-result" aria-live="polite"></div>
        </section>
        <section class="panel"><h2>${t("enrol.open")}</h2><div id="enrol-open"></div></section>`;
    },
    init() {
      document.getElementById("enrol-form").addEventListener("submit", async e => {
        e.preventDefault();
        const value = id => document.getElementById(id).value.trim();
        const body = { centre: value("enrol-centre"), counter: value("enrol-counter"), role: value("enrol-role") };
        if (value("enrol-device")) body.deviceId = value("enrol-device");
        const error = document.getElementById("enrol-error");
        error.textContent = "";
        try {
          const enrolment = await send("POST", "/api/v1/enrolments", body);
          document.getElementById("enrol-result").innerHTML = await window.EDGE_LABEL(E, enrolment);
          document.getElementById("claim-code").focus();
          E.refresh();
        } catch (ex) {
          if (!(ex instanceof E.Unauthorized)) error.textContent = ex.message;
        }
      });
    },
    async load() {
      const open = await api("/api/v1/enrolments");
      document.getElementById("enrol-open").innerHTML = open.length === 0 ? `<p class="empty">${t("enrol.none")}</p>` :
        `<table id="open-enrolments"><thead><tr><th>${t("enrol.centre")}</th><th>${t("enrol.counter")}</th><th>${t("enrol.role")}</th><th>${t("enrol.deviceId")}</th>
          <th>${t("dev.by")}</th><th>${t("enrol.expires")}</th></tr></thead>
        <tbody>${open.map(o => `<tr><td>${esc(o.centre)}</td><td>${esc(o.counter)}</td><td>${esc(t("role." + o.role))}</td>
          <td>${esc(o.deviceId ?? "—")}${o.replaces ? ` <span class="muted">(${esc(t("enrol.replaces", o.replaces))})</span>` : ""}</td>
          <td>${esc(o.createdBy)}</td><td>${esc(E.formatTime(o.expiresAt))}</td></tr>`).join("")}</tbody></table>`;
    },
  };

  return [{ pattern: /^\/enrol$/, name: "enrol", page }];
});
