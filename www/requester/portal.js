// OpenLocker requester portal: a small script over the
// /requester/portal/api JSON API. Every state-changing request carries the
// session's CSRF token.
"use strict";
(function () {
  const api = "/requester/portal/api";
  let csrf = sessionStorage.getItem("ol_requester_csrf") || "";
  const $ = (id) => document.getElementById(id);

  function say(text, isError) {
    const s = $("status");
    s.textContent = text;
    s.className = isError ? "error" : "ok";
  }

  async function call(method, path, body) {
    const opts = { method, headers: {}, credentials: "same-origin" };
    if (method !== "GET") opts.headers["X-CSRF-Token"] = csrf;
    if (body !== undefined) {
      opts.body = JSON.stringify(body);
      opts.headers["Content-Type"] = "application/json";
    }
    const res = await fetch(api + path, opts);
    if (res.status === 204) return null;
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      if (res.status === 401 && path !== "/login") showLogin();
      throw new Error(data.message || ("HTTP " + res.status));
    }
    return data;
  }

  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = text == null ? "" : String(text);
    row.appendChild(td);
  }

  const when = (unix) => (unix ? new Date(unix * 1000).toLocaleString() : "");

  function showApp(me) {
    $("who").textContent = me.username + " · " + me.name;
    $("app-id").textContent = me.app_id;
    $("app-name").textContent = me.name;
    $("domains").value = me.domains.join("\n");
    $("svc-share").checked = me.services.includes("share");
    $("svc-save").checked = me.services.includes("save");
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

  function showLogin() {
    $("portal").hidden = true;
    $("login-section").hidden = false;
    $("logout").hidden = true;
    $("who").textContent = "";
  }

  async function showPortal() {
    showApp(await call("GET", "/me"));
    $("login-section").hidden = true;
    $("portal").hidden = false;
    $("logout").hidden = false;
    await loadShares();
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("login-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      try {
        const res = await call("POST", "/login", { username: $("username").value, password: $("password").value });
        csrf = res.csrf_token;
        sessionStorage.setItem("ol_requester_csrf", csrf);
        $("password").value = "";
        say("Signed in.");
        await showPortal();
      } catch (err) { say(err.message, true); }
    });
    $("logout").addEventListener("click", async () => {
      try { await call("POST", "/logout"); } catch (_) { /* already gone */ }
      sessionStorage.removeItem("ol_requester_csrf");
      csrf = "";
      showLogin();
      say("Signed out.");
    });
    $("settings-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const domains = $("domains").value.split("\n").map((d) => d.trim()).filter(Boolean);
      const services = [];
      if ($("svc-share").checked) services.push("share");
      if ($("svc-save").checked) services.push("save");
      try { showApp(await call("PUT", "/settings", { domains, services })); say("Saved your domains and services."); }
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
    if (csrf) showPortal().catch(() => showLogin()); else showLogin();
  });
})();
