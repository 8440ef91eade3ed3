/* Full-text search of the web edition, offline and from file://.
   The index is a script (search-index.js) that sets window.MAKE_BOOK_SEARCH, because browsers
   refuse fetch() of a local JSON file. Matching folds case, accents, ligatures, apostrophes
   and spaces on both sides, so « goulot d'etranglement » finds « goulot d’étranglement ». */
(function () {
  "use strict";

  var data = window.MAKE_BOOK_SEARCH;
  var form = document.querySelector(".search-form");
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!data || !form || !input || !list || !status) return;

  var MAX_RESULTS = 60;
  var CONTEXT_BEFORE = 70;
  var CONTEXT_AFTER = 150;
  var SPECIAL = {
    "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss",
    "’": "'", "‘": "'", "ʼ": "'", "´": "'", "`": "'",
    "«": "\"", "»": "\"", "“": "\"", "”": "\"", "„": "\"",
    "‐": "-", "‑": "-", "–": "-", "—": "-"
  };

  /* Fold one character to what we compare: lower case, no accent, plain punctuation. */
  function foldChar(c) {
    if (Object.prototype.hasOwnProperty.call(SPECIAL, c)) return SPECIAL[c];
    // What typesetting adds and a reader never types: the word joiner that binds a dash to
    // its word, soft hyphens, zero-width spaces.
    if (c === "\u2060" || c === "\u00ad" || c === "\u200b") return "";
    if (/\s/.test(c)) return " ";
    return c.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  /* The folded text and, for each folded character, its index in the original, so that a
     match found in the folded text can be highlighted in the original one. */
  function fold(text) {
    var out = [];
    var map = [];
    var space = true;
    for (var i = 0; i < text.length; i++) {
      var f = foldChar(text[i]);
      if (f === " ") {
        if (space) continue;
        space = true;
      } else {
        space = false;
      }
      for (var j = 0; j < f.length; j++) {
        out.push(f[j]);
        map.push(i);
      }
    }
    return { text: out.join(""), map: map };
  }

  var folded = [];
  function foldedEntry(index) {
    if (!folded[index]) folded[index] = fold(data.entries[index][2]);
    return folded[index];
  }

  function allIndexes(haystack, needle) {
    var found = [];
    var at = haystack.indexOf(needle);
    while (at !== -1 && found.length < 50) {
      found.push(at);
      at = haystack.indexOf(needle, at + needle.length);
    }
    return found;
  }

  /* Every entry holding all the words; the whole phrase ranks first, then reading order. */
  function search(query) {
    var phrase = fold(query).text.trim();
    if (!phrase) return [];
    var terms = phrase.split(" ").filter(function (w) { return w.length > 1; });
    if (!terms.length) terms = [phrase];
    var results = [];
    for (var i = 0; i < data.entries.length; i++) {
      var text = foldedEntry(i).text;
      var ranges = [];
      var score = 0;
      var missing = false;
      for (var t = 0; t < terms.length && !missing; t++) {
        var hits = allIndexes(text, terms[t]);
        if (!hits.length) missing = true;
        score += Math.min(hits.length, 5);
        hits.forEach(function (h) { ranges.push([h, h + terms[t].length]); });
      }
      if (missing) continue;
      var whole = text.indexOf(phrase);
      if (whole !== -1) {
        score += 100;
        ranges.unshift([whole, whole + phrase.length]);
      }
      results.push({ index: i, score: score, first: ranges[0][0], ranges: ranges });
    }
    results.sort(function (a, b) { return b.score - a.score || a.index - b.index; });
    return results;
  }

  /* A window of the original text around the first match, with every match marked. */
  function snippet(result) {
    var original = data.entries[result.index][2];
    var f = foldedEntry(result.index);
    var start = Math.max(0, f.map[result.first] - CONTEXT_BEFORE);
    var end = Math.min(original.length, f.map[result.first] + CONTEXT_AFTER);
    if (start > 0) start = original.indexOf(" ", start) + 1 || start;
    if (end < original.length) end = original.lastIndexOf(" ", end) > start ? original.lastIndexOf(" ", end) : end;
    var marks = result.ranges.map(function (r) {
      return [f.map[r[0]], f.map[r[1] - 1] + 1];
    }).filter(function (r) { return r[0] >= start && r[1] <= end; })
      .sort(function (a, b) { return a[0] - b[0]; });
    var fragment = document.createDocumentFragment();
    var at = start;
    if (start > 0) fragment.appendChild(document.createTextNode("… "));
    marks.forEach(function (r) {
      if (r[0] < at) return;
      fragment.appendChild(document.createTextNode(original.slice(at, r[0])));
      var mark = document.createElement("mark");
      mark.textContent = original.slice(r[0], r[1]);
      fragment.appendChild(mark);
      at = r[1];
    });
    fragment.appendChild(document.createTextNode(original.slice(at, end)));
    if (end < original.length) fragment.appendChild(document.createTextNode(" …"));
    return fragment;
  }

  function plural(count) {
    if (count === 0) return status.dataset.none;
    if (count === 1) return status.dataset.one;
    return status.dataset.many.replace("{count}", String(count));
  }

  function render(query) {
    list.textContent = "";
    if (!query.trim()) {
      status.textContent = "";
      return;
    }
    var results = search(query);
    status.textContent = plural(results.length);
    results.slice(0, MAX_RESULTS).forEach(function (result) {
      var entry = data.entries[result.index];
      var doc = data.docs[entry[0]];
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = doc[0] + "#" + entry[1];
      var title = document.createElement("span");
      title.className = "result-title";
      title.textContent = doc[1];
      var text = document.createElement("span");
      text.className = "result-snippet";
      text.appendChild(snippet(result));
      link.appendChild(title);
      link.appendChild(text);
      item.appendChild(link);
      list.appendChild(item);
    });
  }

  function remember(query) {
    // Keeps the query in the address (back button, sharing); some browsers refuse it on
    // file://, which costs nothing but that convenience.
    try {
      var url = new URL(window.location.href);
      if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
      window.history.replaceState(null, "", url.href);
    } catch (error) { /* file:// in a strict browser */ }
  }

  var timer = null;
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      render(input.value);
      remember(input.value);
    }, 120);
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    window.clearTimeout(timer);
    render(input.value);
    remember(input.value);
  });

  /* Arrow keys walk from the field through the results and back. */
  function links() { return Array.prototype.slice.call(list.querySelectorAll("a")); }
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && links().length) {
      event.preventDefault();
      links()[0].focus();
    } else if (event.key === "Escape" && input.value) {
      event.preventDefault();
      input.value = "";
      render("");
      remember("");
    }
  });
  list.addEventListener("keydown", function (event) {
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (at === -1) return;
    if (event.key === "ArrowDown" && at + 1 < all.length) {
      event.preventDefault();
      all[at + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      (at > 0 ? all[at - 1] : input).focus();
    } else if (event.key === "Escape") {
      input.focus();
    }
  });

  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    render(initial);
  }
  input.focus();
})();
