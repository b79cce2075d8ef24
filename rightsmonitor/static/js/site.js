// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Confirm destructive buttons declared with data-confirm.
  document.body.addEventListener("submit", (event) => {
    const message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
});
// htmx sends the CSRF token with every request it makes.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) {
    event.detail.headers["X-CSRFToken"] = token.value;
  }
});
// After htmx replaces a list (e.g. moving a section), put keyboard focus back on the button
// that was pressed, found by its label, so keyboard and screen-reader users keep their place.
let pressedLabel = null;
let swappedId = null;
document.addEventListener("htmx:beforeRequest", (event) => {
  const button = event.detail.elt.querySelector("button");
  pressedLabel = button ? button.textContent.trim() : null;
  swappedId = event.detail.target ? event.detail.target.id : null;
});
document.addEventListener("htmx:afterSettle", (event) => {
  // An outerHTML swap replaces the target, so look the new element up by its id.
  const container = (swappedId && document.getElementById(swappedId)) || event.detail.target;
  if (!pressedLabel || !container) {
    return;
  }
  const buttons = Array.from(container.querySelectorAll("button"));
  const same = buttons.find((b) => b.textContent.trim() === pressedLabel && !b.disabled);
  const fallback = container.querySelector("h2, h3");
  const focusTarget = same || fallback;
  if (focusTarget) {
    if (!same) {
      focusTarget.setAttribute("tabindex", "-1");
    }
    focusTarget.focus();
  }
  pressedLabel = null;
});
