"""What a stacked table (`table.cma-stack`, static/css/portal.css) must be on a narrow screen:
no sideways scrolling inside it, its table roles present, and every visible cell showing its
column's header as a label (`data-label`, drawn by `td::before`). Shared by the reflow check of
every page (test_accessibility.py) and the staff tables test (test_stacked_tables.py)."""

CHECK_TABLES = """() => {
  const problems = [];
  const tables = [...document.querySelectorAll('table.cma-stack')];
  let rows = 0;
  for (const table of tables) {
    const name = table.id || (table.caption ? table.caption.textContent.trim().slice(0, 40) : 'table');
    const box = table.closest('.fr-table') || table.parentElement;
    if (table.scrollWidth > table.clientWidth + 1) {
      problems.push(`${name}: scrolls sideways (${table.scrollWidth} > ${table.clientWidth} px)`);
    }
    if (table.getBoundingClientRect().width > box.clientWidth + 1) {
      problems.push(`${name}: wider than its container (${box.clientWidth} px)`);
    }
    if (table.getAttribute('role') !== 'table') problems.push(`${name}: no role=table`);
    const headers = [...table.querySelectorAll(':scope > thead th')].map(
      (th) => th.textContent.replace(/\\s+/g, ' ').trim());
    for (const th of table.querySelectorAll(':scope > thead th')) {
      if (th.getAttribute('role') !== 'columnheader') problems.push(`${name}: header without role`);
    }
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        if (row.getAttribute('role') !== 'row') problems.push(`${name}: row without role=row`);
        let index = 0;
        let data = false;
        for (const cell of row.cells) {
          const visible = cell.getClientRects().length > 0;
          if (cell.colSpan === 1 && cell.tagName === 'TD' && visible) {
            data = true;
            const label = cell.dataset.label;
            const shown = getComputedStyle(cell, '::before').content;
            if (cell.getAttribute('role') !== 'cell') problems.push(`${name}: cell without role=cell`);
            if (!label) {
              problems.push(`${name}: cell ${index + 1} has no data-label`);
            } else if (label.replace(/\\s+/g, ' ').trim() !== headers[index]) {
              problems.push(`${name}: cell ${index + 1} labelled "${label}", column "${headers[index]}"`);
            } else if (shown !== JSON.stringify(label)) {
              problems.push(`${name}: cell ${index + 1} does not show its label (${shown})`);
            }
          }
          index += cell.colSpan;
        }
        if (data) rows += 1;
      }
    }
  }
  return {tables: tables.length, rows, problems};
}"""


def stacked_tables(page) -> dict:
    """{"tables": how many stacked tables, "rows": data rows, "problems": [...]} for `page` as
    laid out now (call it at the width to check)."""
    return page.evaluate(CHECK_TABLES)
