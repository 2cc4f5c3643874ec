// Starts the web app (built into /pkg by `cargo xtask`): under /widget/ the
// popups' build, without the portal's screens, so a popup downloads less
// (the shell preloads it there); the whole app everywhere else.
const start = location.pathname.startsWith("/widget/") ? "/pkg/popup.js" : "/pkg/openlocker_widget.js";

import(start)
  .then((app) => app.default())
  .catch((e) => {
    const root = document.getElementById("openlocker-app");
    if (root) root.textContent = "The web app could not start: " + e;
  });
