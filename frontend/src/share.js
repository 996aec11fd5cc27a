// "Share or embed" (web/includes/share.html): copy buttons, the frame's height, a preview loaded
// only once the section is opened, and on the map the filters followed as the address changes.
// Without JavaScript the section shows the address and the code, to select and copy.

import { copyText } from "./copy.js";

const escapeAttr = (value) =>
  String(value).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

// The same code as web/templatetags/share.py iframe_code().
export function iframeCode(src, title, height) {
  return `<iframe src="${escapeAttr(src)}" title="${escapeAttr(title)}" width="100%" height="${height}" style="border:0" loading="lazy"></iframe>`;
}

function setUp(section) {
  const status = section.querySelector("[data-share-status]");
  const link = section.querySelector("[data-share-link]");
  const code = section.querySelector("[data-share-code]");
  const heightField = section.querySelector("[data-share-height-field]");
  const heightInput = section.querySelector("[data-share-height]");
  const preview = section.querySelector("[data-share-preview]");
  const open = section.querySelector("[data-share-open]");
  let embed = code ? code.dataset.embed : "";

  for (const button of section.querySelectorAll("[data-copy]")) {
    const field = section.querySelector(`#${CSS.escape(button.dataset.copy)}`);
    if (!field) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      const done = await copyText(field.value, field);
      status.textContent = done ? status.dataset.copied : status.dataset.failed;
    });
  }
  if (!code) return;
  heightField.hidden = false;

  const height = () => {
    const value = Math.round(Number(heightInput.value));
    const min = Number(heightInput.min) || 150;
    const max = Number(heightInput.max) || 3000;
    return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : Number(heightInput.defaultValue);
  };
  const render = () => {
    const h = height();
    code.value = iframeCode(embed, code.dataset.title, h);
    open.href = embed;
    if (preview.hidden) return;
    preview.height = String(h);
    if (preview.getAttribute("src") !== embed) preview.src = embed;
  };
  heightInput.addEventListener("input", render);
  section.addEventListener("toggle", () => {
    if (!section.open || !preview.hidden) return;
    preview.hidden = false; // loaded on first opening only
    render();
  });
  if (section.open) section.dispatchEvent(new Event("toggle"));

  if (section.hasAttribute("data-share-live")) {
    // The map changes its address as its filters change (an "unmask:urlchange" event).
    document.addEventListener("unmask:urlchange", () => {
      const url = new URL(embed);
      url.search = window.location.search;
      embed = url.href;
      const page = new URL(window.location.href);
      page.hash = "";
      link.value = page.href;
      render();
    });
  }
}

for (const section of document.querySelectorAll("[data-share]")) setUp(section);
