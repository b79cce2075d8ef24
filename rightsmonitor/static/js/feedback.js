// The receipt's copy and print buttons. Without JavaScript they stay hidden and the codes are
// plain selectable text; the browser's own print prints the receipt alone (feedback.css).
document.addEventListener("DOMContentLoaded", () => {
  const status = document.getElementById("copy-status");
  const announce = (text) => {
    if (!status) return;
    status.textContent = "";
    // A fresh text each time, so screen readers announce a second copy too.
    window.setTimeout(() => { status.textContent = text; }, 50);
  };
  document.querySelectorAll("button[data-copy]").forEach((button) => {
    const source = document.getElementById(button.dataset.copy);
    if (!source || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(source.textContent.trim());
        announce(status.dataset.copied);
      } catch (error) {
        window.getSelection().selectAllChildren(source);
        announce(status.dataset.failed);
      }
    });
  });
  document.querySelectorAll("button.print-button").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  });
});
