// The widget popups' first stage (`/widget/share`, `/widget/save`), served
// as /pkg/popup_first.js: a few KB that check the partner's request and
// show the sign-in form while the popup's Yew build (/pkg/popup.js) loads
// behind it. It only renders: the sign-in itself, every message and the
// rest of the flow are the Yew app's, which takes over with what was typed
// (window.OpenLockerPopup, read by widget/src/first.rs) when the form is
// submitted, and at once when there is no form to show (a refused request,
// a session already open). The xtask prepends `STRINGS`, the texts of
// widget/src/i18n.rs this form uses, in English and Hindi.

const LANG_KEY = "openlocker.lang"; // as Lang::save writes it (JSON)

function lang() {
  try {
    return JSON.parse(localStorage.getItem(LANG_KEY)) === "hi" ? "hi" : "en";
  } catch (_) {
    return "en";
  }
}

// The widget request in this window's URL, as PopupQuery reads it.
function widgetRequest() {
  const query = new URLSearchParams(location.search);
  const service = location.pathname === "/widget/save" ? "save" : "share";
  const request = { service };
  for (const key of ["app_id", "app_hash", "time_stamp", "origin"]) request[key] = query.get(key) || "";
  return request;
}

// Starts the Yew build with `handover` (null: it starts from scratch).
async function handOver(app, wasm, handover) {
  if (handover) window.OpenLockerPopup = handover;
  const module = await app;
  await module.default({ module_or_path: wasm });
}

function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  for (const child of children || []) node.append(child);
  return node;
}

// Texts by data-t key, in the language chosen now.
function paint(root) {
  const texts = STRINGS[lang()];
  document.documentElement.setAttribute("lang", lang());
  for (const node of root.querySelectorAll("[data-t]")) node.textContent = texts[node.dataset.t];
  root.querySelector("[data-testid=lang-switch]").setAttribute("aria-label", texts.lang_switch_label);
}

function field(id, label, attrs) {
  return [el("label", { for: id, "data-t": label }), el("input", { id, "data-testid": id, required: "", ...attrs })];
}

// The page as the Yew app draws it before sign-in: Layout, then Flow's
// requester line and SignIn.
function signInPage(appName) {
  const form = el("form", {}, [
    ...field("login-username", "username", { type: "text", autocomplete: "username", inputmode: "numeric" }),
    ...field("login-password", "password", { type: "password", autocomplete: "current-password" }),
    el("p", {}, [el("button", { type: "submit", "data-testid": "login-submit", "data-t": "sign_in" })]),
  ]);
  const signUp = el("a", { href: "/locker/signup", target: "_blank", rel: "noopener", "data-t": "sign_up" });
  return [
    el("a", { class: "skip", href: "#content", "data-t": "skip" }),
    el("header", {}, [
      el("h1", { "data-t": "app_title" }),
      el("button", { type: "button", class: "secondary lang", "data-testid": "lang-switch", "data-t": "lang_switch" }),
    ]),
    el("main", { id: "content", tabindex: "-1" }, [
      el("p", { "data-testid": "status-message", class: "status ok", role: "status", "aria-live": "polite" }),
      el("p", { class: "requester" }, [el("span", { "data-t": "popup_for" }), " ", el("strong", {}, [appName])]),
      el("section", { "aria-labelledby": "sign-in-title" }, [
        el("h2", { id: "sign-in-title", "data-t": "sign_in_title" }),
        form,
        el("p", {}, [el("span", { "data-t": "no_account" }), " ", signUp]),
      ]),
    ]),
  ];
}

export default async function start() {
  const request = widgetRequest();
  const [check, me] = await Promise.all([
    fetch("/widget/api/check", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(request) }),
    fetch("/api/me"),
  ]).catch(() => [null, null]);
  const requester = check && check.ok && me.status === 401 ? await check.json().catch(() => null) : null;
  if (!requester) return handOver(import("/pkg/popup.js"), "/pkg/popup_bg.wasm", null);
  const root = document.getElementById("openlocker-app");
  root.replaceChildren(...signInPage(requester.app_name));
  paint(root);
  // The rest of the popup loads once the form is on screen.
  const app = import("/pkg/popup.js");
  const wasm = fetch("/pkg/popup_bg.wasm");
  root.querySelector("[data-testid=lang-switch]").addEventListener("click", () => {
    localStorage.setItem(LANG_KEY, JSON.stringify(lang() === "en" ? "hi" : "en"));
    paint(root);
  });
  const form = root.querySelector("form");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    form.querySelector("[data-testid=login-submit]").disabled = true;
    const value = (id) => form.querySelector("#" + id).value;
    const handover = { requester, username: value("login-username"), password: value("login-password"), submit: true };
    handOver(app, wasm, handover);
  });
}
