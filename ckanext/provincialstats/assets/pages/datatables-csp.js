/* CKAN's DataTables view under the Content-Security-Policy: the globals its module
 * reads (gdataDict, gresviewId) come from a JSON data block instead of an inline
 * script, and the "refit" button gets its handler here instead of onclick="". */
(function () {
  "use strict";
  var block = document.getElementById("provincialstats-dtv-data");
  if (block) {
    var data = JSON.parse(block.textContent);
    window.gdataDict = data.dataDict;
    window.gresviewId = data.resviewId;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-provincialstats-refit]");
    if (button && typeof window.fitColText === "function") {
      event.preventDefault();
      window.fitColText();
    }
  });
})();
