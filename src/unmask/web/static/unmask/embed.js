// Auto-height for frames of this site's embeds (/embed/actions/, /embed/call/<id>/,
// /embed/org/<id>/), for the page that shows them, once per page:
//
//   <script src="https://<this site>/static/unmask/embed.js" async></script>
//
// Each embed posts {type: "unmask:height", height} to its parent; this script sets the height
// of the <iframe> it came from, and only when the message comes from that frame's own origin.
// It sends nothing and loads nothing. The frames work without it, at the height they are given.
(function () {
  "use strict";
  var MIN = 80;
  var MAX = 10000;
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || typeof data !== "object" || data.type !== "unmask:height") return;
    var height = Number(data.height);
    if (!isFinite(height)) return;
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.contentWindow !== event.source) continue;
      var origin;
      try {
        origin = new URL(frame.src, document.baseURI).origin;
      } catch (e) {
        return;
      }
      if (origin !== event.origin) return;
      frame.style.height = Math.min(MAX, Math.max(MIN, Math.ceil(height))) + "px";
      return;
    }
  });
})();
