// GOV.UK Frontend's components, started once the page has loaded, and again inside
// any content htmx swaps in. The page works without any of this.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

document.addEventListener("htmx:afterSwap", (event) => {
  initAll({ scope: event.detail.elt.parentElement || document.body });
});
