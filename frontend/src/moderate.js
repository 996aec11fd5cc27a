// Keyboard shortcuts for the moderators' screen (/moderate/). The page works without them: every
// shortcut presses a button or focuses a field of the server-rendered forms.
//
//   j / k      next / previous action (focus and scroll)
//   x          check or uncheck the focused action
//   p          publish the focused action
//   r          focus its reject reason (Enter rejects, Escape goes back to the action)
//   P / R      publish / reject the checked actions (R asks for the reason first)
//   ?          the list of shortcuts (a <dialog>)
//
// Nothing fires while typing in a field, or with Ctrl, Alt or Meta held (the browser's own keys).

const queue = document.querySelector(".mod-queue");
const help = document.getElementById("mod-keys");
const bulk = document.getElementById("bulk");

const items = () => Array.from(document.querySelectorAll(".mod-item"));

function current() {
  const active = document.activeElement;
  return active ? active.closest(".mod-item") : null;
}

function focusItem(item) {
  if (!item) return;
  for (const other of items()) other.classList.toggle("is-current", other === item);
  item.focus({ preventScroll: true });
  item.scrollIntoView({ block: "nearest", behavior: "instant" });
}

function move(step) {
  const all = items();
  if (!all.length) return;
  const index = all.indexOf(current());
  if (index === -1) {
    focusItem(step > 0 ? all[0] : all[all.length - 1]);
  } else {
    focusItem(all[Math.min(Math.max(index + step, 0), all.length - 1)]);
  }
}

function press(button) {
  if (!button) return;
  button.form.requestSubmit(button);
}

function typing(target) {
  if (!(target instanceof Element)) return false;
  return Boolean(target.closest("input, textarea, select, [contenteditable]:not([contenteditable='false'])"));
}

function checkedCount() {
  return document.querySelectorAll('input[name="selected"][form="bulk"]:checked').length;
}

const keys = {
  j: () => move(1),
  k: () => move(-1),
  x: () => {
    const box = current()?.querySelector('input[name="selected"]');
    if (box) box.checked = !box.checked;
  },
  p: () => press(current()?.querySelector('button[data-key="publish"]')),
  r: () => current()?.querySelector('input[name="reason"]')?.focus(),
  P: () => {
    if (checkedCount()) press(bulk?.querySelector('button[data-key="bulk-publish"]'));
  },
  R: () => {
    if (!checkedCount() || !bulk) return;
    const reason = bulk.querySelector('input[name="bulk_reason"]');
    if (reason.value.trim()) press(bulk.querySelector('button[data-key="bulk-reject"]'));
    else reason.focus();
  },
  "?": () => {
    if (help && !help.open) help.showModal();
  },
};

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
  if (event.key === "Escape" && typing(event.target)) {
    // Back from a reason field to its action, so j/k/p work again.
    const item = event.target.closest(".mod-item");
    if (item) {
      event.preventDefault();
      focusItem(item);
    } else {
      event.target.blur();
    }
    return;
  }
  if (typing(event.target) || (help && help.open)) return;
  const action = keys[event.key];
  if (!action) return;
  event.preventDefault();
  action();
});

// Clicking inside an action makes it the current one.
queue?.addEventListener("focusin", (event) => {
  const item = event.target.closest(".mod-item");
  if (item) for (const other of items()) other.classList.toggle("is-current", other === item);
});

// After a decision the server sends us back to the next action (#action-<id>): continue there.
// An action re-shown with an error keeps its autofocus on the reason field instead.
if (queue && !document.querySelector(".mod-item .has-error")) {
  const target = window.location.hash && document.getElementById(window.location.hash.slice(1));
  if (target && target.classList.contains("mod-item")) focusItem(target);
}

// The shortcuts are live: say so (browser tests wait for it before pressing keys).
document.documentElement.dataset.shortcuts = "ready";
