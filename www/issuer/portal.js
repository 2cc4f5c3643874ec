// OpenLocker issuer portal: a small script over the /issuer/api JSON API.
// Sign-in, sign-out and the JSON calls come from /static/portal-common.js.
"use strict";
(function () {
  const api = "/issuer/api";
  let pollTimer = null;
  const { $, say, call, cell, csrf } = window.OpenLockerPortal(api, "ol_issuer_csrf", {
    signedIn: showPortal,
    signedOut: () => clearTimeout(pollTimer),
  });

  function fmtSeconds(s) {
    if (s == null) return "";
    if (s < 60) return Math.round(s) + " s";
    return Math.floor(s / 60) + " min " + Math.round(s % 60) + " s";
  }

  function progressText(t) {
    const p = t.progress;
    if (t.status === "running") {
      return p.rows_done + " rows, " + Math.round(p.rows_per_second) + " rows/s" +
        (p.eta_seconds != null ? ", about " + fmtSeconds(p.eta_seconds) + " left" : "");
    }
    if (t.status === "done") return p.rows_done + " rows at " + Math.round(p.rows_per_second) + " rows/s";
    if (t.status === "failed") return t.error || "failed";
    return "queued";
  }

  async function loadTasks() {
    const tasks = await call("GET", "/tasks");
    const body = $("tasks");
    body.replaceChildren();
    for (const t of tasks) {
      const tr = document.createElement("tr");
      tr.dataset.testid = "task-row";
      tr.dataset.taskId = t.id;
      cell(tr, t.id);
      cell(tr, t.file_name);
      cell(tr, t.source === "api" ? "API" : "upload");
      cell(tr, t.status).dataset.testid = "task-status";
      cell(tr, t.rows_imported);
      cell(tr, t.rows_rejected);
      cell(tr, progressText(t));
      const btn = document.createElement("button");
      btn.className = "secondary";
      btn.textContent = "Rejected rows";
      btn.disabled = t.rows_rejected === 0;
      btn.addEventListener("click", () => showRejections(t));
      cell(tr, "").appendChild(btn);
      body.appendChild(tr);
    }
    const busy = tasks.some((t) => t.status === "running" || t.status === "pending");
    clearTimeout(pollTimer);
    pollTimer = setTimeout(() => loadTasks().catch((e) => say(e.message, true)), busy ? 2000 : 15000);
  }

  async function showRejections(task) {
    const rows = await call("GET", "/tasks/" + task.id + "/rejections?limit=200");
    $("task-title").textContent = "Task " + task.id + ": " + task.file_name + " (" + task.rows_rejected + " rejected)";
    $("rejections-csv").href = api + "/tasks/" + task.id + "/rejections.csv";
    const body = $("rejections");
    body.replaceChildren();
    for (const r of rows) {
      const tr = document.createElement("tr");
      cell(tr, r.line); cell(tr, r.field); cell(tr, r.reason);
      body.appendChild(tr);
    }
    $("task-detail").hidden = false;
  }

  async function loadDocTypes() {
    const types = await call("GET", "/doctypes");
    const body = $("doctypes");
    body.replaceChildren();
    for (const t of types) {
      const tr = document.createElement("tr");
      cell(tr, t.code); cell(tr, t.name); cell(tr, t.udfs.join(", "));
      const edit = document.createElement("button");
      edit.className = "secondary";
      edit.textContent = "Edit";
      edit.setAttribute("aria-label", "Edit doc type " + t.code);
      edit.addEventListener("click", async () => {
        const name = prompt("Name of " + t.code, t.name);
        if (name === null) return;
        const fields = prompt("Search fields, comma-separated", t.udfs.join(", "));
        if (fields === null) return;
        const udfs = fields.split(",").map((f) => f.trim()).filter(Boolean);
        try { await call("PUT", "/doctypes/" + encodeURIComponent(t.code), { name, udfs, verify_by_hand: t.verify_by_hand, pull_sends_uid: t.pull_sends_uid }); say("Saved " + t.code); await loadDocTypes(); }
        catch (e) { say(e.message, true); }
      });
      const del = document.createElement("button");
      del.className = "secondary";
      del.textContent = "Remove";
      del.setAttribute("aria-label", "Remove doc type " + t.code);
      del.addEventListener("click", async () => {
        if (!confirm("Remove doc type " + t.code + "? New rows of this type will be refused.")) return;
        try { await call("DELETE", "/doctypes/" + encodeURIComponent(t.code)); say("Removed " + t.code); await loadDocTypes(); }
        catch (e) { say(e.message, true); }
      });
      const actions = cell(tr, "");
      actions.appendChild(edit);
      actions.appendChild(document.createTextNode(" "));
      actions.appendChild(del);
      body.appendChild(tr);
    }
  }

  async function loadPull() {
    const p = await call("GET", "/pull");
    $("pull-doc-url").value = p.doc_url || "";
    $("pull-uri-url").value = p.uri_url || "";
    $("pull-org-id").value = p.org_id || "";
    $("pull-key-state").textContent = p.has_api_key ? "(a key is stored)" : "(no key stored)";
  }

  function uploadFile(file) {
    // XMLHttpRequest rather than fetch: it reports upload progress.
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", api + "/uploads?name=" + encodeURIComponent(file.name));
      xhr.setRequestHeader("X-CSRF-Token", csrf());
      xhr.setRequestHeader("Content-Type", "text/csv");
      const bar = $("upload-progress");
      bar.hidden = false; bar.value = 0;
      xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = e.loaded / e.total; };
      xhr.onload = () => {
        bar.hidden = true;
        let data = {};
        try { data = JSON.parse(xhr.responseText); } catch (_) { /* not JSON */ }
        if (xhr.status >= 200 && xhr.status < 300) resolve(data);
        else reject(new Error(data.message || ("HTTP " + xhr.status)));
      };
      xhr.onerror = () => { bar.hidden = true; reject(new Error("the upload failed: network error")); };
      xhr.send(file);
    });
  }

  async function showPortal() {
    const me = await call("GET", "/me");
    $("who").textContent = me.username + " · " + me.issuer_name + " (" + me.issuer_id + ")";
    $("org-id").textContent = me.org_id;
    $("counter-section").hidden = !me.can_verify_residents;
    await Promise.all([loadTasks(), loadDocTypes(), loadPull()]);
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("upload-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const file = $("csv-file").files[0];
      if (!file) return;
      try {
        const task = await uploadFile(file);
        say("Uploaded " + task.file_name + " as task " + task.id + "; it will be imported shortly.");
        $("csv-file").value = "";
        await loadTasks();
      } catch (err) { say(err.message, true); }
    });
    $("doctype-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const udfs = $("dt-udfs").value.split(",").map((s) => s.trim()).filter(Boolean);
      try {
        await call("POST", "/doctypes", {
          code: $("dt-code").value, name: $("dt-name").value, udfs,
          verify_by_hand: $("dt-verify").checked, pull_sends_uid: $("dt-sends-uid").checked,
        });
        say("Added doc type " + $("dt-code").value.toUpperCase());
        e.target.reset();
        await loadDocTypes();
      } catch (err) { say(err.message, true); }
    });
    $("pull-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const body = {
        doc_url: $("pull-doc-url").value, uri_url: $("pull-uri-url").value,
        org_id: $("pull-org-id").value, api_key: $("pull-api-key").value || null,
      };
      try { await call("PUT", "/pull", body); $("pull-api-key").value = ""; say("Saved the repository settings."); await loadPull(); }
      catch (err) { say(err.message, true); }
    });
    $("counter-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const body = {
        aadhaar: $("counter-aadhaar").value.replace(/\s/g, ""), name: $("counter-name").value,
        dob: $("counter-dob").value, gender: $("counter-gender").value || null,
        mobile: $("counter-mobile").value || null,
      };
      try {
        const r = await call("POST", "/residents/verify", body);
        say("Verified locker " + r.resident_id + ".");
        e.target.reset();
      } catch (err) { say(err.message, true); }
    });
    $("rotate").addEventListener("click", async () => {
      if (!confirm("Make a new API key? The current key keeps working only for the grace period.")) return;
      try {
        const r = await call("POST", "/key/rotate");
        const until = new Date(r.old_key_valid_until * 1000).toLocaleString();
        const p = $("new-key");
        p.textContent = "New API key (shown only now): " + r.api_key + " — the previous key works until " + until + ".";
        p.hidden = false;
      } catch (err) { say(err.message, true); }
    });
  });
})();
