#pragma once

class QTableView;

namespace ServeDeck {

// Keeps a table's columns as wide as the text they show now, so no name, time or status is
// clipped, also after rows arrive while the table is hidden in another tab, or after a filter
// that hid the long ones is cleared. Call after setModel(). Columns in Stretch mode keep
// stretching; without one, the last column takes what width is left.
void fitColumnsToContents(QTableView *table);

} // namespace ServeDeck
