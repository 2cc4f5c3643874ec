// OpenLocker requester portal: a small script over the
// /requester/portal/api JSON API. Sign-in, sign-out and the JSON calls come
// from /static/portal-common.js.
"use strict";
(function () {
  const api = "/requester/portal/api";
  const { $, say, call, cell } = window.OpenLockerPortal(api, "ol_requester_csrf", { signedIn: showPortal });

  const when = (unix) => (unix ? new Date(unix * 1000).toLocaleString() : "");

  function showApp(me) {
    $("who").textContent = me.username + " · " + me.name;
    $("app-id").textContent = me.app_id;
    $("app-name").textContent = me.name;
    $("domains").value = me.domains.join("\n");
    $("svc-share").checked = me.services.includes("share");
    $("svc-save").checked = me.services.includes("save");
    $("redirect-uris").value = me.redirect_uris.join("\n");
  }

  async function loadShares() {
    const shares = await call("GET", "/shares");
    const now = Date.now() / 1000;
    const body = $("shares");
    body.replaceChildren();
    for (const s of shares) {
      const tr = document.createElement("tr");
      const state = s.revoked ? "revoked by the resident"
        : s.expires_at <= now ? "expired"
        : s.fetches >= s.max_fetches ? "used up" : "active";
      cell(tr, s.doc_name); cell(tr, s.origin); cell(tr, when(s.created_at)); cell(tr, when(s.expires_at));
      cell(tr, s.fetches + " of " + s.max_fetches); cell(tr, state);
      body.appendChild(tr);
    }
  }

  async function showPortal() {
    showApp(await call("GET", "/me"));
    await loadShares();
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("settings-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const domains = $("domains").value.split("\n").map((d) => d.trim()).filter(Boolean);
      const services = [];
      if ($("svc-share").checked) services.push("share");
      if ($("svc-save").checked) services.push("save");
      const redirect_uris = $("redirect-uris").value.split("\n").map((u) => u.trim()).filter(Boolean);
      try {
        showApp(await call("PUT", "/settings", { domains, services, redirect_uris }));
        say("Saved your domains, services and redirect URIs.");
      }
      catch (err) { say(err.message, true); }
    });
    $("rotate").addEventListener("click", async () => {
      if (!confirm("Make a new app key? The current key keeps working only for the grace period.")) return;
      try {
        const r = await call("POST", "/key/rotate");
        const p = $("new-key");
        p.textContent = "New app key (shown only now): " + r.app_key + " — the previous key works until " +
          when(r.old_key_valid_until) + ".";
        p.hidden = false;
      } catch (err) { say(err.message, true); }
    });
  });
})();
