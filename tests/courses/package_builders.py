"""Small SCORM 1.2, SCORM 2004 and H5P packages, built in code for the tests: manifests and
pages that call the runtime API the way authoring tools do."""

import io
import json
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from academy.services import publish_under as publish
from courses.models import CoursePage, ModulePage
from courses.services.packages import add_package

SCO_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body>
<h1>{title}</h1>
<p>Pages read: <output id="pages">0</output>. Resumed at: <output id="resumed">start</output>.</p>
<button type="button" id="next">Next page</button>
<button type="button" id="finish">Finish the lesson</button>
<p id="state">not started</p>
<script src="sco.js"></script>
</body></html>
"""

SCO_12_SCRIPT = """
(function () {
  var win = window, api = null, tries = 0;
  while (!win.API && win.parent && win.parent !== win && tries < 10) {
    win = win.parent;
    tries++;
  }
  api = win.API;
  api.LMSInitialize("");
  var pages = parseInt(api.LMSGetValue("cmi.suspend_data") || "0", 10);
  document.getElementById("pages").textContent = String(pages);
  var resumed = api.LMSGetValue("cmi.core.lesson_location");
  document.getElementById("resumed").textContent = resumed || "start";
  document.getElementById("state").textContent = "running";
  document.getElementById("next").addEventListener("click", function () {
    pages += 1;
    document.getElementById("pages").textContent = String(pages);
    api.LMSSetValue("cmi.core.lesson_location", "page-" + pages);
    api.LMSSetValue("cmi.suspend_data", String(pages));
    api.LMSSetValue("cmi.core.lesson_status", "incomplete");
    api.LMSCommit("");
    document.getElementById("state").textContent = "saved page " + pages;
  });
  document.getElementById("finish").addEventListener("click", function () {
    api.LMSSetValue("cmi.core.score.raw", "90");
    api.LMSSetValue("cmi.core.lesson_status", "completed");
    api.LMSCommit("");
    document.getElementById("state").textContent = "finished";
  });
})();
"""

SCO_2004_SCRIPT = """
(function () {
  var win = window, tries = 0;
  while (!win.API_1484_11 && win.parent && win.parent !== win && tries < 10) {
    win = win.parent;
    tries++;
  }
  var api = win.API_1484_11;
  api.Initialize("");
  var pages = parseInt(api.GetValue("cmi.suspend_data") || "0", 10);
  document.getElementById("pages").textContent = String(pages);
  document.getElementById("resumed").textContent = api.GetValue("cmi.location") || "start";
  document.getElementById("state").textContent = "running";
  document.getElementById("next").addEventListener("click", function () {
    pages += 1;
    document.getElementById("pages").textContent = String(pages);
    api.SetValue("cmi.location", "page-" + pages);
    api.SetValue("cmi.suspend_data", String(pages));
    api.SetValue("cmi.completion_status", "incomplete");
    api.Commit("");
    document.getElementById("state").textContent = "saved page " + pages;
  });
  document.getElementById("finish").addEventListener("click", function () {
    api.SetValue("cmi.score.scaled", "0.9");
    api.SetValue("cmi.completion_status", "completed");
    api.SetValue("cmi.success_status", "passed");
    api.Commit("");
    document.getElementById("state").textContent = "finished";
  });
})();
"""

MANIFEST_12 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="academy-test-12" version="1.0"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>{title}</title>
      <item identifier="lesson-1" identifierref="res-1">
        <title>Listening to residents</title>
        <adlcp:masteryscore>{mastery}</adlcp:masteryscore>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res-1" type="webcontent" adlcp:scormtype="sco" href="{launch}">
      <file href="index.html"/><file href="sco.js"/>
    </resource>
  </resources>
</manifest>
"""

MANIFEST_2004 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="academy-test-2004" version="1"
    xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
    xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>{title}</title>
      <item identifier="lesson-1" identifierref="res-1">
        <title>Working with partners</title>
        <imsss:sequencing>
          <imsss:objectives>
            <imsss:primaryObjective objectiveID="pass" satisfiedByMeasure="true">
              <imsss:minNormalizedMeasure>{mastery}</imsss:minNormalizedMeasure>
            </imsss:primaryObjective>
          </imsss:objectives>
        </imsss:sequencing>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res-1" type="webcontent" adlcp:scormType="sco" href="index.html">
      <file href="index.html"/><file href="sco.js"/>
    </resource>
  </resources>
</manifest>
"""

H5P_LIBRARY = {
    "title": "Academy check",
    "machineName": "H5P.AcademyCheck",
    "majorVersion": 1,
    "minorVersion": 0,
    "patchVersion": 0,
    "runnable": 1,
    "preloadedJs": [{"path": "check.js"}],
}

H5P_SCRIPT = """
var H5P = H5P || {};
H5P.AcademyCheck = (function () {
  function AcademyCheck(params, contentId) {
    H5P.EventDispatcher.call(this);
    this.params = params;
    this.contentId = contentId;
  }
  AcademyCheck.prototype = Object.create(H5P.EventDispatcher.prototype);
  AcademyCheck.prototype.constructor = AcademyCheck;
  AcademyCheck.prototype.attach = function ($container) {
    var self = this;
    var container = $container.get ? $container.get(0) : $container;
    var question = document.createElement("p");
    question.textContent = self.params.question;
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = "Answer the check";
    button.addEventListener("click", function () {
      self.triggerXAPIScored(9, 10, "completed");
      question.textContent = "Answered";
    });
    container.appendChild(question);
    container.appendChild(button);
  };
  return AcademyCheck;
})();
"""


def zip_bytes(files):
    """A zip of ``files`` (name -> text or bytes), compressed as tools do."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def scorm12_files(title="Community policing in practice", mastery="80", launch="index.html"):
    return {
        "imsmanifest.xml": MANIFEST_12.format(title=title, mastery=mastery, launch=launch),
        "index.html": SCO_PAGE.format(title=title),
        "sco.js": SCO_12_SCRIPT,
    }


def scorm12_two_sco_files():
    """A SCORM 1.2 package of two lessons, each its own SCO."""
    files = scorm12_files()
    files["imsmanifest.xml"] = (
        files["imsmanifest.xml"]
        .replace(
            "</organization>",
            '<item identifier="lesson-2" identifierref="res-2"><title>Second lesson</title>'
            "</item></organization>",
        )
        .replace(
            "</resources>",
            '<resource identifier="res-2" type="webcontent" adlcp:scormtype="sco" '
            'href="index.html?part=2"><file href="index.html"/></resource></resources>',
        )
    )
    return files


def scorm2004_files(title="Partnerships for prevention", mastery="0.8"):
    return {
        "imsmanifest.xml": MANIFEST_2004.format(title=title, mastery=mastery),
        "index.html": SCO_PAGE.format(title=title),
        "sco.js": SCO_2004_SCRIPT,
    }


def h5p_files(title="Vulnerable groups: a quick check"):
    return {
        "h5p.json": json.dumps(
            {
                "title": title,
                "language": "en",
                "mainLibrary": "H5P.AcademyCheck",
                "embedTypes": ["div"],
                "preloadedDependencies": [
                    {"machineName": "H5P.AcademyCheck", "majorVersion": 1, "minorVersion": 0}
                ],
            }
        ),
        "content/content.json": json.dumps({"question": "Who should an officer call first?"}),
        "H5P.AcademyCheck-1.0/library.json": json.dumps(H5P_LIBRARY),
        "H5P.AcademyCheck-1.0/check.js": H5P_SCRIPT,
    }


def upload(files, name="package.zip"):
    return SimpleUploadedFile(name, zip_bytes(files), content_type="application/zip")


def package_course(academy, files, *, title="SCORM course", name="package.zip"):
    """A published course whose only module plays a package made of ``files``; no
    assessment, so the package decides completion."""
    package = add_package(academy=academy, title="", uploaded=upload(files, name))
    course = publish(
        academy,
        CoursePage(
            title=title,
            summary="Made with an authoring tool.",
            learning_objectives="<ul><li>Work with residents</li></ul>",
        ),
    )
    module = publish(course, ModulePage(title="The lesson", estimated_minutes=15, package=package))
    return course, module, package
