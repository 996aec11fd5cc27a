// Copying to the clipboard, the one way every control does it: the "Share or embed" section's
// buttons (share.js), the secret link after sending an action (submit.js), and the "Copy link"
// buttons beside links marked data-copy-link (a claim's permalink, the Follow panel's feeds).
// Nothing here runs on import: main.js calls enhanceCopyLinks() once.

// Puts `text` on the clipboard; without the Clipboard API (an insecure origin, an old browser)
// selects `field` and copies the old way. Resolves to whether it worked.
export async function copyText(text, field) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!field) return false;
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch {
      return false;
    }
  }
}

// "Copy link" after a link. Without JavaScript (or without the Clipboard API, which needs a
// secure context) the link stays a plain link to open or copy by hand. The labels come from the
// page (data-copy-label, data-copied-label: translated there).
function enhanceCopyLink(link) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "copy-link";
  button.textContent = link.dataset.copyLabel;
  const status = document.createElement("span");
  status.className = "copy-link-status";
  status.setAttribute("role", "status");
  button.addEventListener("click", async () => {
    if (await copyText(link.href)) {
      status.textContent = link.dataset.copiedLabel;
      window.setTimeout(() => { status.textContent = ""; }, 4000);
    } else {
      link.focus(); // the reader can still copy the focused link with the context menu
    }
  });
  link.after(" ", button, status);
}

export function enhanceCopyLinks(root = document) {
  if (!(navigator.clipboard && window.isSecureContext)) return;
  for (const link of root.querySelectorAll("a[data-copy-link]")) enhanceCopyLink(link);
}
