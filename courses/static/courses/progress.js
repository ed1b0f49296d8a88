// Keeps an officer's time and place in a module: while the page is visible it reports,
// every half minute, the last block read. The server bounds and de-duplicates the time.
(function () {
  "use strict";
  var form = document.querySelector("form[data-heartbeat]");
  if (!form || !window.fetch) return;
  var blocks = Array.prototype.slice.call(document.querySelectorAll("[data-position]"));
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var interval = parseInt(form.dataset.interval, 10) * 1000;

  function position() {
    var seen = 0;
    blocks.forEach(function (block) {
      if (block.getBoundingClientRect().top < window.innerHeight / 2) {
        seen = parseInt(block.dataset.position, 10);
      }
    });
    return seen;
  }

  function beat() {
    if (document.visibilityState !== "visible") return;
    var body = new URLSearchParams({ position: String(position()) });
    fetch(form.dataset.heartbeat, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": token },
      credentials: "same-origin",
    }).catch(function () {});
  }

  window.setInterval(beat, interval);
  document.addEventListener("visibilitychange", beat);
})();
