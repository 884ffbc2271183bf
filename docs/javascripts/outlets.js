// The outlet registry page: filter the table as the reader types.
document.addEventListener("DOMContentLoaded", function () {
  var input = document.getElementById("outlet-filter");
  var table = document.getElementById("outlets");
  if (!input || !table) return;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var count = document.getElementById("outlet-count");
  function show() {
    var q = input.value.trim().toLowerCase(), shown = 0;
    rows.forEach(function (row) {
      var hit = !q || row.textContent.toLowerCase().indexOf(q) !== -1;
      row.hidden = !hit;
      if (hit) shown++;
    });
    count.textContent = shown + " of " + rows.length + " outlets";
  }
  input.addEventListener("input", show);
  show();
});
