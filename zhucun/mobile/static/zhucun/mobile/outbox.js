/* The outbox: entries made on the phone, kept in IndexedDB until the server has them.
 * IndexedDB survives closing the page and restarting the phone; each entry's key
 * doubles as its Idempotency-Key, so sending it twice stores it once. */
(function () {
  "use strict";
  var DB = "zhucun-outbox", STORE = "entries";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        var store = request.result.createObjectStore(STORE, { keyPath: "key" });
        store.createIndex("user", "user");
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  // crypto.randomUUID needs a secure context; an intranet on plain http still gets a v4 UUID.
  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  window.ZhucunOutbox = {
    newKey: newKey,
    put: function (entry) { return run("readwrite", function (s) { return s.put(entry); }); },
    remove: function (key) { return run("readwrite", function (s) { return s.delete(key); }); },
    forUser: function (user) {
      return run("readonly", function (s) { return s.index("user").getAll(user); });
    }
  };
})();
