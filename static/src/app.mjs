// GOV.UK Frontend's components, started once the page has loaded, and again inside
// any content htmx swaps in. The page works without any of this.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

document.addEventListener("htmx:afterSwap", (event) => {
  initAll({ scope: event.detail.elt.parentElement || document.body });
});

// The back office signs a person out after a while without a request (STAFF_IDLE_MINUTES).
// Before it does, it says so and offers to keep them signed in (WCAG 2.2.1, Timing
// Adjustable): "Stay signed in" asks the server, which counts it as something done.
const timeout = document.getElementById("staff-timeout");
if (timeout && typeof timeout.showModal === "function") {
  const idle = Number(timeout.dataset.idleSeconds) * 1000;
  const warn = Math.min(Number(timeout.dataset.warnSeconds) * 1000, idle);
  let warning;
  let signOut;
  const start = () => {
    clearTimeout(warning);
    clearTimeout(signOut);
    warning = setTimeout(() => timeout.showModal(), idle - warn);
    signOut = setTimeout(() => window.location.assign(timeout.dataset.signIn), idle);
  };
  timeout.querySelector("[data-stay-signed-in]").addEventListener("click", async () => {
    const answer = await fetch(timeout.dataset.keepAlive, { credentials: "same-origin" });
    if (answer.redirected || !answer.ok) {
      window.location.assign(timeout.dataset.signIn); // signed out already
      return;
    }
    timeout.close();
    start();
  });
  // Escape closes the dialog without asking the server: the time is not extended, so
  // the warning comes back at once rather than the person being signed out unwarned.
  timeout.addEventListener("cancel", () => setTimeout(() => timeout.showModal(), 0));
  document.addEventListener("htmx:afterRequest", start); // an inline action counts
  start();
}
