// Progressive enhancement only: every page works without JavaScript.
// No inline scripts or styles anywhere (CSP: script-src 'self' + nonce, style-src 'self').

document.documentElement.classList.add("js");
