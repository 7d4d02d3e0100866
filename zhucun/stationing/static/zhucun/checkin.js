// Optional location for a check-in: only when the cadre ticks the box, and a
// check-in never waits for it (DESIGN.md §6: location is evidence, never required).
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("with-location");
  if (!box || !navigator.geolocation) { if (box) { box.disabled = true; } return; }
  box.addEventListener("change", function () {
    if (!box.checked) {
      document.getElementById("id_latitude").value = "";
      document.getElementById("id_longitude").value = "";
      return;
    }
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("id_latitude").value = pos.coords.latitude.toFixed(6);
      document.getElementById("id_longitude").value = pos.coords.longitude.toFixed(6);
    }, function () { box.checked = false; }, { timeout: 8000, maximumAge: 600000 });
  });
});
