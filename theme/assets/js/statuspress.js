/* statuspress: progressive touches over a page that is complete without them.
   - times in the reader's zone, the site's zone one click away (a button in the footer);
   - "ongoing for" recomputed; a notice when the page was built over 30 minutes ago;
   - each uptime strip one tab stop (arrow keys, Home, End), a tapped day shows its words;
   - feed links kept out of Material's language-alternate lookup (it fetches a sitemap beside each).
   The HTML never depends on this file: it only changes the DOM in the browser. */
(function () {
  "use strict";
  var STALE_MS = 30 * 60 * 1000;
  var now = Date.now();

  var feedLinks = Array.prototype.slice.call(document.querySelectorAll('link[rel="alternate"][type]'));

  // Material reads every link[rel=alternate] as a translation and fetches sitemap.xml beside it,
  // a failed request per feed. This runs before DOMContentLoaded, when Material looks.
  feedLinks.forEach(function (link) {
    link.setAttribute("rel", "alternate feed");
  });

  // ---------------------------------------------------------------- words
  // In the site's language, from <meta name="statuspress-words"> (generator/site/mkdocs_backend.py:
  // js_words); English when the page has none.
  var W = {
    locale: "en-GB", days: "{days} d {hours} h", hours: "{hours} h {minutes:02} min", minutes: "{minutes} min",
    ago: "{duration} ago", ongoing: "ongoing for {duration}", zone_local: "Times in your time zone ({zone}).",
    zone_local_unknown: "local", zone_site: "Times in the site's time zone.", show_site: "Show the site's time zone",
    show_mine: "Show my time zone", estimate_passed: "(estimate passed, awaiting update)",
    stale: "This page may be out of date: it was built {duration} ago, at {when}. Reload it for the latest status."
  };
  var wordsMeta = document.querySelector('meta[name="statuspress-words"]');
  if (wordsMeta) {
    try {
      var given = JSON.parse(wordsMeta.getAttribute("content"));
      Object.keys(given).forEach(function (key) { W[key] = given[key]; });
    } catch (e) { /* malformed: English stays */ }
  }
  function fill(template, values) {
    return template.replace(/\{([a-z_]+)(:02)?\}/g, function (all, name, pad) {
      var v = String(values[name]);
      return pad && v.length < 2 ? "0" + v : v;
    });
  }

  // ---------------------------------------------------------------- durations
  // The same forms as the pages (generator/timeparse.py: format_duration).
  function duration(ms) {
    var minutes = Math.max(0, Math.floor(ms / 60000));
    var d = Math.floor(minutes / 1440), h = Math.floor((minutes % 1440) / 60), m = minutes % 60;
    if (d) return fill(W.days, { days: d, hours: h });
    if (h) return fill(W.hours, { hours: h, minutes: m });
    return fill(W.minutes, { minutes: m });
  }

  // ---------------------------------------------------------------- times
  var times = Array.prototype.filter.call(
    document.querySelectorAll(".md-content time[datetime], .sp-footer time[datetime]"),
    function (t) { return /T\d\d:\d\d/.test(t.getAttribute("datetime")); }
  );
  var viewerZone = "";
  try { viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* old browser */ }
  var format = null;
  try {
    format = new Intl.DateTimeFormat(W.locale, {
      day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
      hourCycle: "h23", timeZoneName: "short"
    });
  } catch (e) { /* no Intl: the site's times stay */ }

  function showTimes(local) {
    times.forEach(function (t) {
      if (!t.hasAttribute("data-sp-site")) t.setAttribute("data-sp-site", t.textContent);
      t.textContent = local ? format.format(new Date(t.getAttribute("datetime"))) : t.getAttribute("data-sp-site");
      t.title = local ? t.getAttribute("data-sp-site") : "";
      if (!local) t.removeAttribute("title");
    });
  }

  var content = document.querySelector(".md-content__inner");
  // Added lines go under the overall banner (it stays the first thing), else under the title.
  function placeAfterBanner(node) {
    var anchor = content.querySelector(".sp-banner") || content.querySelector("h1");
    if (anchor && anchor.parentNode) anchor.parentNode.insertBefore(node, anchor.nextSibling);
    else content.insertBefore(node, content.firstChild);
  }
  if (format && times.length) {
    var bar = document.createElement("p");
    bar.className = "sp-zone sp-footer__line";
    var label = document.createElement("span");
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "sp-zone__toggle";
    var local = true;
    var render = function () {
      showTimes(local);
      label.textContent = (local ? fill(W.zone_local, { zone: viewerZone || W.zone_local_unknown }) : W.zone_site) + " ";
      toggle.textContent = local ? W.show_site : W.show_mine;
      toggle.setAttribute("aria-pressed", local ? "false" : "true");
    };
    toggle.addEventListener("click", function () { local = !local; render(); });
    bar.appendChild(label);
    bar.appendChild(toggle);
    render();
    // In the footer, beside the build time: below the fold, so nothing on screen moves.
    var footer = document.querySelector(".sp-footer");
    if (footer) footer.appendChild(bar);
    else placeAfterBanner(bar);
  }

  // "ongoing for 2 h 10 min (since <time>)": the words before the time, recomputed from it.
  document.querySelectorAll(".md-content time[datetime]").forEach(function (t) {
    var before = t.previousSibling;
    if (!before || before.nodeType !== 3) return;
    var match = /(ongoing for )([^()]+?)( \(since )$/i.exec(before.nodeValue);
    var start = Date.parse(t.getAttribute("datetime"));
    if (match && !isNaN(start)) {
      before.nodeValue = before.nodeValue.slice(0, match.index) + match[1] + duration(now - start) + match[3];
    }
  });
  // "<time> (ongoing for 4 h 20 min)": the words after the time.
  document.querySelectorAll(".md-content time[datetime]").forEach(function (t) {
    var after = t.nextSibling;
    if (!after || after.nodeType !== 3) return;
    var match = /^( \(ongoing for )([^()]+)(\))/i.exec(after.nodeValue);
    var start = Date.parse(t.getAttribute("datetime"));
    if (match && !isNaN(start)) {
      after.nodeValue = match[1] + duration(now - start) + match[3] + after.nodeValue.slice(match[0].length);
    }
  });
  // An expected fix time that has passed on the reader's clock (the page said it was ahead).
  document.querySelectorAll(".sp-estimate").forEach(function (el) {
    var t = el.querySelector("time[datetime]");
    var at = t ? Date.parse(t.getAttribute("datetime")) : NaN;
    if (!isNaN(at) && at < now && !el.classList.contains("sp-estimate--passed") && !el.querySelector(".sp-estimate__passed")) {
      var mark = document.createElement("span");
      mark.className = "sp-estimate__passed";
      mark.textContent = " " + W.estimate_passed;
      el.appendChild(mark);
    }
  });
  // Elements that ask for it: data-sp-ongoing="ISO" ("ongoing for ..."), data-sp-ago="ISO" ("25 min ago").
  document.querySelectorAll("[data-sp-ongoing]").forEach(function (el) {
    var start = Date.parse(el.getAttribute("data-sp-ongoing"));
    if (!isNaN(start)) el.textContent = fill(W.ongoing, { duration: duration(now - start) });
  });
  document.querySelectorAll("[data-sp-ago]").forEach(function (el) {
    var at = Date.parse(el.getAttribute("data-sp-ago"));
    if (!isNaN(at)) el.textContent = fill(W.ago, { duration: duration(now - at) });
  });

  // ---------------------------------------------------------------- stale notice
  var built = document.querySelector(".sp-footer time[datetime]");
  var builtAt = built ? Date.parse(built.getAttribute("datetime")) : NaN;
  if (content && !isNaN(builtAt) && now - builtAt > STALE_MS) {
    var notice = document.createElement("p");
    notice.className = "sp-stale";
    notice.setAttribute("role", "status");
    var when = document.createElement("time");
    when.setAttribute("datetime", built.getAttribute("datetime"));
    when.textContent = built.textContent;
    // The sentence around the build time: the time stays a <time> element.
    var parts = fill(W.stale, { duration: duration(now - builtAt), when: "\u0000" }).split("\u0000");
    notice.appendChild(document.createTextNode(parts[0]));
    notice.appendChild(when);
    notice.appendChild(document.createTextNode(parts.slice(1).join("")));
    placeAfterBanner(notice);
  }

  // ---------------------------------------------------------------- uptime strips
  var narrow = window.matchMedia ? window.matchMedia("(max-width: 37.5em)") : null;
  var counter = 0;
  document.querySelectorAll("ol.sp-bars__days").forEach(function (strip) {
    var days = Array.prototype.slice.call(strip.children);
    if (!days.length) return;
    var strip_id = "sp-strip-" + (++counter);
    days.forEach(function (day, i) {
      var link = day.querySelector("a");
      if (!link) return;
      day.setAttribute("data-href", link.getAttribute("href"));
      link.removeAttribute("href"); // one target per strip: the strip, not 90 tiny links
      link.setAttribute("role", "presentation");
      day.id = strip_id + "-" + i;
      day.setAttribute("role", "option");
      day.setAttribute("aria-selected", "false");
    });
    strip.classList.add("sp-js");
    strip.setAttribute("role", "listbox");
    strip.tabIndex = 0;
    var visible = function () {
      return days.filter(function (d) { return d.offsetParent !== null || !narrow || !narrow.matches; });
    };
    var current = null;
    var choose = function (day) {
      if (current) { current.classList.remove("sp-on", "sp-tapped"); current.setAttribute("aria-selected", "false"); }
      current = day;
      day.classList.add("sp-on");
      day.setAttribute("aria-selected", "true");
      strip.setAttribute("aria-activedescendant", day.id);
    };
    choose(days[days.length - 1]); // today
    strip.addEventListener("keydown", function (event) {
      var shown = visible();
      var at = shown.indexOf(current);
      var next = null;
      if (event.key === "ArrowLeft" || event.key === "ArrowUp") next = shown[Math.max(0, at - 1)];
      else if (event.key === "ArrowRight" || event.key === "ArrowDown") next = shown[Math.min(shown.length - 1, at + 1)];
      else if (event.key === "Home") next = shown[0];
      else if (event.key === "End") next = shown[shown.length - 1];
      else if (event.key === "Enter" && current) { window.location.href = current.getAttribute("data-href"); }
      if (next) { event.preventDefault(); choose(next); }
    });
    strip.addEventListener("click", function (event) {
      var day = event.target.closest ? event.target.closest("li") : null;
      if (!day || day.parentNode !== strip) return;
      choose(day);
      day.classList.add("sp-tapped");
      strip.focus();
    });
  });
  // ---------------------------------------------------------------- subscribe menu
  // The header's Subscribe link opens a small menu of this page's feeds; its last entry is the
  // Subscribe page (everything: feeds per service, calendar, API, badges). Without JS: the link.
  var subscribe = document.querySelector("a.sp-subscribe");
  var feeds = feedLinks.filter(function (l) { return l.getAttribute("type") === "application/rss+xml"; });
  if (subscribe && feeds.length) {
    var menu = document.createElement("div");
    menu.className = "sp-menu";
    menu.id = "sp-subscribe-menu";
    menu.hidden = true;
    var list = document.createElement("ul");
    var add = function (text, href) {
      var item = document.createElement("li");
      var a = document.createElement("a");
      a.href = href;
      a.textContent = text;
      item.appendChild(a);
      list.appendChild(item);
    };
    var site = (document.querySelector(".md-header__topic .md-ellipsis") || {}).textContent || "";
    feeds.forEach(function (l) {
      var title = (l.getAttribute("title") || l.href).replace(site.trim() + ": ", "");
      add(title.charAt(0).toUpperCase() + title.slice(1), l.href);
    });
    add("All feeds, calendar, API and badges", subscribe.href);
    menu.appendChild(list);
    subscribe.parentNode.insertBefore(menu, subscribe.nextSibling);
    subscribe.setAttribute("aria-expanded", "false");
    subscribe.setAttribute("aria-controls", menu.id);
    var open = function (show) {
      menu.hidden = !show;
      subscribe.setAttribute("aria-expanded", show ? "true" : "false");
    };
    subscribe.addEventListener("click", function (event) {
      if (event.metaKey || event.ctrlKey || event.shiftKey) return;
      event.preventDefault();
      open(menu.hidden);
      if (!menu.hidden) list.querySelector("a").focus();
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !menu.hidden) { open(false); subscribe.focus(); }
    });
    document.addEventListener("click", function (event) {
      if (!menu.hidden && !menu.contains(event.target) && event.target !== subscribe) open(false);
    });
  }

  // ---------------------------------------------------------------- auto-refresh (theme.auto_refresh)
  // Off unless the site sets it. While something is under way (the status API's indicator is not
  // "none"), ask the API every N seconds and reload when its status or update time changed.
  var refresh = document.querySelector('meta[name="statuspress-refresh"]');
  var script = document.currentScript;
  var every = refresh ? parseInt(refresh.getAttribute("content"), 10) : 0;
  if (every >= 5 && script && script.src && window.fetch) {
    var statusUrl = script.src.replace(/assets\/js\/statuspress\.js(?:[?#].*)?$/, "api/v2/status.json");
    var seen = null, timer = null;
    var check = function () {
      if (document.hidden) return;
      fetch(statusUrl, { cache: "no-store" }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
        if (!data || !data.status) return;
        var mark = JSON.stringify([data.status.indicator, data.page && data.page.updated_at]);
        if (seen === null) {
          seen = mark;
          if (data.status.indicator === "none" && timer !== null) clearInterval(timer);  // nothing under way
        } else if (mark !== seen) {
          window.location.reload();
        }
      }).catch(function () { /* offline or not served: try again next time */ });
    };
    timer = setInterval(check, every * 1000);
    check();
  }
})();
