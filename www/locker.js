// Starts the web app (built into /pkg by `cargo xtask`). Under /widget/ the
// popups' first stage, which shows the sign-in form and then loads the
// popups' build (without the portal's screens); the whole app elsewhere.
const popup = location.pathname.startsWith("/widget/");
const start = popup ? "/pkg/popup_first.js" : "/pkg/openlocker_widget.js";

import(start)
  .then((app) => app.default())
  .catch((e) => {
    const root = document.getElementById("openlocker-app");
    if (root) root.textContent = "The web app could not start: " + e;
  });
