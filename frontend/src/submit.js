// The action form's proof of work: the ALTCHA widget (bundled from npm, never loaded from
// altcha.org), solving the challenge that this site made (/submit/challenge.json) in a worker
// served from this site too (CSP: worker-src 'self'). The "external" build injects no styles and
// no inline workers; its stylesheet is part of submit.css.
import "altcha/external";

const widget = document.querySelector("altcha-widget[data-worker]");
if (widget) {
  const url = widget.dataset.worker;
  globalThis.$altcha.algorithms.set("PBKDF2/SHA-256", () => new Worker(url));
}
