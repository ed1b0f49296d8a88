// The demo's SCORM 1.2 lesson: four pages, a check of three questions. It talks to the
// learning platform as authoring tools do: LMSInitialize, the page read so far
// (cmi.core.lesson_location), the score and the status, LMSCommit, LMSFinish.
(function () {
  "use strict";
  var ANSWERS = { q1: "a", q2: "b", q3: "b" };
  var MASTERY = 60;

  function findApi(win) {
    for (var tries = 0; win && !win.API && win.parent && win.parent !== win && tries < 10; tries++) {
      win = win.parent;
    }
    return (win && win.API) || null;
  }

  var api = findApi(window);
  var pages = document.querySelectorAll("[data-page]");
  var previous = document.getElementById("previous");
  var next = document.getElementById("next");
  var current = 0;

  function get(name) { return api ? api.LMSGetValue(name) : ""; }
  function set(name, value) { if (api) { api.LMSSetValue(name, value); } }
  function commit() { if (api) { api.LMSCommit(""); } }

  function show(number) {
    current = Math.max(0, Math.min(pages.length - 1, number));
    for (var i = 0; i < pages.length; i++) { pages[i].hidden = i !== current; }
    previous.disabled = current === 0;
    next.disabled = current === pages.length - 1;
    document.getElementById("step").textContent =
      "Page " + (current + 1) + " of " + pages.length;
    set("cmi.core.lesson_location", String(current));
    commit();
  }

  if (api) {
    api.LMSInitialize("");
    var status = get("cmi.core.lesson_status");
    if (!status || status === "not attempted") { set("cmi.core.lesson_status", "incomplete"); }
  } else {
    document.getElementById("step").textContent =
      "Opened outside the academy: nothing you do here is recorded.";
  }

  previous.addEventListener("click", function () { show(current - 1); });
  next.addEventListener("click", function () { show(current + 1); });

  document.getElementById("check").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target, right = 0, total = 0;
    for (var name in ANSWERS) {
      total++;
      var chosen = form.querySelector("input[name=" + name + "]:checked");
      if (chosen && chosen.value === ANSWERS[name]) { right++; }
    }
    var score = Math.round((100 * right) / total);
    set("cmi.core.score.min", "0");
    set("cmi.core.score.max", "100");
    set("cmi.core.score.raw", String(score));
    set("cmi.core.lesson_status", score >= MASTERY ? "passed" : "failed");
    commit();
    document.getElementById("result").textContent =
      right + " of " + total + " right (" + score + "%): " +
      (score >= MASTERY ? "passed." : "not passed yet. Read the pages again and try once more.");
  });

  window.addEventListener("pagehide", function () { if (api) { api.LMSFinish(""); } });
  show(parseInt(get("cmi.core.lesson_location") || "0", 10) || 0);
})();
