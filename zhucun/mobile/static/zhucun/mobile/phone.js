/* The phone pages' behaviour: every form goes to the outbox first, then to the API.
 * Nothing here needs a connection to accept an entry; sending happens whenever the
 * network is there (on load, when the phone comes back online, every 30 seconds). */
(function () {
  "use strict";
  var body = document.body;
  var user = body.dataset.user;
  var outbox = window.ZhucunOutbox;
  var list = document.getElementById("outbox");
  var hint = document.getElementById("outbox-hint");
  var net = document.getElementById("net");
  var sending = false;
  var loginNeeded = false;
  var SENT_KEPT_MS = 24 * 3600 * 1000;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function localDate(d) { return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()); }
  function clock(iso) { var d = new Date(iso); return (d.getMonth() + 1) + "月" + d.getDate() + "日 " + pad(d.getHours()) + ":" + pad(d.getMinutes()); }

  // A page kept by the service worker may be days old: dates default to the phone's today.
  function fillDefaults(root) {
    root.querySelectorAll("input[data-today]").forEach(function (input) {
      if (!input.value) { input.value = localDate(new Date()); }
    });
  }

  function payload(form) {
    var data = {};
    new FormData(form).forEach(function (value, name) { data[name] = value; });
    form.querySelectorAll("[data-int]").forEach(function (el) {
      if (data[el.name] !== undefined && data[el.name] !== "") { data[el.name] = parseInt(data[el.name], 10); }
    });
    form.querySelectorAll("[data-now]").forEach(function (el) { data[el.name] = new Date().toISOString(); });
    // A group of checkboxes is a list of numbers.
    form.querySelectorAll("[data-list]").forEach(function (group) {
      var name = group.dataset.list;
      data[name] = Array.prototype.map.call(group.querySelectorAll("input:checked"), function (el) {
        return parseInt(el.value, 10);
      });
    });
    // One choice that sets two fields ("visit,home" -> kind, channel).
    form.querySelectorAll("[data-split]").forEach(function (group) {
      var spec = group.dataset.split.split(":"), names = spec[1].split(",");
      var values = (data[spec[0]] || "").split(",");
      names.forEach(function (name, i) { data[name] = values[i] || ""; });
      delete data[spec[0]];
    });
    return data;
  }

  function summary(form, data) {
    var label = form.dataset.label;
    if (data.day) { label += " " + data.day; }
    if (data.start && data.end) { label += " " + data.start + "至" + data.end; }
    var select = form.querySelector("select");
    if (select && select.selectedOptions.length) { label += " · " + select.selectedOptions[0].text; }
    return label;
  }

  function stateText(entry) {
    if (entry.state === "sent") { return "已发送"; }
    if (entry.state === "failed") { return "未能保存"; }
    return "未发送";
  }

  function render() {
    return outbox.forUser(user).then(function (entries) {
      var now = Date.now();
      entries = entries.filter(function (e) {
        if (e.state === "sent" && now - Date.parse(e.sentAt) > SENT_KEPT_MS) { outbox.remove(e.key); return false; }
        return true;
      }).sort(function (a, b) { return a.created < b.created ? -1 : 1; });
      list.textContent = "";
      var waiting = 0;
      entries.forEach(function (e) {
        if (e.state === "pending") { waiting += 1; }
        var li = document.createElement("li");
        li.className = e.state;
        li.dataset.key = e.key;
        li.dataset.kind = e.kind;
        var what = document.createElement("span");
        what.className = "what";
        what.textContent = e.label + " · " + clock(e.created);
        var state = document.createElement("span");
        state.className = "state";
        state.textContent = stateText(e);
        li.appendChild(what);
        li.appendChild(state);
        if (e.state === "failed") {
          var why = document.createElement("span");
          why.className = "why";
          why.textContent = e.error || "";
          var drop = document.createElement("button");
          drop.type = "button";
          drop.textContent = "删除";
          drop.addEventListener("click", function () { outbox.remove(e.key).then(render); });
          li.appendChild(why);
          li.appendChild(drop);
        }
        list.appendChild(li);
      });
      if (loginNeeded && waiting) {
        hint.textContent = "登录已过期:" + waiting + "条记录保存在手机上,重新登录后自动发送。";
      } else if (waiting) {
        hint.textContent = waiting + "条记录未发送,有网络时自动发送。";
      } else {
        hint.textContent = "没有未发送的记录。";
      }
      showNetwork(waiting);
    });
  }

  function showNetwork(waiting) {
    var offline = !navigator.onLine;
    net.className = "net" + (offline ? " offline" : "");
    net.textContent = offline ? "离线" : (waiting ? waiting + "条待发" : "在线");
  }

  function session() {
    return fetch(body.dataset.me, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (r.status === 401 || r.status === 403) { return null; }
        if (!r.ok) { throw new Error("server " + r.status); }
        return r.json();
      });
  }

  function send(entry, token) {
    return fetch(entry.url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": token,
        "Idempotency-Key": entry.key
      },
      body: JSON.stringify(entry.body)
    }).then(function (r) {
      if (r.ok) {
        entry.state = "sent";
        entry.sentAt = new Date().toISOString();
        return outbox.put(entry).then(function () { return "next"; });
      }
      if (r.status >= 500 || r.status === 401 || r.status === 429) { return r.status === 401 ? "login" : "later"; }
      return r.json().catch(function () { return {}; }).then(function (err) {
        if (r.status === 403 && /CSRF/.test(err.message || "")) { return "login"; }
        entry.state = "failed";
        entry.error = err.message || ("服务器拒绝(" + r.status + ")");
        return outbox.put(entry).then(function () { return "next"; });
      });
    });
  }

  function flush() {
    if (sending || !navigator.onLine) { return Promise.resolve(render()); }
    sending = true;
    return outbox.forUser(user).then(function (entries) {
      var pending = entries.filter(function (e) { return e.state === "pending"; });
      if (!pending.length) { return null; }
      return session().then(function (me) {
        // The phone may hold another user's entries; only the logged-in user's go out.
        loginNeeded = !me || me.username !== user;
        if (loginNeeded) { return null; }
        return pending.reduce(function (chain, entry) {
          return chain.then(function (outcome) {
            return outcome === "next" ? send(entry, me.csrf_token) : outcome;
          });
        }, Promise.resolve("next")).then(function (outcome) {
          loginNeeded = outcome === "login";
        });
      });
    }).catch(function () {
      // No network after all, or a server hiccup: the entries stay and go next time.
    }).then(function () {
      sending = false;
      return render();
    });
  }

  document.querySelectorAll("form[data-queue]").forEach(function (form) {
    fillDefaults(form);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = payload(form);
      var entry = {
        key: outbox.newKey(),
        user: user,
        kind: form.dataset.queue,
        url: form.getAttribute("action"),
        body: data,
        label: summary(form, data),
        created: new Date().toISOString(),
        state: "pending"
      };
      outbox.put(entry).then(function () {
        form.reset();
        fillDefaults(form);
        return render();
      }).then(flush);
    });
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", render);
  setInterval(flush, 30000);
  render().then(flush);

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(body.dataset.sw, { scope: body.dataset.scope }).catch(function () {});
  }
})();
