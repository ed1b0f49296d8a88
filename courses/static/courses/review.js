// Saves the reviewer's draft as they type (a moment after they stop), and keeps the
// submit button from sending twice. Without this script the page works the same: the
// "Save draft" button saves, and the server submits a review only once.
(function () {
    "use strict";
    var form = document.getElementById("review-form");
    if (!form) { return; }
    var status = document.getElementById("save-status");
    var timer = null;
    var pending = Promise.resolve();

    function save() {
        var data = new FormData(form);
        pending = pending.then(function () {
            return fetch(form.dataset.saveUrl, {
                method: "POST", body: data, credentials: "same-origin",
                headers: {"Accept": "application/json"}
            }).then(function (response) {
                return response.json().then(function (body) {
                    status.textContent = response.ok ? form.dataset.savedText : body.error;
                });
            }).catch(function () { status.textContent = form.dataset.offlineText; });
        });
    }

    form.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(save, 800);
    });
    form.addEventListener("change", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(save, 300);
    });
    // What was typed before this script ran (a quick typist, or the browser restoring the
    // form on "Back") is saved too.
    var typedBefore = Array.prototype.some.call(form.elements, function (field) {
        if (field.type === "radio" || field.type === "checkbox") {
            return field.checked !== field.defaultChecked;
        }
        return field.type !== "hidden" && "defaultValue" in field && field.value !== field.defaultValue;
    });
    if (typedBefore) { timer = window.setTimeout(save, 300); }
    var sent = false;
    form.addEventListener("submit", function (event) {
        if (sent) { event.preventDefault(); return; }
        if (event.submitter && event.submitter.hasAttribute("data-submit-once")) {
            sent = true;
        }
        window.clearTimeout(timer);
    });
}());
