// Plays a module's package. SCORM: scorm-again is the runtime (window.API for SCORM 1.2,
// window.API_1484_11 for 2004) that the package's SCO finds in its parent frame; it starts
// from what the officer saved last time and commits to the academy as the officer goes.
// H5P: h5p-standalone plays the content; its xAPI "completed"/"answered" events are sent
// the same way. Every commit carries the launch token and a sequence number of this launch,
// so the server keeps each once, in order, whatever the retries.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("player-config").textContent);
  var status = document.querySelector("[data-player-status]");
  var sequence = 0;

  function say(message, isError) {
    status.textContent = message || "";
    status.classList.toggle("player__status--error", Boolean(isError));
  }

  function envelope(extra) {
    sequence += 1;
    var body = { token: config.token, seq: sequence, sco: config.sco };
    Object.keys(extra).forEach(function (key) {
      body[key] = extra[key];
    });
    return body;
  }

  function answer(xhr) {
    var data = {};
    try {
      data = JSON.parse(xhr.responseText || "{}");
    } catch (error) {
      data = {};
    }
    if (xhr.status >= 200 && xhr.status < 300) {
      say("");
      return { result: true, errorCode: 0 };
    }
    say(data.errorMessage, true);
    return { result: false, errorCode: data.errorCode || 101 };
  }

  if (config.kind === "scorm12" || config.kind === "scorm2004") {
    var settings = {
      autocommit: true,
      autocommitSeconds: 15,
      lmsCommitUrl: config.tracked ? config.commitUrl : false,
      dataCommitFormat: "flattened",
      logLevel: 5,
      requestHandler: function (cmi) {
        return envelope({ cmi: cmi });
      },
      xhrResponseHandler: answer,
    };
    var api =
      config.kind === "scorm12"
        ? new window.Scorm12API(settings)
        : new window.Scorm2004API(settings);
    api.loadFromFlattenedJSON(config.resume, "");
    if (config.kind === "scorm12") window.API = api;
    else window.API_1484_11 = api;
    document.querySelector("[data-player-content]").src = config.launchUrl;
    return;
  }

  function post(statement) {
    if (!config.tracked) return;
    var request = new XMLHttpRequest();
    request.open("POST", config.commitUrl);
    request.setRequestHeader("Content-Type", "application/json");
    request.onload = function () {
      answer(request);
    };
    request.send(JSON.stringify(envelope({ statement: statement })));
  }

  var element = document.querySelector("[data-player-h5p]");
  new window.H5PStandalone.H5P(element, config.h5p).then(function () {
    window.H5P.externalDispatcher.on("xAPI", function (event) {
      var statement = event.data.statement;
      var verb = statement.verb.id.split("/").pop();
      var context = statement.context || {};
      var nested = context.contextActivities && context.contextActivities.parent;
      if ((verb === "completed" || verb === "answered") && !nested) {
        post({ verb: verb, result: statement.result || {} });
      }
    });
  });
})();
