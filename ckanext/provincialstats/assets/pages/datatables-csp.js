/* CKAN's DataTables view under the Content-Security-Policy (no 'unsafe-inline').
 *
 * 1. The globals its module reads (gdataDict, gresviewId) come from a JSON data block
 *    instead of an inline script; the "refit" button gets its handler here instead of
 *    onclick="".
 * 2. Inline style attributes. What the policy blocked (style-src-attr), measured in
 *    Chromium with CKAN 2.11.6: datatablesview.js builds each column filter as an HTML
 *    string with style="width:100%" (parsed by jQuery, i.e. innerHTML); DataTables,
 *    on every draw of a scrolling table, sets its sizing row's cells with
 *    innerHTML = '<div class="dataTables_sizing">' + the cell's previous innerHTML,
 *    which by then carries the style="height: 0px; overflow: hidden" DataTables itself
 *    gave that div through the CSSOM; in list (responsive) mode the record dialog's
 *    title is a span with style="" and its copy and print buttons have onclick=""
 *    handlers. A style set from script through the CSSOM (element.style) is allowed;
 *    only style attributes in parsed markup are blocked. So on this page every HTML
 *    string given to innerHTML, outerHTML or insertAdjacentHTML (jQuery included) has
 *    its style attributes renamed data-provincialstats-style, and each distinct value
 *    becomes a rule [data-provincialstats-style="..."] { ... } of a constructed style
 *    sheet (document.adoptedStyleSheets, CSSOM: not blocked), its declarations set
 *    through CSSStyleDeclaration.cssText (declarations only: no rule can be injected).
 *    The same look, nothing blocked. The dialog's two handlers become data attributes
 *    with a click handler here (handler text is never evaluated).
 * 3. CKAN's DataTables CSS names an icon its bundle does not serve (404): see
 *    datatables-csp.css.
 * 4. On a non-English page CKAN's module calls setTimeout(initFilterObserver(), 100):
 *    the observer is set up at once and setTimeout gets undefined, which the browser
 *    turns into the string "undefined" to evaluate (refused: no 'unsafe-eval'). Here
 *    setTimeout and setInterval drop a handler that is not a function (under this
 *    policy a string handler can never run anyway).
 * 5. Not CSP: DataTables reads a column's data name with dots as a path into nested
 *    objects, so a column named "ปี พ.ศ." was looked up as row["ปี พ"]["ศ"] and stayed
 *    empty ("Requested unknown parameter"). Each row the server sends also gets its
 *    dotted keys' values at that path (split as DataTables splits them).
 */
(function () {
  "use strict";
  var block = document.getElementById("provincialstats-dtv-data");
  if (block) {
    var data = JSON.parse(block.textContent);
    window.gdataDict = data.dataDict;
    window.gresviewId = data.resviewId;
  }

  var STYLE_DATA = "data-provincialstats-style";
  // A style attribute inside a start tag (double- or single-quoted value).
  var STYLE_ATTR = /(<[a-zA-Z][^<>]*?\s)style=("[^"]*"|'[^']*')/g;
  var HANDLER = /\sonclick="(copyModal|printModal)\('([^'"]*)'\)"/g;

  var sheet = null;
  var known = {};
  try {
    sheet = new CSSStyleSheet();
    document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
  } catch (e) {
    sheet = null;  // an old browser: the styles are dropped (cosmetic), still no violation
  }

  function addRule(value) {
    if (!sheet || known[value]) return;
    known[value] = true;
    try {
      var selector = "[" + STYLE_DATA + '="' + window.CSS.escape(value) + '"]';
      var index = sheet.insertRule(selector + " {}", sheet.cssRules.length);
      sheet.cssRules[index].style.cssText = value;
    } catch (e) {
      // a value the browser cannot parse: dropped, as an invalid style attribute is
    }
  }

  function rewrite(html) {
    if (typeof html !== "string" || html.indexOf("style=") < 0 && html.indexOf("onclick=") < 0) {
      return html;
    }
    var previous;
    do {  // several style attributes in one tag: one per pass
      previous = html;
      html = html.replace(STYLE_ATTR, function (all, start, quoted) {
        addRule(decode(quoted.slice(1, -1)));
        return start + STYLE_DATA + "=" + quoted;
      });
    } while (html !== previous);
    return html.replace(HANDLER, function (all, fn, title) {
      return ' data-provincialstats-modal="' + (fn === "copyModal" ? "copy" : "print") +
        '" data-provincialstats-title="' + title + '"';
    });
  }

  // The attribute's value as the browser will read it (entities decoded), without
  // parsing any markup.
  var decoder = document.createElement("textarea");
  function decode(text) {
    if (text.indexOf("&") < 0) return text;
    decoder.innerHTML = text.replace(/</g, "&lt;");
    return decoder.value;
  }

  function wrapSetter(proto, name) {
    var desc = Object.getOwnPropertyDescriptor(proto, name);
    if (!desc || !desc.set) return;
    Object.defineProperty(proto, name, {
      configurable: true, enumerable: desc.enumerable, get: desc.get,
      set: function (value) { desc.set.call(this, rewrite(value)); }
    });
  }
  wrapSetter(Element.prototype, "innerHTML");
  wrapSetter(Element.prototype, "outerHTML");
  var insertAdjacent = Element.prototype.insertAdjacentHTML;
  Element.prototype.insertAdjacentHTML = function (where, html) {
    return insertAdjacent.call(this, where, rewrite(html));
  };

  ["setTimeout", "setInterval"].forEach(function (name) {
    var native = window[name];
    window[name] = function (handler) {
      if (typeof handler !== "function") return 0;
      return native.apply(window, arguments);
    };
  });

  function nest(row) {
    Object.keys(row).forEach(function (key) {
      if (key.indexOf(".") < 0) return;
      var parts = key.match(/(\\.|[^.])+/g) || [];
      var target = row;
      for (var i = 0; i < parts.length - 1; i++) {
        var part = parts[i].replace(/\\\./g, ".");
        if (typeof target[part] !== "object" || target[part] === null) target[part] = {};
        target = target[part];
      }
      if (parts.length) target[parts[parts.length - 1].replace(/\\\./g, ".")] = row[key];
    });
  }
  if (window.jQuery) {
    window.jQuery(document).on("xhr.dt", function (event, settings, json) {
      if (json && Array.isArray(json.data)) json.data.forEach(nest);
    });
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target : null;
    if (!target) return;
    var button = target.closest("[data-provincialstats-refit]");
    if (button && typeof window.fitColText === "function") {
      event.preventDefault();
      window.fitColText();
      return;
    }
    var modal = target.closest("[data-provincialstats-modal]");
    if (modal) {
      event.preventDefault();
      var title = modal.getAttribute("data-provincialstats-title") || "";
      var fn = modal.getAttribute("data-provincialstats-modal") === "copy"
        ? window.copyModal : window.printModal;
      if (typeof fn === "function") fn(title);
    }
  });
})();
