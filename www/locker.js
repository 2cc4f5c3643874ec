// Starts the resident portal (a Yew app built into /pkg by `cargo xtask`).
import init from "/pkg/openlocker_widget.js";

init().catch((e) => {
  const root = document.getElementById("openlocker-app");
  if (root) root.textContent = "The web app could not start: " + e;
});
