// Inside an embed (/embed/...; web/templates/web/embed_base.html): tell the page that frames it
// how tall the content is, for the optional auto-height script (unmask/embed.js) on that page.
// Only the height is sent, as {type: "unmask:height", height}; nothing is received.
(function () {
  "use strict";
  if (window.parent === window || !document.body || !document.body.hasAttribute("data-autoheight")) return;
  var sent = 0;
  function post() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (!height || height === sent) return;
    sent = height;
    window.parent.postMessage({ type: "unmask:height", height: height }, "*");
  }
  if (window.ResizeObserver) new ResizeObserver(post).observe(document.documentElement);
  window.addEventListener("load", post);
  post();
})();
