// Saves each answer of an assessment attempt as soon as it changes, and counts the time
// left down from the server's figure. Without this script the page works the same:
// answers are saved with the form's buttons, and the server enforces the time limit.
(function () {
    "use strict";
    var form = document.getElementById("attempt-form");
    if (!form) { return; }
    var status = document.getElementById("save-status");
    var sequence = form.querySelector("input[name=sequence]");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var pending = Promise.resolve();

    function say(text) { status.textContent = text; }

    function save(fieldset) {
        var data = new FormData();
        data.append("csrfmiddlewaretoken", token);
        fieldset.querySelectorAll("input, textarea").forEach(function (input) {
            if ((input.type === "radio" || input.type === "checkbox") && !input.checked) { return; }
            data.append(input.name, input.value);
        });
        // One save at a time, each with the sequence the previous one returned.
        pending = pending.then(function () {
            data.append("sequence", sequence.value);
            return fetch(form.dataset.saveUrl, {
                method: "POST", body: data, credentials: "same-origin",
                headers: {"Accept": "application/json"}
            }).then(function (response) {
                return response.json().then(function (body) {
                    if (response.ok) {
                        sequence.value = body.sequence;
                        say(form.dataset.savedText || "✓");
                    } else {
                        say(body.error);
                        if (body.stale) { window.setTimeout(function () { window.location.reload(); }, 2500); }
                    }
                });
            }).catch(function () {
                say(form.dataset.offlineText || "…");
            });
        });
    }

    // An answer given before this script ran (a quick hand, or the browser restoring the
    // form on "Back") is saved too.
    function changedSinceLoad(input) {
        if (input.type === "radio" || input.type === "checkbox") {
            return input.checked !== input.defaultChecked;
        }
        return input.type !== "hidden" && input.value !== input.defaultValue;
    }

    var timers = {};
    form.querySelectorAll("fieldset.question").forEach(function (fieldset) {
        if (Array.prototype.some.call(fieldset.querySelectorAll("input, textarea"), changedSinceLoad)) {
            save(fieldset);
        }
        fieldset.addEventListener("change", function () { save(fieldset); });
        fieldset.addEventListener("input", function (event) {
            if (event.target.tagName !== "TEXTAREA") { return; }
            window.clearTimeout(timers[fieldset.dataset.question]);
            timers[fieldset.dataset.question] = window.setTimeout(function () { save(fieldset); }, 800);
        });
    });

    // A button pressed right after typing: let the save of that change finish first, so
    // the form carries the latest sequence number.
    var sending = false;
    form.addEventListener("submit", function (event) {
        if (sending) { return; }
        event.preventDefault();
        var button = event.submitter;
        sending = true;
        pending.then(function () {
            if (button && button.hasAttribute("formaction")) { form.action = button.formAction; }
            form.submit();
        });
    });

    var clock = document.getElementById("time-left");
    if (clock) {
        var ends = Date.now() + 1000 * parseInt(clock.dataset.secondsLeft, 10);
        var tick = function () {
            var left = Math.max(0, Math.round((ends - Date.now()) / 1000));
            var minutes = Math.floor(left / 60), seconds = left % 60;
            clock.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
            if (left === 0) {
                pending.then(function () { form.submit(); });
                return;
            }
            window.setTimeout(tick, 1000);
        };
        tick();
    }
}());
