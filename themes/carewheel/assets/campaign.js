/* carewheel landing pages: first-party campaign tracking, no vendor script.
 *
 * - Reads only allowlisted UTM keys from the URL; values are lowercased, stripped to
 *   [a-z0-9._-] and cut to 100 characters. Nothing from the URL is ever written as HTML.
 * - First touch: kept 90 days in localStorage. Last touch: kept for the session.
 * - Fills the request form's hidden ft_* / lt_* fields with .value.
 * - window.dataLayer events with GA4-valid names: campaign_view, cta_click (call, schedule,
 *   triage), generate_lead only after the form endpoint confirms. Payloads carry the tracking
 *   id, the variant and the CTA type: never form values or anything about health.
 * Without JavaScript the page still works: the form posts its tracking id and variant.
 */
(function () {
  "use strict";

  var KEYS = ["utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "utm_id"];
  var FIRST_TOUCH = "carewheel.first_touch";
  var LAST_TOUCH = "carewheel.last_touch";
  var FIRST_TOUCH_DAYS = 90;
  var MAX_LENGTH = 100;
  var DAY_MS = 86400000;

  function sanitize(value) {
    return String(value).toLowerCase().replace(/[^a-z0-9._-]+/g, "").slice(0, MAX_LENGTH);
  }

  function fromUrl(search) {
    var params = new URLSearchParams(search);
    var touch = {};
    var found = false;
    KEYS.forEach(function (key) {
      if (params.has(key)) {
        var value = sanitize(params.get(key));
        if (value) {
          touch[key] = value;
          found = true;
        }
      }
    });
    return found ? touch : null;
  }

  function read(storage, name) {
    try {
      var parsed = JSON.parse(storage.getItem(name) || "null");
      return parsed && typeof parsed === "object" ? parsed : null;
    } catch (e) {
      return null;
    }
  }

  function write(storage, name, value) {
    try {
      storage.setItem(name, JSON.stringify(value));
    } catch (e) {
      /* storage blocked (private mode, policy): the fields stay empty */
    }
  }

  function clean(touch) {
    /* Stored values are sanitized again: storage is not trusted either. */
    var out = {};
    if (!touch || typeof touch.values !== "object" || touch.values === null) {
      return out;
    }
    KEYS.forEach(function (key) {
      if (Object.prototype.hasOwnProperty.call(touch.values, key)) {
        var value = sanitize(touch.values[key]);
        if (value) {
          out[key] = value;
        }
      }
    });
    return out;
  }

  var now = Date.now();
  var current = fromUrl(window.location.search);
  var first = read(window.localStorage, FIRST_TOUCH);
  if (first && !(typeof first.at === "number" && now - first.at < FIRST_TOUCH_DAYS * DAY_MS)) {
    first = null;
  }
  if (current && !first) {
    first = { values: current, at: Math.floor(now / DAY_MS) * DAY_MS };
    write(window.localStorage, FIRST_TOUCH, first);
  }
  var last = read(window.sessionStorage, LAST_TOUCH);
  if (current) {
    last = { values: current };
    write(window.sessionStorage, LAST_TOUCH, last);
  }
  var firstValues = clean(first);
  var lastValues = clean(last);

  var article = document.querySelector("[data-tracking-id]");
  var campaign = article ? article.getAttribute("data-tracking-id") : "";
  var variant = article ? article.getAttribute("data-variant") : "";
  window.dataLayer = window.dataLayer || [];

  function push(event, extra) {
    var payload = { event: event, campaign_id: campaign, variant_id: variant };
    Object.keys(extra || {}).forEach(function (key) {
      payload[key] = extra[key];
    });
    window.dataLayer.push(payload);
  }

  push("campaign_view", {});

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-cta]") : null;
    if (target) {
      var type = target.getAttribute("data-cta");
      if (type === "call" || type === "schedule" || type === "triage") {
        push("cta_click", { cta_type: type });
      }
    }
  });

  var form = document.querySelector("form[data-campaign-form]");
  if (!form) {
    return;
  }
  KEYS.forEach(function (key) {
    var ft = form.querySelector('input[type="hidden"][name="ft_' + key + '"]');
    var lt = form.querySelector('input[type="hidden"][name="lt_' + key + '"]');
    if (ft) {
      ft.value = firstValues[key] || "";
    }
    if (lt) {
      lt.value = lastValues[key] || "";
    }
  });

  var status = form.querySelector(".request-form__status");
  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  form.addEventListener("submit", function (event) {
    if (!window.fetch || !window.FormData) {
      return; /* the browser posts the form itself */
    }
    event.preventDefault();
    var button = form.querySelector('button[type="submit"]');
    if (button) {
      button.disabled = true;
    }
    say("Sending your request...");
    window
      .fetch(form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        headers: { Accept: "application/json" },
        credentials: "omit",
      })
      .then(function (response) {
        if (response.ok) {
          push("generate_lead", {});
          form.reset();
          say("Thank you. We will call you soon.");
        } else {
          say("We could not send your request. Please call us instead.");
        }
      })
      .catch(function () {
        /* The endpoint could not be reached from script (network, CORS): post natively. */
        form.submit();
      })
      .finally(function () {
        if (button) {
          button.disabled = false;
        }
      });
  });
})();
