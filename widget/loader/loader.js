// The partner-page loader, served as both dl.js and savelocker.js.
//
// It reads script#dlshare (data-app-id, data-app-hash, time-stamp,
// data-upload-url), puts a "Choose from DigiLocker" button in every
// div.share_fm_dl (a small one in div.share_fm_dl_sm) and makes every
// a.locker-saver[href] (a.locker_saver_sm) a "Save to DigiLocker" button,
// also in elements added later. A click opens the locker's popup; the popup
// answers by postMessage, checked against the locker's origin and the popup
// window. A share is then POSTed, form-encoded, to data-upload-url by this
// loader (never by the popup), and the result is shown beside the button
// and fired as a DOM event (openlocker:share, openlocker:save).
//
// Plain JS: every step is a DOM call, which wasm could only make through
// JS glue bigger than this whole file. The server wraps it in a function
// scope that defines `script` (this script element) and `SERVICES` (the
// popup paths and answer types, from openlocker-proto).
var DONE = "data-openlocker";
var STYLE = ".ol-dl-btn{display:inline-flex;align-items:center;gap:.4em;font:600 15px/1.2 system-ui,sans-serif;" +
  "color:#fff;background:#1c4e9a;border:0;border-radius:6px;padding:.6em 1em;cursor:pointer;text-decoration:none}" +
  ".ol-dl-btn:hover{background:#163f7d}.ol-dl-btn:focus-visible{outline:3px solid #f5a623;outline-offset:2px}" +
  ".ol-dl-sm{font-size:12px;padding:.35em .7em}" +
  ".ol-dl-status{display:block;margin-top:.3em;font:14px/1.3 system-ui,sans-serif;color:#333}" +
  ".ol-dl-status[data-result=FAILURE]{color:#b00020}.ol-dl-status[data-result=SUCCESS]{color:#1b6e2a}";
var SELECTOR = "div.share_fm_dl, div.share_fm_dl_sm, a.locker-saver, a.locker_saver_sm";

var attr = function (name) { return (script.getAttribute(name) || "").trim(); };
var config = {
  locker: new URL(script.getAttribute("src") || "", document.URL).origin,
  appId: attr("data-app-id"),
  appHash: attr("data-app-hash"),
  timeStamp: attr("time-stamp"),
  uploadUrl: attr("data-upload-url"),
};
// One reference per page instance, sent as user_ref.
var userRef = Array.prototype.map.call(crypto.getRandomValues(new Uint8Array(16)), function (b) {
  return (b < 16 ? "0" : "") + b.toString(16);
}).join("");
// The popup waiting for an answer: {popup, element, service, watch}.
var waiting = null;

function isSave(element) { return element.tagName.toLowerCase() === "a"; }

// Shows the outcome beside the button and fires openlocker:<service> on the
// element, with {result, message, doc_id, doc_url?} as detail.
function report(element, service, result, message, docUrl) {
  var save = service === SERVICES.save;
  if (save && result) element.setAttribute("result", result); // the specification's contract
  var status = save ? element.nextElementSibling : element.querySelector(".ol-dl-status");
  if (!status || !status.classList.contains("ol-dl-status")) {
    status = document.createElement("span");
    status.className = "ol-dl-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    if (save) element.after(status); else element.appendChild(status);
  }
  status.setAttribute("data-result", result);
  status.textContent = message;
  var detail = { result: result, message: message, doc_id: element.id };
  if (docUrl) detail.doc_url = docUrl;
  element.dispatchEvent(new CustomEvent(service.type, { bubbles: true, detail: detail }));
}

// The popup's URL on the locker, with the widget request in its query.
function popupUrl(element, service) {
  var params = new URLSearchParams();
  params.append("app_id", config.appId);
  params.append("app_hash", config.appHash);
  params.append("time_stamp", config.timeStamp);
  params.append("origin", location.origin);
  if (service === SERVICES.save) params.append("href", element.href || "");
  return config.locker + service.path + "?" + params;
}

// Forgets the popup being waited for, and returns it.
function stopWaiting() {
  var was = waiting;
  waiting = null;
  if (was) clearInterval(was.watch);
  return was;
}

function closedWithoutAnswer() {
  if (!waiting || !waiting.popup.closed) return;
  var was = stopWaiting();
  report(was.element, was.service, "FAILURE", was.service === SERVICES.share
    ? "The DigiLocker window was closed before a document was shared."
    : "The DigiLocker window was closed before the document was saved.");
}

// Opens the popup for element's button.
function open(element, service) {
  var popup = window.open(popupUrl(element, service), "openlocker", "popup,width=520,height=680");
  if (!popup) {
    report(element, service, "FAILURE",
      "Your browser blocked the DigiLocker window. Allow pop-ups for this site and try again.");
    return;
  }
  stopWaiting();
  waiting = { popup: popup, element: element, service: service, watch: setInterval(closedWithoutAnswer, 500) };
}

// Turns a share div or a save a into a working button, once.
function decorate(element) {
  if (element.hasAttribute(DONE)) return;
  element.setAttribute(DONE, "");
  var small = element.classList.contains("share_fm_dl_sm") || element.classList.contains("locker_saver_sm");
  var service = isSave(element) ? SERVICES.save : SERVICES.share;
  var button = element;
  if (service === SERVICES.share) {
    button = document.createElement("button");
    button.setAttribute("type", "button");
    button.textContent = "Choose from DigiLocker";
    element.appendChild(button);
  } else {
    if (!(element.textContent || "").trim()) element.textContent = "Save to DigiLocker";
    element.setAttribute("role", "button");
  }
  button.classList.add("ol-dl-btn");
  if (small) button.classList.add("ol-dl-sm");
  button.addEventListener("click", function (event) {
    event.preventDefault();
    open(element, service);
  });
}

function decorateAll() {
  Array.prototype.forEach.call(document.querySelectorAll(SELECTOR), decorate);
}

// POSTs user_ref, doc_id and doc_url to the page's upload URL and reports
// its SUCCESS or FAILURE.
function deliver(element, docUrl) {
  var share = SERVICES.share;
  if (!config.uploadUrl) {
    report(element, share, "FAILURE", "The page has no data-upload-url.", docUrl);
    return;
  }
  var body = new URLSearchParams({ user_ref: userRef, doc_id: element.id, doc_url: docUrl });
  fetch(config.uploadUrl, { method: "POST", body: body }).then(function (response) {
    return response.ok ? response.text() : "";
  }).then(function (text) {
    if (text.trim().toUpperCase() === "SUCCESS") {
      report(element, share, "SUCCESS", "Your document was shared from DigiLocker.", docUrl);
    } else {
      report(element, share, "FAILURE", "The site could not store your document. Please try again.", docUrl);
    }
  }, function () {
    report(element, share, "FAILURE", "The site could not be reached to store your document.", docUrl);
  });
}

// The popup's answer. Messages from any other origin or window are ignored.
function onMessage(event) {
  if (event.origin !== config.locker || !waiting || event.source !== waiting.popup) return;
  var data = event.data || {};
  var field = function (name) { return typeof data[name] === "string" ? data[name] : ""; };
  var was = stopWaiting();
  if (field("type") !== was.service.type) {
    report(was.element, was.service, "FAILURE", "DigiLocker sent an unexpected answer.");
  } else if (was.service === SERVICES.save) {
    report(was.element, was.service, field("result") === "SUCCESS" ? "SUCCESS" : "FAILURE", field("message"));
  } else if (field("doc_url")) {
    deliver(was.element, field("doc_url"));
  } else {
    report(was.element, was.service, "FAILURE", field("message"));
  }
}

if (!document.getElementById("openlocker-loader-style")) {
  var style = document.createElement("style");
  style.id = "openlocker-loader-style";
  style.textContent = STYLE;
  document.head.appendChild(style);
}
decorateAll();
// Single-page apps (and the parser, after this script in the head) add
// elements later: decorate those too.
new MutationObserver(decorateAll).observe(document.documentElement, { childList: true, subtree: true });
window.addEventListener("message", onMessage);
