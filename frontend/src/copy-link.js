// "Copy link" next to a claim's permalink. Without JavaScript (or without the Clipboard API,
// which needs a secure context) the permalink stays a plain link to open or copy by hand.
// The labels come from the page (data-copy-label, data-copied-label: translated there).

function enhance(link) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "copy-link";
  button.textContent = link.dataset.copyLabel;
  const status = document.createElement("span");
  status.className = "copy-link-status";
  status.setAttribute("role", "status");
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(link.href);
      status.textContent = link.dataset.copiedLabel;
      window.setTimeout(() => { status.textContent = ""; }, 4000);
    } catch {
      link.focus(); // the reader can still copy the focused link with the context menu
    }
  });
  link.after(" ", button, status);
}

if (navigator.clipboard && window.isSecureContext) {
  for (const link of document.querySelectorAll("a[data-copy-link]")) enhance(link);
}
