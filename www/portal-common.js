// Shared by the issuer and requester portals: JSON calls that carry the
// session's CSRF token, the status line, table cells, and sign-in and
// sign-out. Each portal's own script calls OpenLockerPortal once.
"use strict";
window.OpenLockerPortal = function (api, storageKey, view) {
  let csrf = sessionStorage.getItem(storageKey) || "";
  const $ = (id) => document.getElementById(id);

  function say(text, isError) {
    const s = $("status");
    s.textContent = text;
    s.className = isError ? "error" : "ok";
  }

  async function call(method, path, body, headers) {
    const opts = { method, headers: Object.assign({}, headers || {}), credentials: "same-origin" };
    if (method !== "GET") opts.headers["X-CSRF-Token"] = csrf;
    if (body !== undefined) {
      if (body instanceof Blob) { opts.body = body; }
      else { opts.body = JSON.stringify(body); opts.headers["Content-Type"] = "application/json"; }
    }
    const res = await fetch(api + path, opts);
    if (res.status === 204) return null;
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      if (res.status === 401 && path !== "/login") signedOut();
      throw new Error(data.message || ("HTTP " + res.status));
    }
    return data;
  }

  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = text == null ? "" : String(text);
    row.appendChild(td);
    return td;
  }

  function signedOut() {
    $("portal").hidden = true;
    $("logout").hidden = true;
    $("who").textContent = "";
    $("login-section").hidden = false;
    if (view.signedOut) view.signedOut();
  }

  async function signedIn() {
    await view.signedIn();
    $("login-section").hidden = true;
    $("portal").hidden = false;
    $("logout").hidden = false;
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("login-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      try {
        const res = await call("POST", "/login", { username: $("username").value, password: $("password").value });
        csrf = res.csrf_token;
        sessionStorage.setItem(storageKey, csrf);
        $("password").value = "";
        say("Signed in.");
        await signedIn();
      } catch (err) { say(err.message, true); }
    });
    $("logout").addEventListener("click", async () => {
      try { await call("POST", "/logout"); } catch (_) { /* already gone */ }
      sessionStorage.removeItem(storageKey);
      csrf = "";
      signedOut();
      say("Signed out.");
    });
    if (csrf) signedIn().catch(() => signedOut()); else signedOut();
  });

  return { $, say, call, cell, csrf: () => csrf };
};
