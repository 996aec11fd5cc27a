// The action form's target picker (campaign/includes/action_fields.html): typing part of a name
// asks /submit/targets.json and lists organizations, their sites and programs; choosing one
// adds it as a ticked box to the form's list. Without JavaScript the "Find" button sends the
// form back with the same results as boxes to tick, so this is an enhancement only.

const DELAY = 200;

function text(strings, key) {
  const node = strings?.content.querySelector(`[data-key="${key}"]`);
  return node ? node.textContent : "";
}

function box(name, candidate, checked) {
  const item = document.createElement("li");
  const label = document.createElement("label");
  const input = document.createElement("input");
  input.type = "checkbox";
  input.name = name;
  input.value = candidate.ref;
  input.checked = checked;
  const bdi = document.createElement("bdi");
  bdi.textContent = candidate.label;
  label.append(input, " ", bdi);
  if (candidate.detail) {
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = candidate.detail;
    label.append(" ", meta);
  }
  item.append(label);
  return item;
}

function enhance(picker) {
  const input = picker.querySelector('input[name$="target_q"]');
  const results = picker.querySelector("[data-target-results]");
  const choices = picker.querySelector("[data-target-choices]");
  const strings = picker.querySelector("[data-target-strings]");
  const find = picker.querySelector("[data-target-find]");
  if (!input || !results || !choices) return;
  const name = choices.querySelector("input")?.name || input.name.replace(/target_q$/, "targets");
  if (find) find.hidden = true;
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  results.id = results.id || `${input.id}-results`;
  input.setAttribute("aria-controls", results.id);
  let timer = 0;
  let asked = 0;

  function choose(candidate) {
    const existing = [...choices.querySelectorAll("input")].find((i) => i.value === candidate.ref);
    if (existing) existing.checked = true;
    else choices.append(box(name, candidate, true));
    results.replaceChildren();
    results.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.value = "";
    input.focus();
  }

  function option(candidate, prefix) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "target-option";
    button.dataset.ref = candidate.ref;
    const label = document.createElement("bdi");
    label.textContent = candidate.label;
    if (prefix) button.append(`${prefix} `);
    button.append(label);
    if (candidate.detail) {
      const meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = ` ${candidate.detail}`;
      button.append(meta);
    }
    button.addEventListener("click", () => choose(candidate));
    item.append(button);
    return item;
  }

  async function search() {
    const query = input.value.trim();
    const mine = ++asked;
    if (query.length < 2) {
      results.replaceChildren();
      results.hidden = true;
      input.setAttribute("aria-expanded", "false");
      return;
    }
    const url = new URL(picker.dataset.url, window.location.href);
    url.searchParams.set("q", query);
    let found;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      found = (await response.json()).results;
    } catch {
      if (mine !== asked) return;
      results.replaceChildren(Object.assign(document.createElement("li"), { textContent: text(strings, "error") }));
      results.hidden = false;
      if (find) find.hidden = false;
      return;
    }
    if (mine !== asked) return; // a newer search is on its way
    const items = [];
    for (const candidate of found) {
      items.push(option(candidate, ""));
      for (const site of candidate.sites || []) {
        items.push(option({ ...site, label: `${candidate.label} – ${site.label}` }, "↳"));
      }
    }
    if (!items.length) items.push(Object.assign(document.createElement("li"), { textContent: text(strings, "none") }));
    results.replaceChildren(...items);
    results.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, DELAY);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      // Enter in the search box searches; it never sends the whole form.
      event.preventDefault();
      clearTimeout(timer);
      search();
    } else if (event.key === "ArrowDown") {
      const first = results.querySelector("button");
      if (first) {
        event.preventDefault();
        first.focus();
      }
    } else if (event.key === "Escape") {
      results.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }
  });
  results.addEventListener("keydown", (event) => {
    const buttons = [...results.querySelectorAll("button")];
    const at = buttons.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && at < buttons.length - 1) {
      event.preventDefault();
      buttons[at + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      (at > 0 ? buttons[at - 1] : input).focus();
    } else if (event.key === "Escape") {
      input.focus();
      results.hidden = true;
    }
  });
}

for (const picker of document.querySelectorAll("[data-target-picker]")) enhance(picker);
